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
def recorded():
    """Return a loader for tests/fixtures/carriers/<carrier>/<case>.json."""

    def load(carrier: str, case: str):
        return json.loads((FIXTURES / carrier / f"{case}.json").read_text(encoding="utf-8"))

    return load


@pytest.fixture
def make_carrier(emulator, sleeps):
    """Return a builder of any carrier's adapter pointed at the emulator (demo credentials),
    recording its sleeps; adapters are closed after the test."""
    built = []

    def build(code: str, **http_options):
        settings = {"base_url": emulator.url}
        if code in ("dhl", "easypost"):
            settings["api_key"] = "demo"
        else:
            settings.update(client_id="demo", client_secret="demo")
        http_options.setdefault("read_timeout", 2.0)
        carrier = get_carrier(code, settings, sleep=sleeps.append, **http_options)
        built.append(carrier)
        return carrier

    yield build
    for carrier in built:
        carrier.http.close()


@pytest.fixture
def ups(make_carrier):
    """The UPS adapter pointed at the emulator (see make_carrier)."""
    return make_carrier("ups")
