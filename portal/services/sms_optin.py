"""Text-message updates the shopper turns on or off from the tracking page."""

from __future__ import annotations

from portal.database import utcnow
from portal.extensions import db
from portal.models import Order
from portal.services.orders import normalise_phone


class InvalidPhone(ValueError):
    """The number given is not a valid phone number."""


def opt_in_to_sms(order: Order, raw_phone: str) -> str:
    """Store the phone (E.164) on the order and turn SMS updates on; returns the number.

    Raises InvalidPhone when it is not a valid number for the order's country. Flushes.
    """
    phone = normalise_phone(raw_phone.strip(), order.ship_country) if raw_phone.strip() else None
    if phone is None:
        raise InvalidPhone(raw_phone)
    order.customer_phone = phone
    order.sms_opt_in = True
    order.sms_opt_in_at = utcnow()
    db.session.flush()
    return phone


def opt_out_of_sms(order: Order) -> None:
    """Stop SMS updates for this order (the phone stays for lookups). Flushes."""
    order.sms_opt_in = False
    order.sms_opt_out_at = utcnow()
    db.session.flush()


def phone_ending(phone: str | None) -> str | None:
    """The last four digits: enough for the shopper to recognise their own number."""
    return phone[-4:] if phone and len(phone) > 4 else None
