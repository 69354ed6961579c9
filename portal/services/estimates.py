"""Porchlight's own delivery estimate, from the merchant's delivered history (SPEC §6)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from carriers import carrier_name
from carriers.status import TrackingStatus
from portal.database import utcnow
from portal.extensions import db
from portal.models import Order, Shipment, TrackingEvent
from portal.services.timezones import country_names, destination_timezone, region_code
from portal.services.workdays import add_working_days, is_working_day, working_days_between

HISTORY_DAYS = 180  # older deliveries describe last season's network, not today's
MIN_SAMPLES = 20  # fewer than this and one odd parcel moves the percentile too far
PERCENTILE = 0.80  # promise what four parcels in five beat: honest, rarely broken
CACHE_SECONDS = 3600.0  # history changes slowly; this runs on the polling hot path
INTERNATIONAL_EXTRA_DAYS = 5

# Typical ground/standard domestic transit in carrier working days, when history is thin.
CARRIER_DEFAULT_DAYS = {"ups": 5, "fedex": 5, "usps": 5, "dhl": 4, "easypost": 5}
# Faster services by words in the service name, checked in order.
SERVICE_DAYS = (
    (("next day", "overnight", "1 day", "same day"), 1),
    (("2nd day", "2 day", "2day", "two day"), 2),
    (("3 day", "3day", "express", "priority"), 3),
)


@dataclass(frozen=True)
class HistorySample:
    service: str | None  # case-folded
    country: str | None  # case-folded
    region: str | None  # region_code()
    transit_days: float  # carrier working days from first in_transit scan to delivery


@dataclass(frozen=True)
class HistoryStats:
    transit_days: float  # the PERCENTILE of the group
    count: int
    service: str | None  # None when the group spans every service
    destination: str | None  # region or country name the group is limited to, if any


_samples_cache: dict[tuple[int, str], tuple[float, list[HistorySample]]] = {}
_stats_cache: dict[tuple[Any, ...], tuple[float, HistoryStats | None]] = {}
_monotonic = time.monotonic


def clear_estimate_cache() -> None:
    """Forget every cached history, so the next prediction reads the database again."""
    _samples_cache.clear()
    _stats_cache.clear()


def _fold(value: str | None) -> str | None:
    return value.strip().casefold() if value and value.strip() else None


def _load_samples(merchant_id: int, carrier: str) -> list[HistorySample]:
    """One statement: each delivered shipment with its first in_transit scan, grouped in SQL."""
    first_scan = (
        select(
            TrackingEvent.shipment_id,
            func.min(TrackingEvent.occurred_at).label("in_transit_at"),
        )
        .where(
            TrackingEvent.merchant_id == merchant_id,
            TrackingEvent.status == TrackingStatus.IN_TRANSIT.value,
        )
        .group_by(TrackingEvent.shipment_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Shipment.service,
            Order.ship_country,
            Order.ship_region,
            first_scan.c.in_transit_at,
            Shipment.delivered_at,
        )
        .join(Order, Order.id == Shipment.order_id)
        .join(first_scan, first_scan.c.shipment_id == Shipment.id)
        .where(
            Shipment.merchant_id == merchant_id,
            Shipment.carrier == carrier,
            Shipment.status == TrackingStatus.DELIVERED.value,
            Shipment.delivered_at.is_not(None),
            Shipment.delivered_at >= utcnow() - timedelta(days=HISTORY_DAYS),
        )
    )
    samples = []
    for service, country, region, in_transit_at, delivered_at in rows:
        # min() keeps the column's UTCDateTime type, so both come back aware on every backend.
        if delivered_at <= in_transit_at:
            continue
        tz = destination_timezone(country, region)
        days = working_days_between(in_transit_at, delivered_at, tz)
        samples.append(
            HistorySample(_fold(service), _fold(country), region_code(country, region), days)
        )
    return samples


def _samples(merchant_id: int, carrier: str) -> list[HistorySample]:
    key = (merchant_id, carrier)
    cached = _samples_cache.get(key)
    if cached is not None and _monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    samples = _load_samples(merchant_id, carrier)
    _samples_cache[key] = (_monotonic(), samples)
    return samples


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value at least `fraction` of values reach.

    Raises ValueError for an empty list.
    """
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def history_stats(
    merchant_id: int, carrier: str, service: str | None, country: str | None, region: str | None
) -> HistoryStats | None:
    """The transit-time percentile of the most specific group with MIN_SAMPLES deliveries.

    Groups, most specific first: service to region, service to country, service anywhere,
    then every service to region, to country, anywhere. Returns None when no group has
    enough; cached for CACHE_SECONDS.
    """
    key = (merchant_id, carrier, _fold(service), _fold(country), region_code(country, region))
    cached = _stats_cache.get(key)
    if cached is not None and _monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    samples = _samples(merchant_id, carrier)
    want_service, want_country, want_region = key[2], key[3], key[4]
    country_name = country_names().get((country or "").upper(), country)
    groups = []
    for by_service in (True, False) if want_service else (False,):
        if want_country and want_region:
            groups.append((by_service, True, True, want_region))
        if want_country:
            groups.append((by_service, True, False, country_name))
        groups.append((by_service, False, False, None))
    stats = None
    for by_service, by_country, by_region, destination in groups:
        transit = [
            sample.transit_days
            for sample in samples
            if (not by_service or sample.service == want_service)
            and (not by_country or sample.country == want_country)
            and (not by_region or sample.region == want_region)
        ]
        if len(transit) >= MIN_SAMPLES:
            stats = HistoryStats(
                transit_days=percentile(transit, PERCENTILE),
                count=len(transit),
                service=service.strip() if by_service else None,
                destination=destination,
            )
            break
    _stats_cache[key] = (_monotonic(), stats)
    return stats


