"""A carrier's own report of a delay, told from its wording, as a short reason."""

from __future__ import annotations

import re

from carriers.status import TrackingStatus

# Checked in order: the first match names the reason.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"weather|storm|snow|hurricane|flood|natural disaster|wildfire|\bice\b", re.I),
        "Weather delay",
    ),
    (
        re.compile(
            r"(customs|clearance)\s+delay|(delay|held|hold)\w*\s+(in|by|at|for)\s+customs", re.I
        ),
        "Customs delay",
    ),
    (re.compile(r"mechanical", re.I), "Mechanical delay"),
    (re.compile(r"running late|arriving late|\blate\b", re.I), "Running late"),
    (re.compile(r"delay", re.I), "Carrier delay"),
)
# A finished shipment has no current delay, whatever its last words were.
_FINISHED = frozenset(
    {
        TrackingStatus.DELIVERED,
        TrackingStatus.CANCELLED,
        TrackingStatus.RETURNED,
        TrackingStatus.EXPIRED,
    }
)


def delay_reason(*wordings: str | None) -> str | None:
    """Return a short reason ("Weather delay", "Customs delay", "Running late",
    "Carrier delay"…) when any wording reports a delay, else None."""
    joined = " ".join(w for w in wordings if w)
    if not joined:
        return None
    return next((reason for pattern, reason in _REASONS if pattern.search(joined)), None)


def current_delay(status: TrackingStatus, *wordings: str | None) -> str | None:
    """Return the delay reason of the current status's wording, or None once finished."""
    return None if status in _FINISHED else delay_reason(*wordings)
