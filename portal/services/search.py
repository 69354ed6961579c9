"""Order search for the agent console: one box, every key, only ever the agent's own merchant."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, case, delete, exists, insert, literal, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import BindParameter

from portal.extensions import db
from portal.models import Order, OrderNameToken, Shipment
from portal.models.order import normalise_order_number
from portal.services.orders import normalise_phone, normalise_tracking_number

PAGE_SIZE = 25
MAX_PAGE = 40  # 1,000 results: past that, the agent types more
MIN_NAME_CHARS = 2
NAME_CANDIDATES = 1000
TOKEN_LENGTH = 64
# The highest code point: every string that starts with a prefix sorts below prefix + TOP.
TOP = chr(0x10FFFF)
PHONE_CHARS = re.compile(r"^\+?[\d\s().\-]+$")
EXACT, PREFIX = 0, 1  # exact hits (order number, email, phone, tracking) come first


@dataclass
class SearchPage:
    """One page of results: orders newest first (exact matches ahead), with their shipments."""

    query: str
    orders: list[Order] = field(default_factory=list)
    page: int = 1
    has_more: bool = False
    keys: list[str] = field(default_factory=list)
    hint: str | None = None


def fold(text: str) -> str:
    """Lowercase without accents: 'José' and 'jose' are the same word to a search box."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_tokens(name: str | None) -> set[str]:
    """The folded words of a customer name, each part and each whole word run together
    ("Maya O'Brien-Patel" → maya, o, brien, patel, obrienpatel), so "obr" finds it too."""
    folded = fold(name or "")
    words = set(re.findall(r"\w+", folded))
    words.update(re.sub(r"\W+", "", chunk) for chunk in folded.split())
    return {word[:TOKEN_LENGTH] for word in words if word}


def index_order_name(order: Order) -> None:
    """(Re)write the order's name tokens so that any word of the name finds it; flushes."""
    db.session.flush()
    db.session.execute(delete(OrderNameToken).where(OrderNameToken.order_id == order.id))
    rows = [
        {
            "order_id": order.id,
            "token": token,
            "merchant_id": order.merchant_id,
            "placed_at": order.placed_at,
        }
        for token in sorted(name_tokens(order.customer_name))
    ]
    if rows:
        db.session.execute(insert(OrderNameToken), rows)


def prefix_range(column, prefix: str):
    """`column` starts with `prefix`, as an index range on either backend.

    PostgreSQL compares with the pattern operators, which its varchar_pattern_ops indexes
    serve in any collation (a plain LIKE with a bound prefix does not, and a generic plan
    would scan); SQLite compares bytes, so its ordinary index serves >= and <.
    """
    upper = prefix + TOP
    if db.session.get_bind().dialect.name == "postgresql":
        return and_(
            column.op("~>=~", is_comparison=True)(prefix),
            column.op("~<~", is_comparison=True)(upper),
        )
    return and_(column >= prefix, column < upper)


def _order_number_query(merchant_id: int, number: str, exact_only: bool) -> Select:
    rank = case((Order.order_number_norm == number, EXACT), else_=PREFIX)
    match = (
        Order.order_number_norm == number
        if exact_only
        else prefix_range(Order.order_number_norm, number)
    )
    return select(Order.id, rank, Order.placed_at).where(Order.merchant_id == merchant_id, match)


def _exact_query(merchant_id: int, condition) -> Select:
    return select(Order.id, literal(EXACT), Order.placed_at).where(
        Order.merchant_id == merchant_id, condition
    )


def _tracking_query(merchant_id: int, number: str) -> Select:
    return (
        select(Order.id, literal(EXACT), Order.placed_at)
        .join(Shipment, Shipment.order_id == Order.id)
        .where(
            Shipment.merchant_id == merchant_id,
            Shipment.tracking_number == number,
            Order.merchant_id == merchant_id,
        )
    )


def _token_range(column, prefix: str):
    """Tokens are byte-ordered on both backends (PostgreSQL: COLLATE "C"): a plain range."""
    return and_(column >= prefix, column < prefix + TOP)


