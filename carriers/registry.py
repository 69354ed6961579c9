"""Carrier code → adapter class, by explicit import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from carriers.base import Carrier
from carriers.dhl import DHL
from carriers.easypost import EasyPost
from carriers.fedex import FedEx
from carriers.ups import UPS
from carriers.usps import USPS

CARRIERS: dict[str, type[Carrier]] = {
    adapter.code: adapter for adapter in (UPS, FedEx, USPS, DHL, EasyPost)
}


def carrier_codes() -> list[str]:
    """Return the codes of every carrier with an adapter, sorted."""
    return sorted(CARRIERS)


def get_carrier(
    code: str, settings: Mapping[str, Any] | None = None, **http_options: Any
) -> Carrier:
    """Return an adapter for `code` built from one account's settings dict.

    `http_options` go to CarrierHTTP (timeouts, retry policy, breaker, sleep) for tests
    and tuning. Raises KeyError naming the known codes when `code` has no adapter.
    """
    try:
        carrier_class = CARRIERS[code.lower()]
    except KeyError:
        raise KeyError(
            f"no carrier adapter for {code!r}; known carriers: {', '.join(carrier_codes())}"
        ) from None
    return carrier_class(settings, **http_options)


def carrier_name(code: str) -> str:
    """Return the carrier's display name ("FedEx" for "fedex"); the code itself if unknown."""
    carrier_class = CARRIERS.get(code.lower())
    return carrier_class.name if carrier_class else code.upper()
