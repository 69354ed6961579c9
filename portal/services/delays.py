"""Delay detection (SPEC §6): which rule holds for a shipment, and why, in plain words."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from carriers.status import TrackingStatus
from portal.services.workdays import working_hours_between


class DelayReason(StrEnum):
    LATE = "late"
    RESCHEDULED = "rescheduled"
    STALE = "stale"
    LABEL_LIMBO = "label_limbo"
    CARRIER_DELAY = "carrier_delay"


# When several rules hold, the shopper gets the most specific, actionable explanation:
# the carrier's own stated cause ("Weather delay in Louisville") explains everything after
# it; a broken promise is a hard fact about the date; a moved promise still has a date to
# give; silence (stale) is only an inference; label limbo is the earliest, vaguest stage.
PRIORITY: tuple[DelayReason, ...] = (
    DelayReason.CARRIER_DELAY,
    DelayReason.LATE,
    DelayReason.RESCHEDULED,
    DelayReason.STALE,
    DelayReason.LABEL_LIMBO,
)

# Delivered, finished or waiting for the shopper: nothing to be late about any more. A
# pickup point holding the parcel means the carrier has kept its side.
NOT_DELAYABLE = frozenset(
    {
        TrackingStatus.DELIVERED,
        TrackingStatus.RETURNED,
        TrackingStatus.CANCELLED,
        TrackingStatus.EXPIRED,
        TrackingStatus.AVAILABLE_FOR_PICKUP,
    }
)
# Moving statuses that go stale after the merchant's threshold without a new scan.
STALE_STATUSES = frozenset(
    {TrackingStatus.IN_TRANSIT, TrackingStatus.EXCEPTION, TrackingStatus.ATTEMPT_FAILED}
)
# A parcel out for delivery a whole working day without a new scan did not arrive.
OUT_FOR_DELIVERY_STALE_HOURS = 24.0
# A number the carrier still does not know is in the same limbo as a bare label.
LIMBO_STATUSES = frozenset({TrackingStatus.PRE_TRANSIT, TrackingStatus.UNKNOWN})
MAX_THRESHOLD_HOURS = 24.0 * 60  # a threshold longer than ten working weeks is a typo


@dataclass(frozen=True)
class DelaySettings:
    stale_hours: float = 72.0  # in transit without a new scan, working hours
    label_limbo_hours: float = 48.0  # pre_transit after the label, working hours

    @classmethod
    def from_merchant(cls, settings: dict[str, Any] | None) -> DelaySettings:
        """Read merchant.settings["delays"]; each missing or invalid value keeps its default.

        A value is valid when it is a positive, finite number of hours up to
        MAX_THRESHOLD_HOURS. Never raises.
        """
        delays = (settings or {}).get("delays")
        if not isinstance(delays, dict):
            return cls()
        values = {}
        for field in fields(cls):
            value = delays.get(field.name)
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and 0 < value <= MAX_THRESHOLD_HOURS
            ):
                values[field.name] = float(value)
        return cls(**values)


@dataclass(frozen=True)
class DelayFacts:
    """Everything the rules need about one shipment, without the ORM."""

    status: str  # SPEC §6 status value
    promised_date: date | None  # current promise (carrier estimate, else ours)
    first_promised_date: date | None
    promise_source: str | None  # "carrier" | "porchlight"
    last_scan_at: datetime | None  # newest carrier event time (aware)
    last_scan_description: str | None
    last_scan_place: str | None
    label_created_at: datetime | None  # first pre_transit event or shipment creation
    carrier_delay: str | None  # carrier-reported delay text, e.g. "Weather delay"
    destination_tz: ZoneInfo
    delivered_at: datetime | None = None
    destination_name: str | None = None  # the shipping city, for "in Rochester's time zone"


@dataclass(frozen=True)
class DelayAssessment:
    delayed: bool
    reason: str | None  # a DelayReason value
    explanation: str | None  # plain words: the rule, the dates, the last scan
    new_date: date | None = None  # the promised date to tell the shopper, when known


ON_TIME = DelayAssessment(delayed=False, reason=None, explanation=None)


def stale_limit(status: TrackingStatus, settings: DelaySettings) -> float | None:
    """Working hours without a new scan after which `status` is stale; None if it never is."""
    if status in STALE_STATUSES:
        return settings.stale_hours
    if status == TrackingStatus.OUT_FOR_DELIVERY:
        return min(settings.stale_hours, OUT_FOR_DELIVERY_STALE_HOURS)
    return None


def _matching_rules(
    facts: DelayFacts, status: TrackingStatus, now: datetime, settings: DelaySettings
) -> set[DelayReason]:
    tz = facts.destination_tz
    today = now.astimezone(tz).date()
    promised = facts.promised_date
    holds: set[DelayReason] = set()
    if facts.carrier_delay and facts.carrier_delay.strip():
        holds.add(DelayReason.CARRIER_DELAY)
    if promised is not None and today > promised:
        # A failed attempt on or before the promised day means the carrier came on time.
        attempted_on_time = (
            status == TrackingStatus.ATTEMPT_FAILED
            and facts.last_scan_at is not None
            and facts.last_scan_at.astimezone(tz).date() <= promised
        )
        if not attempted_on_time:
            holds.add(DelayReason.LATE)
    if (
        promised is not None
        and facts.first_promised_date is not None
        and promised > facts.first_promised_date
        and facts.promise_source != "porchlight"
    ):
        holds.add(DelayReason.RESCHEDULED)
    limit = stale_limit(status, settings)
    if (
        facts.last_scan_at is not None
        and limit is not None
        and working_hours_between(facts.last_scan_at, now, tz) >= limit
    ):
        holds.add(DelayReason.STALE)
    if status in LIMBO_STATUSES and facts.label_created_at is not None:
        since_label = working_hours_between(facts.label_created_at, now, tz)
        if since_label >= settings.label_limbo_hours:
            holds.add(DelayReason.LABEL_LIMBO)
    return holds


def assess_delay(
    facts: DelayFacts, now: datetime, settings: DelaySettings = DelaySettings()
) -> DelayAssessment:
    """Decide whether a shipment is delayed at `now` (aware), and why.

    Returns a DelayAssessment with the highest-PRIORITY rule that holds, or one with
    delayed=False when none does (which is how a delay clears). Raises ValueError for an
    unknown status or naive datetimes.
    """
    status = TrackingStatus(facts.status)
    if status in NOT_DELAYABLE or facts.delivered_at is not None:
        return ON_TIME
    holds = _matching_rules(facts, status, now, settings)
    reason = next((rule for rule in PRIORITY if rule in holds), None)
    if reason is None:
        return ON_TIME
    today = now.astimezone(facts.destination_tz).date()
    promised = facts.promised_date
    new_date = promised if promised is not None and promised >= today else None
    return DelayAssessment(
        delayed=True,
        reason=reason.value,
        explanation=explain_delay(reason, facts, now, settings),
        new_date=new_date,
    )


def delivered_late(
    first_promised_date: date | None, delivered_at: datetime | None, tz: ZoneInfo
) -> bool:
    """True when delivery came after the first promised date, by the destination's calendar.

    Returns False when either is unknown.
    """
    if first_promised_date is None or delivered_at is None:
        return False
    return delivered_at.astimezone(tz).date() > first_promised_date


def format_day(day: date) -> str:
    """A date as shoppers read it: "Thursday 26 November"."""
    return f"{day:%A} {day.day} {day:%B}"


def _format_moment(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{format_day(local.date())} {local:%H:%M}"


def explain_delay(
    reason: DelayReason, facts: DelayFacts, now: datetime, settings: DelaySettings
) -> str:
    """The plain-words explanation of a delay: the rule, the dates and the last scan.

    Every date and time is given in the destination's timezone. The one place the text is
    built, so that localising it later changes one function. Returns English text.
    """
    tz = facts.destination_tz
    zone = f"in {facts.destination_name}'s time zone" if facts.destination_name else "locally"
    today = format_day(now.astimezone(tz).date())
    promise = None
    if facts.promised_date is not None:
        who = "We estimated" if facts.promise_source == "porchlight" else "The carrier promised"
        promise = f"{who} {format_day(facts.promised_date)}"
    if reason == DelayReason.CARRIER_DELAY:
        text = f"The carrier reports a delay: {facts.carrier_delay.strip().rstrip('.')}."
        if promise:
            text += f" {promise}."
    elif reason == DelayReason.LATE:
        text = f"{promise}; it is now {today} {zone} and the parcel has not been delivered."
    elif reason == DelayReason.RESCHEDULED:
        text = (
            f"The carrier first promised {format_day(facts.first_promised_date)} "
            f"and now expects {format_day(facts.promised_date)}."
        )
    elif reason == DelayReason.STALE:
        hours = working_hours_between(facts.last_scan_at, now, tz)
        text = (
            f"No new scan for {int(hours)} working hours (Monday to Saturday, {zone}); "
            f"the limit is {stale_limit(TrackingStatus(facts.status), settings):g}."
        )
        if promise:
            text += f" {promise}."
    else:
        hours = working_hours_between(facts.label_created_at, now, tz)
        text = (
            f"The shipping label was created {_format_moment(facts.label_created_at, tz)}, "
            f"but the carrier has not scanned the parcel in {int(hours)} working hours "
            f"(Monday to Saturday, {zone}); the limit is {settings.label_limbo_hours:g}."
        )
    if facts.last_scan_at is not None:
        scan = ", ".join(
            part
            for part in (
                facts.last_scan_description,
                facts.last_scan_place,
                _format_moment(facts.last_scan_at, tz),
            )
            if part
        )
        text += f" Last scan: {scan}."
    else:
        text += " No scan yet."
    return text