def _carrier_service_name(carrier: str, service: str | None) -> str:
    name = carrier_name(carrier)
    if not service:
        return name
    if service.casefold().startswith(name.casefold()):
        return service
    return f"{name} {service}"


def default_transit_days(
    carrier: str, service: str | None, international: bool = False
) -> int | None:
    """Typical transit in working days for a carrier and service; None for an unknown carrier."""
    days = CARRIER_DEFAULT_DAYS.get(carrier)
    if days is None:
        return None
    folded = (service or "").casefold()
    for words, service_days in SERVICE_DAYS:
        if any(word in folded for word in words):
            days = min(days, service_days)
            break
    return days + (INTERNATIONAL_EXTRA_DAYS if international else 0)


def _delivery_date(shipped_at: datetime, days: float, tz: ZoneInfo) -> str:
    arrival = add_working_days(shipped_at, days, tz).date()
    while not is_working_day(arrival):  # landing exactly as Saturday ends
        arrival += timedelta(days=1)
    return arrival.isoformat()


def predict_delivery(
    merchant_id: int,
    carrier: str,
    service: str | None,
    country: str | None,
    region: str | None,
    shipped_at: datetime,
    tz: ZoneInfo,
    origin_country: str | None = None,
) -> dict[str, Any] | None:
    """Porchlight's estimate for a parcel that started moving at `shipped_at` (aware).

    Returns the SPEC §6 estimate dict with source "porchlight" and its basis ("based on 412
    recent UPS Ground deliveries to CA", or "typical for UPS Ground" from carrier defaults),
    or None for a carrier with neither history nor defaults. `origin_country` (where the
    merchant ships from) marks international parcels for the defaults. Runs at most one
    SQL statement, none while the cache is warm.
    """
    carrier = carrier.lower()
    stats = history_stats(merchant_id, carrier, service, country, region)
    if stats is not None:
        what = _carrier_service_name(carrier, stats.service)
        to = f" to {stats.destination}" if stats.destination else ""
        days = stats.transit_days
        basis = f"based on {stats.count:,} recent {what} deliveries{to}"
    else:
        international = bool(
            origin_country and country and origin_country.upper() != country.upper()
        )
        default = default_transit_days(carrier, service, international)
        if default is None:
            return None
        days = default
        where = " international" if international else ""
        basis = f"typical for {_carrier_service_name(carrier, service)}{where}"
    return {
        "date": _delivery_date(shipped_at, days, tz),
        "window_start": None,
        "window_end": None,
        "source": "porchlight",
        "basis": basis,
    }
