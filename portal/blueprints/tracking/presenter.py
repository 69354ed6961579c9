"""What the shopper's tracking page says: hero sentence, stepper, delay banner, shipment cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from carriers import carrier_name
from carriers.status import TrackingStatus as S
from portal.blueprints.tracking.dates import (
    clock,
    long_day,
    page_language,
    parse_datetime,
    relative_day,
    short_day_in,
    window_text,
    zone_of,
)
from portal.carrier_registry import carrier_for
from portal.database import utcnow
from portal.models import Merchant, Order, OrderItem, Shipment, TrackingEvent

TIMELINE_PREVIEW = 4

STATUS_LABELS = {
    S.UNKNOWN: _l("Waiting for carrier"),
    S.PRE_TRANSIT: _l("Label created"),
    S.IN_TRANSIT: _l("In transit"),
    S.OUT_FOR_DELIVERY: _l("Out for delivery"),
    S.AVAILABLE_FOR_PICKUP: _l("Ready for pickup"),
    S.ATTEMPT_FAILED: _l("Delivery attempted"),
    S.EXCEPTION: _l("Problem"),
    S.DELIVERED: _l("Delivered"),
    S.RETURNED: _l("Returning to sender"),
    S.CANCELLED: _l("Cancelled"),
    S.EXPIRED: _l("No recent updates"),
}
# The tone decides colour and icon; words always go with it.
STATUS_TONES = {
    S.DELIVERED: "success",
    S.ATTEMPT_FAILED: "warning",
    S.EXCEPTION: "danger",
    S.RETURNED: "neutral",
    S.CANCELLED: "neutral",
    S.EXPIRED: "neutral",
}
# Which stepper step a status sits on: Ordered, Shipped, In transit, Out for delivery, Delivered.
STEP_OF_STATUS = {
    S.UNKNOWN: 1,
    S.PRE_TRANSIT: 1,
    S.IN_TRANSIT: 2,
    S.EXCEPTION: 2,
    S.OUT_FOR_DELIVERY: 3,
    S.AVAILABLE_FOR_PICKUP: 3,
    S.ATTEMPT_FAILED: 3,
    S.DELIVERED: 4,
}
# The shipment the hero talks about: problems first, then the one furthest from arriving.
ATTENTION_ORDER = {S.EXCEPTION: 0, S.ATTEMPT_FAILED: 1}
PROGRESS_ORDER = {
    S.UNKNOWN: 0,
    S.PRE_TRANSIT: 1,
    S.IN_TRANSIT: 2,
    S.AVAILABLE_FOR_PICKUP: 3,
    S.OUT_FOR_DELIVERY: 3,
    S.DELIVERED: 4,
    S.RETURNED: 5,
    S.EXPIRED: 6,
    S.CANCELLED: 7,
}
DELAY_REASONS = {
    "late": _l("It's taking longer than the carrier promised."),
    "rescheduled": _l("The carrier has moved the delivery to a later day."),
    "stale": _l("The carrier hasn't scanned the parcel for a while."),
    "label_limbo": _l("The carrier hasn't picked the parcel up yet."),
    "carrier_delay": _l("The carrier reports a delay."),
}
DEFAULT_DELAY_REASON = _l("It's taking longer than expected.")


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"
    problem: bool = False


@dataclass(frozen=True)
class DelayBanner:
    reason: str
    new_date: str | None


@dataclass
class StatusSummary:
    """The hero block: one sentence, a few details, the stepper and the delay banner."""

    status: str
    tone: str
    hero: str
    details: list[str] = field(default_factory=list)
    estimate_note: str | None = None
    help_text: str | None = None
    steps: list[Step] | None = None
    delay: DelayBanner | None = None


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    datetime_attr: str
    description: str
    place: str
    status: str


@dataclass
class ShipmentCard:
    shipment: Shipment
    number: int
    carrier_name: str
    service_name: str
    status_label: str
    tone: str
    tracking_url: str | None
    items: list[OrderItem]
    recent: list[TimelineEntry]
    older: list[TimelineEntry]


@dataclass
class TrackingPage:
    order: Order
    merchant: Merchant
    summary: StatusSummary
    shipments: list[ShipmentCard]
    destination: str | None


def public_tracking_url(shipment: Shipment) -> str | None:
    """The carrier's own public tracking page for the shipment, when we know the carrier."""
    try:
        return carrier_for(shipment.carrier).public_tracking_url(shipment.tracking_number)
    except KeyError:
        return None


