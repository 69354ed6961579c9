"""Many worker processes share the work: every shipment polled exactly once per lease, none
skipped, and a worker killed mid-batch loses nothing (SPEC §7, PostgreSQL + the emulator)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from carriers.emulator import make_tracking_number
from portal.database import utcnow
from portal.models import Notification, Shipment, TrackingEvent
from portal.services.polling import LEASE, claim_due_shipments, poll_shipments

ROOT = Path(__file__).resolve().parent.parent
TRACK_ROUTE = "/api/track/v1/details/<inquiry_number>"


@pytest.fixture
def db_backend():
    return "postgresql"


@pytest.fixture
def app(carrier_app):
    """In-process polling here talks to the same emulator as the worker processes."""
    return carrier_app


def seed(db, make_merchant, make_order, count: int) -> list[str]:
    acme = make_merchant("acme", "Acme")
    started = utcnow() - timedelta(hours=3)  # at 60x the journey is complete: one poll settles it
    numbers = []
    for index in range(count):
        number = make_tracking_number("ups", "normal", started, index % 100)
        numbers.append(number)
        make_order(
            acme,
            order_number=str(index),
            shipments=[("ups", number)],
            customer_email=f"c{index}@example.com",
        )
    return numbers


def environment(database_url: str, emulator_url: str, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
        "SECRET_KEY": "processes-test-secret",
        "CARRIER_UPS_BASE_URL": emulator_url,
        "CARRIER_UPS_CLIENT_ID": "demo",
        "CARRIER_UPS_CLIENT_SECRET": "demo",
        "POLL_BATCH_SIZE": "7",
        "POLL_CONCURRENCY": "4",
    }


def tick_process(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tick"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("workers", [2, 4])
def test_worker_processes_poll_every_shipment_exactly_once(
    db, make_merchant, make_order, database_url, emulator, tmp_path, workers
):
    seed(db, make_merchant, make_order, 120)
    env = environment(database_url, emulator.url, tmp_path)
    processes = [tick_process(env) for _ in range(workers)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    polled = [int(out.split("polled=")[1].split()[0]) for out, _ in outputs]
    assert sum(polled) == 120  # none twice, none skipped
    assert sum(1 for count in polled if count) >= 2  # the work was really shared

    track_calls = requests.get(f"{emulator.url}/_emulator/stats").json()["requests"][TRACK_ROUTE]
    assert track_calls == 120
    db.session.expire_all()
    statuses = db.session.scalars(select(Shipment.status)).all()
    assert statuses == ["delivered"] * 120
    delivered_mails = db.session.scalar(
        select(func.count()).where(
            Notification.trigger == "delivered", Notification.channel == "email"
        )
    )
    assert delivered_mails == 120


def test_killed_worker_loses_nothing_and_duplicates_nothing(
    db, make_merchant, make_order, database_url, emulator, tmp_path
):
    seed(db, make_merchant, make_order, 30)
    # Slow answers keep the worker inside its first batches when it is killed.
    requests.post(
        f"{emulator.url}/_emulator/faults", json={"mode": "slow", "delay": 2, "count": 1000}
    )
    process = tick_process(environment(database_url, emulator.url, tmp_path))
    deadline = time.monotonic() + 30
    leased = 0
    while time.monotonic() < deadline and not leased:
        time.sleep(0.1)
        db.session.rollback()
        leased = db.session.scalar(select(func.count()).where(Shipment.lease_until.is_not(None)))
    assert leased, "the worker never claimed anything"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    requests.post(f"{emulator.url}/_emulator/faults", json={"mode": "none"})
    db.session.rollback()

    # Until its lease ends nobody else takes the killed worker's shipments…
    now = utcnow()
    held = db.session.scalars(select(Shipment.id).where(Shipment.lease_until > now)).all()
    claimed_now = sum(claim_due_shipments(limit=100, now=now).values(), [])
    db.session.commit()
    assert held and not set(held) & set(claimed_now)
    if claimed_now:
        poll_shipments(claimed_now)
        db.session.commit()
    # …and after it, they are polled like any other.
    later = now + LEASE + timedelta(seconds=1)
    claimed_later = sum(claim_due_shipments(limit=100, now=later).values(), [])
    db.session.commit()
    assert set(held) <= set(claimed_later)
    poll_shipments(claimed_later)
    db.session.commit()

    db.session.expire_all()
    assert db.session.scalars(select(Shipment.status)).all() == ["delivered"] * 30
    duplicate_events = db.session.execute(
        select(TrackingEvent.shipment_id, TrackingEvent.event_key)
        .group_by(TrackingEvent.shipment_id, TrackingEvent.event_key)
        .having(func.count() > 1)
    ).all()
    assert duplicate_events == []
    mails = db.session.scalars(
        select(Notification.dedupe_key).where(Notification.trigger == "delivered")
    ).all()
    assert len(mails) == len(set(mails)) == 30
