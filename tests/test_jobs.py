"""The queue: a task goes through real storage (SQLite file or Redis) and back."""

import datetime

import pytest


@pytest.fixture
def queued_app(make_app, queue_url, queue_name):
    application = make_app(QUEUE_URL=queue_url, QUEUE_NAME=queue_name)
    yield application
    application.extensions["huey"].flush()


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_task_round_trip_through_the_queue_storage(queued_app):
    huey = queued_app.extensions["huey"]
    with queued_app.app_context():
        from portal.jobs import enqueue

        result = enqueue("ping", 41)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    assert task is not None and task.name == "ping" and task.args == (41,)
    huey.execute(task)
    assert result.get() == 41
    assert huey.pending_count() == 0


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_redis_queue_url_gives_redis_storage(make_app, queue_url, queue_name):
    application = make_app(QUEUE_URL=queue_url, QUEUE_NAME=queue_name)
    storage = type(application.extensions["huey"].storage).__name__
    assert storage == ("SqliteStorage" if queue_url.startswith("sqlite") else "RedisStorage")


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_tasks_run_inside_the_app_context(queued_app):
    huey = queued_app.extensions["huey"]
    with queued_app.app_context():
        from portal.jobs import enqueue

        result = enqueue("poll_batch", [])
    huey.execute(huey.dequeue())
    assert result.get() == {"polled": 0, "events": 0, "delayed": 0, "notified": 0, "failed": 0}


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_the_periodic_tick_is_registered_every_minute(queued_app):
    huey = queued_app.extensions["huey"]
    for minute in (0, 17, 59):
        due = huey.read_periodic(datetime.datetime(2026, 11, 22, 10, minute))
        assert [task.name for task in due] == ["tick"]


@pytest.fixture
def ups_app(make_app, emulator, queue_url, queue_name):
    """An app whose UPS account is the emulator, queueing into real storage."""

    def build(**overrides):
        return make_app(
            QUEUE_URL=queue_url,
            QUEUE_NAME=queue_name,
            CARRIER_UPS_BASE_URL=emulator.url,
            CARRIER_UPS_CLIENT_ID="demo",
            CARRIER_UPS_CLIENT_SECRET="demo",
            **overrides,
        )

    return build


def add_ups_orders(count: int, **fields) -> None:
    """`count` orders with one UPS shipment each, labelled three hours ago; commits."""
    from carriers.emulator import make_tracking_number
    from portal.database import utcnow
    from portal.extensions import db
    from portal.services import merchants, orders

    acme = merchants.create_merchant("acme", "Acme")
    started = utcnow() - datetime.timedelta(hours=3)
    for seq in range(count):
        number = make_tracking_number("ups", "normal", started, seq)
        data = orders.OrderData(str(seq), shipments=[orders.ShipmentData(number, "ups")], **fields)
        orders.create_order(acme, data)
    db.session.commit()


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_worker_tick_queues_batches_that_poll_the_carrier(ups_app):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.jobs.tasks import scheduled_tick
    from portal.models import Shipment

    application = ups_app(POLL_BATCH_SIZE="2")
    huey = application.extensions["huey"]
    with application.app_context():
        add_ups_orders(3)
        assert scheduled_tick() == 3
    try:
        assert huey.pending_count() == 2  # batches of POLL_BATCH_SIZE, ids only
        while task := huey.dequeue():
            if task.name == "poll_batch":
                assert all(isinstance(shipment_id, int) for shipment_id in task.args[0])
            huey.execute(task)
        with application.app_context():
            statuses = db.session.scalars(select(Shipment.status)).all()
            assert statuses == ["delivered"] * 3
            assert scheduled_tick() == 0  # nothing due any more
    finally:
        huey.flush()


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_a_batch_that_queues_messages_wakes_the_dispatcher(ups_app):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.jobs.tasks import scheduled_tick
    from portal.models import Notification

    application = ups_app()
    huey = application.extensions["huey"]
    with application.app_context():
        add_ups_orders(1, customer_email="maya@example.com")
        scheduled_tick()
    try:
        names = []
        while task := huey.dequeue():
            names.append(task.name)
            huey.execute(task)
        with application.app_context():
            statuses = db.session.scalars(select(Notification.status)).all()
        assert names == ["poll_batch", "send_notifications"]
        assert statuses and set(statuses) == {"sent"}  # sent by the wake-up, not a sweep
    finally:
        huey.flush()