def service_name(shipment: Shipment) -> str:
    """'UPS Ground', or 'UPS Ground' from carrier 'ups' and service 'Ground'; 'UPS' alone."""
    carrier = carrier_name(shipment.carrier)
    service = (shipment.service or "").strip()
    if not service:
        return carrier
    if service.lower().startswith(carrier.lower()):
        return service
    return f"{carrier} {service}"


def _status(value: str) -> S:
    try:
        return S(value)
    except ValueError:
        return S.UNKNOWN


def _estimate(shipment: Shipment) -> tuple[date | None, datetime | None, datetime | None, dict]:
    estimate = shipment.estimated_delivery or {}
    try:
        day = date.fromisoformat(estimate.get("date") or "")
    except (TypeError, ValueError):
        day = None
    start = parse_datetime(estimate.get("window_start"))
    end = parse_datetime(estimate.get("window_end"))
    return day, start, end, estimate


def _latest_event(shipment: Shipment) -> TrackingEvent | None:
    return shipment.events[0] if shipment.events else None


def lead_shipment(shipments: list[Shipment]) -> Shipment | None:
    """The shipment the order's hero sentence is about: a problem first, else the slowest."""
    if not shipments:
        return None

    def key(shipment: Shipment) -> tuple[int, int, int]:
        status = _status(shipment.status)
        attention = ATTENTION_ORDER.get(status, 2 if shipment.delayed else 3)
        return attention, PROGRESS_ORDER.get(status, 2), shipment.id or 0

    return min(shipments, key=key)


def build_steps(status: S | None) -> list[Step] | None:
    """The five-step stepper; None for states that are off the road (returned, cancelled…)."""
    current = 0 if status is None else STEP_OF_STATUS.get(status)
    if current is None:
        return None
    labels = [_("Ordered"), _("Shipped"), _("In transit"), _("Out for delivery"), _("Delivered")]
    if status == S.AVAILABLE_FOR_PICKUP:
        labels[3] = _("Ready for pickup")
    problem = status in (S.EXCEPTION, S.ATTEMPT_FAILED)
    steps = []
    for index, label in enumerate(labels):
        if index < current or (index == current == 4):
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        steps.append(Step(label, state, problem and index == current))
    return steps


def _delay_banner(shipment: Shipment, today: date) -> DelayBanner | None:
    if not shipment.delayed:
        return None
    reason = str(DELAY_REASONS.get(shipment.delay_reason or "", DEFAULT_DELAY_REASON))
    latest = _latest_event(shipment)
    if shipment.delay_reason == "carrier_delay" and latest:
        reason = _("The carrier reports: %(reason)s", reason=latest.description)
    day, _start, _end, _raw = _estimate(shipment)
    new_date = None
    # In transit the hero already names the new day; elsewhere the banner gives it.
    if day and day >= today and _status(shipment.status) != S.IN_TRANSIT:
        new_date = _("Now expected %(day)s.", day=relative_day(day, today))
    return DelayBanner(reason, new_date)


def summarise(order: Order, now: datetime | None = None) -> StatusSummary:
    """The order's status in the shopper's words, from its lead shipment."""
    now = now or utcnow()
    merchant = order.merchant
    today = now.astimezone(zone_of(merchant)).date()
    shipments = list(order.shipments)
    shipment = lead_shipment(shipments)
    if shipment is None:
        return StatusSummary(
            status="ordered",
            tone="progress",
            hero=_("Order received"),
            details=[_("%(shop)s is getting your order ready to ship.", shop=merchant.name)],
            steps=build_steps(None),
        )

    status = _status(shipment.status)
    summary = _describe(shipment, status, merchant, now, today)
    summary.steps = build_steps(status)
    summary.delay = _delay_banner(shipment, today)
    if summary.delay and summary.tone == "progress":
        summary.tone = "warning"
    delivered = sum(1 for s in shipments if s.status == S.DELIVERED)
    if len(shipments) > 1 and 0 < delivered < len(shipments):
        summary.details.append(
            _("%(done)s of %(total)s packages delivered", done=delivered, total=len(shipments))
        )
    return summary


