"""A dispatcher process killed with SIGKILL at random points loses nothing; the only duplicates
are messages that were in flight at a kill (counted at the real SMTP server)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from portal.database import utcnow
from portal.models import Notification
from tests.notify.conftest import smtp_settings

ROOT = Path(__file__).resolve().parents[2]
RUNNER = (
    "from portal import create_app\n"
    "from portal.services.dispatch import send_due_notifications\n"
    "app = create_app()\n"
    "with app.app_context():\n"
    "    print('sent=%d' % send_due_notifications(batch_size=4).sent, flush=True)\n"
)
MESSAGES = 20
KILLS = 3


def dispatcher_env(smtp_server, database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a dispatcher process on this test's database and SMTP server."""
    return {
        **os.environ,
        **smtp_settings(smtp_server),
        "DATABASE_URL": database_url,
        "QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        "PUBLIC_BASE_URL": "http://porchlight.test",
    }


def dispatcher(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_dispatchers_lose_nothing_and_double_only_in_flight_messages(
    db, make_merchant, make_order, queue, smtp_server, database_url, tmp_path
):
    acme = make_merchant("acme", "Acme")
    for index in range(MESSAGES):
        order = make_order(acme, order_number=str(index), customer_email=f"c{index}@example.com")
        queue(order, "shipped", order.shipments[0])
    db.session.commit()
    env = dispatcher_env(smtp_server, database_url, tmp_path)
    rng = random.Random(os.environ.get("KILL_SEED"))
    kills = 0
    for _ in range(KILLS):
        process = dispatcher(env)
        # Kill at a random message, at a random moment around it (before the server's 250,
        # or while the dispatcher records the result or claims the next batch).
        threshold = len(smtp_server.messages) + rng.randint(1, 6)
        pause = rng.choice([0, 0, rng.uniform(0, 0.02)])

        def kill_at(count, threshold=threshold, pause=pause, process=process):
            if count == threshold:
                if pause:
                    threading.Timer(pause, os.kill, (process.pid, signal.SIGKILL)).start()
                else:
                    os.kill(process.pid, signal.SIGKILL)

        smtp_server.sink.on_message = kill_at
        process.wait(timeout=60)
        smtp_server.sink.on_message = None
        assert process.returncode == -signal.SIGKILL, process.stderr.read()
        kills += 1
        # Time passes: the dead dispatcher's leases run out (no sleeping through it here).
        db.session.execute(
            update(Notification)
            .where(Notification.status == "sending")
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    final = dispatcher(env)
    out, err = final.communicate(timeout=60)
    assert final.returncode == 0, err

    db.session.expire_all()
    statuses = Counter(db.session.scalars(select(Notification.status)))
    assert statuses == {"sent": MESSAGES}
    received = Counter(message["X-Porchlight-Notification"] for message in smtp_server.messages)
    assert len(received) == MESSAGES  # every message arrived
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= kills  # at most the one in flight at each kill
