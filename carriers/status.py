"""The shipment status vocabulary of SPEC §6 and its ranks."""

from __future__ import annotations

from enum import StrEnum


class TrackingStatus(StrEnum):
    UNKNOWN = "unknown"
    PRE_TRANSIT = "pre_transit"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    ATTEMPT_FAILED = "attempt_failed"
    EXCEPTION = "exception"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


# Ranked statuses only move forward; side statuses can be entered from any rank.
STATUS_RANK: dict[TrackingStatus, int] = {
    TrackingStatus.UNKNOWN: 0,
    TrackingStatus.PRE_TRANSIT: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.OUT_FOR_DELIVERY: 3,
    TrackingStatus.AVAILABLE_FOR_PICKUP: 3,
    TrackingStatus.DELIVERED: 4,
}
SIDE_STATUSES = frozenset(
    {TrackingStatus.ATTEMPT_FAILED, TrackingStatus.EXCEPTION, TrackingStatus.RETURNED}
)
FINAL_STATUSES = frozenset({TrackingStatus.CANCELLED, TrackingStatus.EXPIRED})
ALL_STATUSES = frozenset(TrackingStatus)
