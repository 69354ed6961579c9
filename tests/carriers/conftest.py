"""Fixtures for carrier tests: a live emulator on a free loopback port, recorded answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carriers import get_carrier

ROOT = Path(__file__).resolve().parents[2]

FIXTURES = ROOT / "tests" / "fixtures" / "carriers"


@pytest.fixture
def sleeps() -> list[float]:
    """Waits the HTTP layer asked for; passed as its sleep function so tests never wait."""
    return []


@pytest.fixture
def ups(emulator, sleeps):
    carrier = get_carrier(
        "ups",
        {"base_url": emulator.url, "client_id": "demo", "client_secret": "demo"},
        sleep=sleeps.append,
        read_timeout=2.0,
    )
    yield carrier
    carrier.http.close()


@pytest.fixture
def recorded():
    """Return a loader for tests/fixtures/carriers/<carrier>/<case>.json."""

    def load(carrier: str, case: str):
        return json.loads((FIXTURES / carrier / f"{case}.json").read_text(encoding="utf-8"))

    return load
