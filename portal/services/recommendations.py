"""The product catalogue: upserts from the API, picks for a tracking page, counted clicks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Merchant, Order, Product, ProductClick

MAX_RECOMMENDATIONS = 4
# How many of the best active products are scanned for shared tags (JSON, so in Python).
TAG_SCAN_LIMIT = 200
CLICK_SALT = "porchlight.recommendation-click"
UPSERT_CHUNK = 500


def upsert_products(
    merchant: Merchant, products: list[tuple[dict[str, Any], set[str]]]
) -> tuple[int, int]:
    """Create or update products by SKU; returns (created, updated).

    Each entry is (every field with defaults, the fields the caller actually gave): an
    update changes only the given fields. SKUs must be unique in `products`. Flushes.
    """
    skus = [values["sku"] for values, _given in products]
    existing: dict[str, Product] = {}
    for start in range(0, len(skus), UPSERT_CHUNK):
        chunk = skus[start : start + UPSERT_CHUNK]
        existing.update(
            (product.sku, product)
            for product in db.session.scalars(
                select(Product).where(Product.merchant_id == merchant.id, Product.sku.in_(chunk))
            )
        )
    created = 0
    for values, given in products:
        product = existing.get(values["sku"])
        if product is None:
            db.session.add(Product(merchant_id=merchant.id, **values))
            created += 1
            continue
        for name in given - {"sku"}:
            setattr(product, name, values[name])
    db.session.flush()
    return created, len(products) - created


@dataclass(frozen=True)
class Pick:
    """A product as a tracking page offers it: a snapshot, safe to keep between requests."""

    id: int
    sku: str
    name: str
    image_url: str | None
    price: Decimal | None
    currency: str | None
    category: str | None
    tags: frozenset[str]
    priority: int
    popularity: int

    @classmethod
    def of(cls, product: Product) -> Pick:
        return cls(
            product.id,
            product.sku,
            product.name,
            product.image_url,
            product.price,
            product.currency,
            product.category,
            frozenset(product.tags or ()),
            product.priority or 0,
            product.popularity or 0,
        )


def _ranking(pick: Pick) -> tuple[int, int, int]:
    return (-pick.priority, -pick.popularity, pick.id)


BEST_FIRST = (Product.priority.desc(), Product.popularity.desc(), Product.id)


def _best_active(merchant: Merchant) -> list[Pick]:
    """The merchant's best active products, kept by this process until the catalogue or
    the brand changes (the merchant's page version, services/page_versions)."""
    kept = current_app.extensions.setdefault("catalogue_best", {})
    version, picks = kept.get(merchant.id, (None, []))
    if version != merchant.page_version:
        products = db.session.scalars(
            select(Product)
            .where(Product.merchant_id == merchant.id, Product.active.is_(True))
            .order_by(*BEST_FIRST)
            .limit(TAG_SCAN_LIMIT)
        )
        picks = [Pick.of(product) for product in products]
        kept[merchant.id] = (merchant.page_version, picks)
    return picks


def recommend_products(order: Order, limit: int = MAX_RECOMMENDATIONS) -> list[Pick]:
    """Up to `limit` active products related to the order, best priority then popularity.

    Related means the same category or a shared tag as an ordered item (matched by SKU);
    products already bought are left out. When nothing is related, the shop's best
    products are offered. Three bounded queries whatever the catalogue's size, two while
    the shop's best products are already known.
    """
    bought = {item.sku for item in order.items if item.sku}
    ordered = (
        db.session.scalars(
            select(Product).where(Product.merchant_id == order.merchant_id, Product.sku.in_(bought))
        ).all()
        if bought
        else []
    )
    categories = {p.category for p in ordered if p.category}
    tags = {tag for p in ordered for tag in (p.tags or [])}
    same_category = (
        db.session.scalars(
            select(Product)
            .where(
                Product.merchant_id == order.merchant_id,
                Product.active.is_(True),
                Product.sku.not_in(bought),
                Product.category.in_(categories),
            )
            .order_by(*BEST_FIRST)
            .limit(limit)
        ).all()
        if categories
        else []
    )
    top = [pick for pick in _best_active(order.merchant) if pick.sku not in bought]
    related = {product.id: Pick.of(product) for product in same_category}
    for pick in top:
        if tags & pick.tags:
            related.setdefault(pick.id, pick)
    chosen = sorted(related.values(), key=_ranking) or top
    return chosen[:limit]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CLICK_SALT)


def click_token(order: Order, product: Product | Pick) -> str:
    """The signed part of /r/<signed> for this order and product."""
    return _serializer().dumps({"m": order.merchant_id, "p": product.id, "o": order.id})


def _safe_target(url: str | None) -> str | None:
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip() if url else None


def record_click(signed: str) -> str | None:
    """Count a click from a signed link and return the product URL to redirect to.

    None for a tampered or foreign signature, a product or order of another merchant,
    or a URL that is not http(s): the caller answers 404. Flushes.
    """
    try:
        payload: Any = _serializer().loads(signed)
        merchant_id, product_id, order_id = (int(payload[key]) for key in ("m", "p", "o"))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    product = db.session.scalar(
        select(Product).where(Product.id == product_id, Product.merchant_id == merchant_id)
    )
    order_known = db.session.scalar(
        select(Order.id).where(Order.id == order_id, Order.merchant_id == merchant_id)
    )
    target = _safe_target(product.url) if product else None
    if target is None or order_known is None:
        return None
    db.session.execute(
        update(Product).where(Product.id == product.id).values(clicks=Product.clicks + 1)
    )
    db.session.add(ProductClick(merchant_id=merchant_id, product_id=product.id, order_id=order_id))
    db.session.flush()
    return target