def _name_query(merchant_id: int, words: list[str]) -> Select:
    """Orders with a name word starting with each query word.

    The longest word reads the index backwards (word, then newest first) for at most
    NAME_CANDIDATES matches, and the other words filter those; so a broad prefix ("pa",
    "maya p") costs the same at any size, and a surname with fewer matches than that is
    exact, newest first.
    """
    lead, *others = sorted(words, key=len, reverse=True)
    token = OrderNameToken
    candidates = (
        select(token.order_id, token.placed_at)
        .where(token.merchant_id == merchant_id, _token_range(token.token, lead))
        .order_by(token.token.desc(), token.placed_at.desc())
        .limit(NAME_CANDIDATES)
        .subquery()
    )
    query = select(candidates.c.order_id, literal(PREFIX), candidates.c.placed_at)
    for word in others:
        other = db.aliased(OrderNameToken)
        query = query.where(
            exists().where(other.order_id == candidates.c.order_id, _token_range(other.token, word))
        )
    # An order whose name has two words starting with the lead word comes twice; the merge
    # in search_orders keeps one (cheaper than DISTINCT over the whole range).
    return query


def plan_queries(merchant_id: int, raw: str) -> tuple[dict[str, Select], str | None]:
    """The query of each search key that the text could be, and a hint for the agent."""
    text = raw.strip()
    queries: dict[str, Select] = {}
    hint = None
    if not text:
        return queries, None
    if "@" in text:
        email = text.lower()
        queries["email"] = _exact_query(merchant_id, Order.customer_email_norm == email)
        return queries, None
    number = normalise_order_number(text)
    if number and len(number) <= 64:
        queries["order_number"] = _order_number_query(merchant_id, number, len(number) < 2)
    if PHONE_CHARS.match(text) and sum(ch.isdigit() for ch in text) >= 7:
        phone = normalise_phone(text)
        if phone:
            queries["phone"] = _exact_query(merchant_id, Order.customer_phone == phone)
    tracking = normalise_tracking_number(text)
    if 8 <= len(tracking) <= 40 and any(ch.isdigit() for ch in tracking):
        queries["tracking_number"] = _tracking_query(merchant_id, tracking)
    if any(ch.isalpha() for ch in text):
        words = [word[:TOKEN_LENGTH] for word in re.findall(r"\w+", fold(text))]
        if words and max(len(word) for word in words) >= MIN_NAME_CHARS:
            queries["name"] = _name_query(merchant_id, words)
        else:
            hint = f"Type at least {MIN_NAME_CHARS} letters to search by name."
    return queries, hint


def ranked(query: Select, limit: int) -> Select:
    """A key's query in result order (exact first, then newest), cut to what a page needs."""
    order_id, rank, placed_at = query.selected_columns
    newest = (placed_at.desc(), order_id.desc())
    if isinstance(rank, BindParameter):  # one rank for the whole key: nothing to sort by
        return query.order_by(*newest).limit(limit)
    return query.order_by(rank, *newest).limit(limit)


def search_orders(merchant_id: int, raw: str, page: int = 1) -> SearchPage:
    """Find the merchant's orders by order number (exact or prefix, '#' ignored), email,
    phone (any format), tracking number or the start of any word of the customer's name.

    Returns one page of PAGE_SIZE orders, exact matches first, then newest first. Every key
    is an index lookup limited to what the page needs, so the cost follows the page, not
    the table.
    """
    page = max(1, min(page, MAX_PAGE))
    result = SearchPage(query=raw.strip(), page=page)
    queries, result.hint = plan_queries(merchant_id, raw)
    result.keys = list(queries)
    if not queries:
        return result
    needed = page * PAGE_SIZE + 1
    best: dict[int, tuple[int, datetime]] = {}
    for query in queries.values():
        for order_id, rank, placed_at in db.session.execute(ranked(query, needed)):
            known = best.get(order_id)
            if known is None or rank < known[0]:
                best[order_id] = (rank, placed_at)
    ordered_ids = sorted(best, key=lambda oid: (best[oid][0], -best[oid][1].timestamp(), -oid))
    start = (page - 1) * PAGE_SIZE
    page_ids = ordered_ids[start : start + PAGE_SIZE]
    result.has_more = len(ordered_ids) > start + PAGE_SIZE
    if page_ids:
        loaded = db.session.scalars(
            select(Order).where(Order.id.in_(page_ids)).options(selectinload(Order.shipments))
        )
        by_id = {order.id: order for order in loaded}
        result.orders = [by_id[order_id] for order_id in page_ids if order_id in by_id]
    return result