def _describe(
    shipment: Shipment, status: S, merchant: Merchant, now: datetime, today: date
) -> StatusSummary:
    shop = merchant.name
    carrier = carrier_name(shipment.carrier)
    latest = _latest_event(shipment)
    tone = STATUS_TONES.get(status, "progress")
    summary = StatusSummary(status=status.value, tone=tone, hero="")
    day, start, end, estimate = _estimate(shipment)
    window = window_text(start, end)

    if status == S.DELIVERED:
        summary.hero = _delivered_hero(shipment, latest, merchant, now)
        if shipment.delivery_location:
            summary.hero = _(
                "%(delivered)s — left at %(place)s",
                delivered=summary.hero,
                place=_as_phrase(shipment.delivery_location),
            )
        if shipment.signed_by:
            summary.details.append(_("Signed for by %(name)s", name=shipment.signed_by))
        summary.help_text = _(
            "Not there? Check around your door and with neighbours, then contact %(shop)s.",
            shop=shop,
        )
        return summary

    if status == S.OUT_FOR_DELIVERY:
        summary.hero = _("Out for delivery — arriving today")
        summary.details.append(window or _("Your parcel is on the delivery vehicle."))
    elif status == S.AVAILABLE_FOR_PICKUP:
        summary.hero = _("Ready for pickup")
        place = shipment.delivery_location or (latest.place if latest else "")
        if place:
            summary.details.append(_("Waiting for you at %(place)s", place=place))
        summary.details.append(_("Take a photo ID and your tracking number with you."))
    elif status == S.ATTEMPT_FAILED:
        summary.hero = _("We missed you — delivery attempted")
        summary.details.append(
            _("%(carrier)s usually tries again on the next working day.", carrier=carrier)
        )
    elif status == S.EXCEPTION:
        summary.hero = _("There's a problem with the delivery")
        reason = shipment.carrier_status_text or (latest.description if latest else None)
        if reason:
            summary.details.append(
                _("%(carrier)s says: %(reason)s", carrier=carrier, reason=reason)
            )
        summary.help_text = _(
            "Most problems are sorted out within a day or two. If not, contact %(shop)s.",
            shop=shop,
        )
    elif status == S.RETURNED:
        summary.hero = _("On its way back to %(shop)s", shop=shop)
        summary.help_text = _("Contact %(shop)s about a refund or a new delivery.", shop=shop)
    elif status == S.CANCELLED:
        summary.hero = _("This shipment was cancelled")
        summary.help_text = _("If you didn't expect this, contact %(shop)s.", shop=shop)
    elif status == S.EXPIRED:
        summary.hero = _("Tracking updates have stopped")
        summary.details.append(_("The carrier hasn't shared any news for a long time."))
        summary.help_text = _(
            "Please contact %(shop)s so they can check with the carrier.", shop=shop
        )
    elif status == S.UNKNOWN:
        summary.hero = _("Waiting for the carrier's first scan")
        summary.details.append(
            _("The carrier doesn't know this number yet — that's normal in the first hours.")
        )
    elif status == S.PRE_TRANSIT:
        summary.hero = _("Label created — waiting for the carrier")
        summary.details.append(
            _("%(shop)s has packed your order for %(carrier)s.", shop=shop, carrier=carrier)
        )
    else:  # in transit
        if day and day < today:
            summary.hero = _("Running a little late")
        elif day and shipment.delayed:
            summary.hero = _("Running late — now expected %(day)s", day=relative_day(day, today))
        elif day:
            summary.hero = _("Arriving %(day)s", day=relative_day(day, today))
        else:
            summary.hero = _("On its way")
        if window:
            summary.details.append(window)

    waiting = status in (S.PRE_TRANSIT, S.UNKNOWN, S.EXCEPTION, S.ATTEMPT_FAILED)
    if waiting and day and day >= today:
        summary.details.append(_("Expected %(day)s", day=relative_day(day, today)))
    if day and estimate.get("source") == "porchlight":
        summary.estimate_note = _("Our estimate")
        if estimate.get("basis"):
            summary.estimate_note = _("Our estimate, %(basis)s", basis=estimate["basis"])
    service = service_name(shipment)
    if service not in summary.details:
        summary.details.append(service)
    return summary


