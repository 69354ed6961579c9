"""Carrier adapters behind one interface: get_carrier(code, settings).track(numbers); detect."""

from carriers.base import Carrier, PreparedCall
from carriers.detect import Candidate, detect
from carriers.errors import CarrierHTTPError, CircuitOpen
from carriers.http import CarrierHTTP, RetryPolicy
from carriers.models import (
    CarrierEvent,
    ErrorKind,
    EstimatedDelivery,
    Location,
    TrackingError,
    TrackingResult,
)
from carriers.registry import CARRIERS, carrier_codes, carrier_name, get_carrier
from carriers.status import TrackingStatus
from carriers.throttle import CircuitBreaker

__all__ = [
    "CARRIERS",
    "Candidate",
    "Carrier",
    "CarrierEvent",
    "CarrierHTTP",
    "CarrierHTTPError",
    "CircuitBreaker",
    "CircuitOpen",
    "ErrorKind",
    "EstimatedDelivery",
    "Location",
    "PreparedCall",
    "RetryPolicy",
    "TrackingError",
    "TrackingResult",
    "TrackingStatus",
    "carrier_codes",
    "carrier_name",
    "detect",
    "get_carrier",
]
