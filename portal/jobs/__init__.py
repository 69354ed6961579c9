"""Background jobs: a Huey instance per app, tasks that take ids and run in the app context."""

from __future__ import annotations

import logging
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

from portal.extensions import db

log = logging.getLogger(__name__)


def make_huey(queue_url: str, name: str = "porchlight") -> Huey:
    """Huey on SQLite (`sqlite:///path`) or Redis (`redis://host:port/db`)."""
    if queue_url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=queue_url.removeprefix("sqlite:///"))
    parts = urlsplit(queue_url)
    return RedisHuey(name, url=queue_url, blocking=True) if parts.hostname else None


def in_app_context(app: Flask, function):
    """Run a task inside the app context and always hand the session back."""

    @wraps(function)
    def run(*args, **kwargs):
        with app.app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def init_jobs(app: Flask) -> None:
    from portal.jobs import tasks

    huey = make_huey(app.config["QUEUE_URL"], app.config.get("QUEUE_NAME", "porchlight"))
    registered = {}
    for name, function in tasks.TASKS.items():
        registered[name] = huey.task(name=name)(in_app_context(app, function))
    huey.periodic_task(crontab(minute="*"), name="tick")(in_app_context(app, tasks.scheduled_tick))
    app.extensions["huey"] = huey
    app.extensions["tasks"] = registered


def enqueue(task_name: str, *args):
    """Queue a task by name (arguments are ids, never personal data); returns Huey's result."""
    return current_app.extensions["tasks"][task_name](*args)


def wake_dispatcher() -> None:
    """Have a worker send the outbox now rather than at the next minute's sweep. Best effort:
    the rows are already committed, so when the queue is unreachable the sweep sends them."""
    try:
        enqueue("send_notifications")
    except Exception:  # noqa: BLE001  (Redis or the queue file unavailable)
        log.warning("could not wake the dispatcher; the next sweep will send", exc_info=True)
