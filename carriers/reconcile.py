"""Choosing between a carrier's summary status and its newest event, counting disagreements."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from carriers.models import CarrierEvent
from carriers.status import STATUS_RANK, TrackingStatus

S = TrackingStatus

# How far along a parcel is, to tell which of two readings without times is the later one:
# an attempt follows "out for delivery", a pickup point follows an attempt, a return can
# follow anything. In transit and exception are level: the newest event tells between them.
_PROGRESS: dict[TrackingStatus, int] = {
    S.UNKNOWN: 0,
    S.EXPIRED: 0,
    S.PRE_TRANSIT: 1,
    S.IN_TRANSIT: 2,
    S.EXCEPTION: 2,
    S.OUT_FOR_DELIVERY: 3,
    S.ATTEMPT_FAILED: 4,
    S.AVAILABLE_FOR_PICKUP: 5,
    S.CANCELLED: 6,
    S.DELIVERED: 7,
    S.RETURNED: 8,
}

_lock = threading.Lock()
# (carrier, summary status, newest event status, "summary" | "event") → times seen; read it
# with disagreement_counts() (a metric later).
_disagreements: Counter[tuple[str, str, str, str]] = Counter()


@dataclass(frozen=True)
class Reading:
    """One way of reading where a parcel is: its status, the carrier's code and words."""

    status: TrackingStatus
    code: str | None = None
    text: str | None = None
    at: datetime | None = None  # when the carrier says it happened, if it says


def event_reading(event: CarrierEvent) -> Reading:
    """Return the Reading of a parsed carrier event."""
    return Reading(event.status, event.code, event.description or None, event.occurred_at)


def _may_follow(earlier: TrackingStatus, later: TrackingStatus) -> bool:
    # SPEC §6: delivered is left only for returned; ranked statuses never move down.
    if earlier is S.DELIVERED:
        return later is S.RETURNED
    before, after = STATUS_RANK.get(earlier), STATUS_RANK.get(later)
    return before is None or after is None or after >= before


def _pick(summary: Reading, event: Reading) -> Reading:
    if summary.status is S.UNKNOWN:
        return event
    if event.status is S.UNKNOWN:
        return summary
    if summary.at is not None and event.at is not None and summary.at != event.at:
        earlier, later = (summary, event) if summary.at < event.at else (event, summary)
        return later if _may_follow(earlier.status, later.status) else earlier
    # No time tells them apart: the one further along is the later news; level → the event.
    return summary if _PROGRESS[summary.status] > _PROGRESS[event.status] else event


def choose_reading(
    carrier: str, summary: Reading | None, newest: CarrierEvent | None
) -> tuple[Reading, bool]:
    """Return the reading a result's status follows, and whether the summary is stale.

    The summary (UPS currentStatus, FedEx latestStatusDetail, …) and the newest event
    usually agree. When they do not, the more specific and newer fact wins: a generic
    summary never hides a newer event (out for delivery, an attempt, a weather hold), a
    summary further along (delivered) is never undone by a lagging event list, and when
    the summary carries a time, the newer of the two wins unless that would move a ranked
    status down. The summary is stale when its own time is older than the event it lost
    to; its words then say nothing about now. Each disagreement is logged on
    "carriers.<carrier>" and counted (see disagreement_counts).
    """
    if newest is None:
        return summary or Reading(S.UNKNOWN), False
    event = event_reading(newest)
    if summary is None:
        return event, False
    if summary.status is event.status:
        return summary, False
    chosen = _pick(summary, event)
    stale = chosen is event and summary.at is not None and summary.at < event.at
    side = "summary" if chosen is summary else "event"
    with _lock:
        _disagreements[(carrier, summary.status.value, event.status.value, side)] += 1
    logging.getLogger(f"carriers.{carrier}").info(
        "summary/event disagreement carrier=%s summary=%s:%s newest_event=%s:%s chose=%s",
        carrier,
        summary.status.value,
        summary.code,
        event.status.value,
        event.code,
        side,
    )
    return chosen, stale


def disagreement_counts() -> dict[tuple[str, str, str, str], int]:
    """Return how often each (carrier, summary status, event status, chosen side) was seen
    since start-up."""
    with _lock:
        return dict(_disagreements)
