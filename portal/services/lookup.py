"""Finding a shopper's order by its number and an email, phone or postal code."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import contains_eager, selectinload

from portal.extensions import db
from portal.models import Merchant, Order, Shipment, TrackingLink
from portal.models.order import normalise_order_number, normalise_postal_code
from portal.services.links import issue_tracking_link
from portal.services.merchants import normalise_email
from portal.services.orders import normalise_phone

# Compared against when the order is unknown, so both answers do the same work.
_DUMMY_CONTACTS = ("nobody@invalid.test", "+10000000000", "00000")


def _same(given: str | None, stored: str | None) -> bool:
    """Constant-time comparison that never short-cuts on a missing value."""
    return hmac.compare_digest((given or "\x00").encode(), (stored or "\x01").encode())


def contact_matches(order: Order | None, contact: str) -> bool:
    """True when `contact` is the order's email, phone (E.164) or postal code.

    Does the same comparisons whether or not the order exists.
    """
    if order is None:
        email, phone, postal, country = (*_DUMMY_CONTACTS, "US")
    else:
        email = order.customer_email_norm
        phone = order.customer_phone
        postal = order.ship_postal_code_norm
        country = order.ship_country
    raw = contact.strip()
    given_phone = normalise_phone(raw, country) if any(ch.isdigit() for ch in raw) else None
    results = (
        _same(normalise_email(raw), email),
        _same(given_phone, phone),
        _same(normalise_postal_code(raw), postal),
    )
    return order is not None and any(results)


def find_order_for_shopper(merchant: Merchant, order_number: str, contact: str) -> Order | None:
    """The merchant's order when the number and contact belong together, else None.

    A wrong pair and an unknown order run the same query and comparisons.
    """
    number = normalise_order_number(order_number)
    order = db.session.scalar(
        select(Order).where(Order.merchant_id == merchant.id, Order.order_number_norm == number)
    )
    return order if contact_matches(order, contact) else None


def shopper_link_token(order: Order) -> str:
    """The token of the order's live link, issuing a new one when every link was revoked."""
    token = db.session.scalar(
        select(TrackingLink.token)
        .where(TrackingLink.order_id == order.id, TrackingLink.revoked_at.is_(None))
        .order_by(TrackingLink.id.desc())
        .limit(1)
    )
    return token or issue_tracking_link(order).token


def get_order_for_page(merchant_slug: str, token: str) -> Order | None:
    """The order behind a live token of the merchant, with its merchant and everything its
    page shows, in a fixed few queries."""
    return db.session.scalar(
        select(Order)
        .join(TrackingLink, TrackingLink.order_id == Order.id)
        .join(Merchant, Merchant.id == Order.merchant_id)
        .where(
            TrackingLink.token == token,
            TrackingLink.revoked_at.is_(None),
            TrackingLink.merchant_id == Merchant.id,
            Merchant.slug == merchant_slug,
        )
        .options(
            contains_eager(Order.merchant),
            selectinload(Order.items),
            selectinload(Order.shipments).selectinload(Shipment.events),
            selectinload(Order.shipments).selectinload(Shipment.items),
        )
    )


@dataclass(frozen=True)
class PageStamp:
    """What a tracking page's cache key needs, read with its token in one query."""

    order_id: int
    merchant_id: int
    order_version: int
    merchant_version: int
    locale: str | None

    @classmethod
    def of(cls, order: Order) -> PageStamp:
        """The stamp of an order already loaded."""
        versions = (order.page_version, order.merchant.page_version)
        return cls(order.id, order.merchant_id, *versions, order.customer_locale)


# The page's hottest query, as text: a built select would have its cache key worked out
# again on every execution, and PostgreSQL plans these one-row subqueries faster than the
# same joins. A link belongs to its order's merchant (services/links).
STAMP_QUERY = text(
    "SELECT l.order_id, l.merchant_id,"
    " (SELECT o.page_version FROM orders o WHERE o.id = l.order_id),"
    " (SELECT m.page_version FROM merchants m WHERE m.id = l.merchant_id),"
    " (SELECT o.customer_locale FROM orders o WHERE o.id = l.order_id)"
    " FROM tracking_links l"
    " WHERE l.token = :token AND l.revoked_at IS NULL"
    " AND l.merchant_id = (SELECT m.id FROM merchants m WHERE m.slug = :slug)"
)


def page_stamp(merchant_slug: str, token: str) -> PageStamp | None:
    """The live token's order and the versions of its page; None for an unknown or revoked
    token or another merchant's."""
    params = {"token": token, "slug": merchant_slug}
    engine = db.engine
    if engine.dialect.name == "sqlite":
        # In the session's own transaction (BEGIN costs SQLite nothing).
        row = db.session.connection().execute(STAMP_QUERY, params).one_or_none()
    else:
        # One statement needs no transaction: PostgreSQL is spared a BEGIN and a ROLLBACK.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            row = connection.execute(STAMP_QUERY, params).one_or_none()
    return None if row is None else PageStamp(*row)