def _as_phrase(place: str) -> str:
    """'FRONT DOOR' or 'Front door' as it reads mid-sentence: 'front door'."""
    place = place.strip()
    if place.isupper():
        place = place.capitalize()
    return place[:1].lower() + place[1:]


def _delivered_hero(
    shipment: Shipment, latest: TrackingEvent | None, merchant: Merchant, now: datetime
) -> str:
    delivered_event = next((e for e in shipment.events if e.status == S.DELIVERED), None)
    if delivered_event:
        moment = delivered_event.local_time
    elif shipment.delivered_at:
        moment = shipment.delivered_at.astimezone(zone_of(merchant))
    else:
        return _("Delivered")
    today = now.astimezone(moment.tzinfo).date()
    offset = (moment.date() - today).days
    if offset == 0:
        return _("Delivered today at %(time)s", time=clock(moment))
    if offset == -1:
        return _("Delivered yesterday at %(time)s", time=clock(moment))
    return _("Delivered on %(day)s", day=long_day(moment.date()))


def timeline_entry(
    event: TrackingEvent, now: datetime, day_words: dict[int, str] | None = None
) -> TimelineEntry:
    """One timeline row in the carrier's local time: 'Today 07:10', 'Mon 23 Nov 20:10'.

    `day_words` ({0: "Today", -1: "Yesterday"}, translated) saves a lookup per event.
    """
    moment = event.local_time
    offset = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    words = day_words if day_words is not None else {0: _("Today"), -1: _("Yesterday")}
    day = words.get(offset) or short_day_in(moment.date(), page_language())
    return TimelineEntry(
        when=f"{day} {clock(moment)}",
        datetime_attr=moment.isoformat(),
        description=event.description,
        place=event.place,
        status=event.status,
    )


def shipment_cards(order: Order, now: datetime | None = None) -> list[ShipmentCard]:
    """One card per shipment with its items and its timeline, newest first."""
    now = now or utcnow()
    shipments = list(order.shipments)
    day_words = {0: _("Today"), -1: _("Yesterday")}
    cards = []
    for number, shipment in enumerate(shipments, start=1):
        status = _status(shipment.status)
        items = list(shipment.items) or (list(order.items) if len(shipments) == 1 else [])
        entries = [timeline_entry(event, now, day_words) for event in shipment.events]
        tone = STATUS_TONES.get(status, "progress")
        label = str(STATUS_LABELS[status])
        if shipment.delayed and status not in (S.DELIVERED, S.EXCEPTION):
            tone, label = "warning", _("%(status)s · running late", status=label)
        cards.append(
            ShipmentCard(
                shipment=shipment,
                number=number,
                carrier_name=carrier_name(shipment.carrier),
                service_name=service_name(shipment),
                status_label=label,
                tone=tone,
                tracking_url=public_tracking_url(shipment),
                items=items,
                recent=entries[:TIMELINE_PREVIEW],
                older=entries[TIMELINE_PREVIEW:],
            )
        )
    return cards


def masked_destination(order: Order) -> str | None:
    """'San Francisco, CA 941**': enough to recognise, too little to find the door."""
    postal = order.ship_postal_code or ""
    masked_postal = postal[:3] + "*" * max(len(postal) - 3, 0) if postal else ""
    place = ", ".join(part for part in (order.ship_city, order.ship_region) if part)
    text = " ".join(part for part in (place, masked_postal) if part)
    return text or None


def build_page(order: Order, now: datetime | None = None, cards: bool = True) -> TrackingPage:
    """Everything the tracking page template shows about one order (without the shipment
    cards when `cards` is False: the live status needs only the summary)."""
    now = now or utcnow()
    return TrackingPage(
        order=order,
        merchant=order.merchant,
        summary=summarise(order, now),
        shipments=shipment_cards(order, now) if cards else [],
        destination=masked_destination(order),
    )
