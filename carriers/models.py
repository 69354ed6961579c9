"""Frozen dataclasses for what a carrier tells us about a tracking number."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from carriers.status import TrackingStatus


class ErrorKind(StrEnum):
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    TEMPORARY = "temporary"
    PARSE = "parse"


@dataclass(frozen=True)
class TrackingError:
    kind: ErrorKind
    message: str
    retry_after: float | None = None  # seconds, for RATE_LIMITED


@dataclass(frozen=True)
class Location:
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2

    def __str__(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


@dataclass(frozen=True)
class CarrierEvent:
    occurred_at: datetime  # timezone-aware, in the offset where it happened
    status: TrackingStatus
    code: str | None
    description: str
    location: Location = field(default_factory=Location)

    @property
    def key(self) -> str:
        """A stable hash of time, code, description and place: one stored row per event."""
        parts = [
            self.occurred_at.isoformat(),
            self.code or "",
            self.description.strip().lower(),
            self.location.city or "",
            self.location.region or "",
            self.location.postal_code or "",
            self.location.country or "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class EstimatedDelivery:
    date: date
    window_start: datetime | None = None
    window_end: datetime | None = None


@dataclass(frozen=True)
class TrackingResult:
    tracking_number: str
    status: TrackingStatus = TrackingStatus.UNKNOWN
    carrier_status_code: str | None = None
    carrier_status_text: str | None = None
    estimated_delivery: EstimatedDelivery | None = None
    delivered_at: datetime | None = None
    signed_by: str | None = None
    delivery_location: str | None = None
    service: str | None = None
    piece_count: int | None = None
    events: tuple[CarrierEvent, ...] = ()
    error: TrackingError | None = None
    # The carrier's own word that the shipment is delayed ("Weather delay"), while it says so.
    carrier_delay: str | None = None
    # The carrier's original promise when it states one beside the current estimate (UPS
    # SDD beside RDD, FedEx COMMITMENT, USPS expected beside predicted): a moved promise is
    # then known on the very first poll.
    first_promised_date: date | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failure(
        cls, tracking_number: str, kind: ErrorKind, message: str, retry_after: float | None = None
    ) -> TrackingResult:
        return cls(tracking_number, error=TrackingError(kind, message, retry_after))
