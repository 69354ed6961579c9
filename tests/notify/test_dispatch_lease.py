"""The outbox lease: a killed dispatcher's messages go out again within two minutes, while a
live dispatcher sending a long batch keeps its claim and nothing is sent twice."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.database import utcnow
from portal.models import Notification
from portal.notify.transports import Transports
from portal.services.dispatch import (
    claim_due_notifications,
    dispatch_claimed,
    send_due_notifications,
)
from tests.notify.conftest import smtp_settings
from tests.notify.test_dispatcher_killed import dispatcher, dispatcher_env


@pytest.fixture
def app_settings(smtp_server) -> dict:
    """This process dispatches to the same real SMTP server as the dispatcher it outlives."""
    return smtp_settings(smtp_server)


def queue_shipped(db, make_merchant, make_order, queue, count: int) -> None:
    acme = make_merchant("acme", "Acme")
    for index in range(count):
        order = make_order(acme, order_number=str(index), customer_email=f"c{index}@example.com")
        queue(order, "shipped", order.shipments[0])
    db.session.commit()


def statuses(db) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.status)))


def received(smtp_server) -> Counter:
    return Counter(message["X-Porchlight-Notification"] for message in smtp_server.messages)


def held_by_the_dead(db) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(Notification.id).where(Notification.status == "sending")))


def test_a_killed_dispatchers_messages_go_out_from_another_within_two_minutes(
    db, make_merchant, make_order, queue, smtp_server, database_url, tmp_path
):
    queue_shipped(db, make_merchant, make_order, queue, 10)
    process = dispatcher(dispatcher_env(smtp_server, database_url, tmp_path))

    def kill_at_first(count):
        if count == 1:
            os.kill(process.pid, signal.SIGKILL)

    smtp_server.sink.on_message = kill_at_first
    process.wait(timeout=60)
    smtp_server.sink.on_message = None
    assert process.returncode == -signal.SIGKILL, process.stderr.read()
    held = held_by_the_dead(db)
    assert len(held) >= 3  # its batch of 4, less the message it may have recorded

    send_due_notifications()  # at once: the rows nobody holds go, the dead one's wait
    assert held_by_the_dead(db) == held

    with time_machine.travel(utcnow() + timedelta(minutes=2), tick=False):
        send_due_notifications()
    assert statuses(db) == {"sent": 10}
    mail = received(smtp_server)
    assert len(mail) == 10
    assert sum(mail.values()) <= 11  # at most the one in flight at the kill, twice


def test_a_dispatcher_sending_a_long_batch_keeps_its_claim_and_nothing_goes_twice(
    app, db, make_merchant, make_order, queue, smtp_server
):
    """Each message takes 40 s (the clock moves while the server holds its answer) and
    another dispatcher sweeps the outbox meanwhile: 10 messages, 400 s, well past any lease."""
    queue_shipped(db, make_merchant, make_order, queue, 10)
    sweeps: list[int] = []
    errors: list[BaseException] = []
    rivals: list[threading.Thread] = []

    def rival_sweep():
        try:
            with app.app_context():
                sweeps.append(send_due_notifications().claimed)
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)

    with time_machine.travel(utcnow(), tick=False) as clock:

        def slow_server(count):
            clock.shift(timedelta(seconds=40))
            rivals.append(threading.Thread(target=rival_sweep))
            rivals[-1].start()

        smtp_server.sink.on_message = slow_server
        stats = send_due_notifications(batch_size=10)
        smtp_server.sink.on_message = None
        for rival in rivals:
            rival.join(timeout=60)

    assert errors == []
    assert stats.sent == 10  # the whole batch, by the dispatcher that claimed it
    assert sweeps == [0] * 10  # the rival never took a row the live dispatcher held
    mail = received(smtp_server)
    assert len(mail) == 10 and set(mail.values()) == {1}  # each message exactly once
    assert statuses(db) == {"sent": 10}


def test_rows_taken_over_while_a_send_outlasted_the_lease_are_left_to_their_new_holder(
    app, db, make_merchant, make_order, queue, smtp_server
):
    """The first send hangs for 90 s, past the lease; a rival claims the whole batch in that
    time. The first dispatcher sends nothing more, the rival sends the batch: only the
    message that was in flight arrives twice."""
    queue_shipped(db, make_merchant, make_order, queue, 5)
    rival: dict = {}

    with time_machine.travel(utcnow(), tick=False) as clock:

        def hanging_server(count):
            if count == 1:
                clock.shift(timedelta(seconds=90))
                with app.app_context():
                    rival["ids"], rival["lease"] = claim_due_notifications(50)

        smtp_server.sink.on_message = hanging_server
        first = send_due_notifications(batch_size=10)
        smtp_server.sink.on_message = None
        assert first.claimed == 5 and len(rival["ids"]) == 5
        transports = Transports.from_config(app.config)
        try:
            second = dispatch_claimed(rival["ids"], rival["lease"], transports)
        finally:
            transports.close()

    assert second.sent == 5
    mail = received(smtp_server)
    assert len(mail) == 5 and sorted(mail.values()) == [1, 1, 1, 1, 2]
    assert statuses(db) == {"sent": 5}
