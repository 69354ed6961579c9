"""Several workers at once: threads that start together, each with its own app context."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from portal.extensions import db

T = TypeVar("T")


def race(app, count: int, work: Callable[[], T]) -> list[T]:
    """Run `work` in `count` threads released at the same moment, each in its own app context
    (so its own database session and connection); returns their results, in finishing order,
    and re-raises the first error a thread met."""
    results: list[T] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(work())
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (handed to the test's thread below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results
