"""The product catalogue from the console: search, add, edit, disable, and CSV import."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort
from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import Merchant, Product
from portal.web.branding import safe_url
from portal.web.input import UNSTORABLE, UNSTORABLE_MESSAGE

REQUIRED_COLUMNS = ("sku", "name", "url")
MAX_PRIORITY = 1000  # the form's and the API's range too
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000
TRUE_WORDS = {"1", "true", "yes", "y", "on", "active"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "inactive", "disabled"}


class ProductError(ValueError):
    """A product value was refused; the message says why in plain words."""


def search_products(
    merchant: Merchant, query: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[Product], int]:
    """The merchant's products matching `query` (name, SKU or category), and the total."""
    conditions = [Product.merchant_id == merchant.id]
    query = query.strip()
    if query:
        pattern = f"%{query.lower()}%"
        conditions.append(
            or_(
                func.lower(Product.name).like(pattern),
                func.lower(Product.sku).like(pattern),
                func.lower(Product.category).like(pattern),
            )
        )
    total = db.session.scalar(select(func.count(Product.id)).where(*conditions)) or 0
    products = db.session.scalars(
        select(Product)
        .where(*conditions)
        .order_by(Product.active.desc(), Product.priority.desc(), Product.name)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(products), total


def get_product_or_404(merchant: Merchant, product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.merchant_id != merchant.id:
        abort(404)
    return product


def _text(raw: dict[str, Any], name: str, limit: int) -> str | None:
    text = str(raw.get(name) or "").strip()
    if len(text) > limit:
        raise ProductError(f"{name} is longer than {limit} characters")
    if UNSTORABLE.search(text):
        raise ProductError(f"{name} {UNSTORABLE_MESSAGE}")
    return text or None


def clean_product(raw: dict[str, Any]) -> dict[str, Any]:
    """Validated product values from strings; raises ProductError naming the field."""
    values: dict[str, Any] = {}
    for name, limit in (("sku", 64), ("name", 200), ("url", 1000)):
        values[name] = _text(raw, name, limit)
        if not values[name]:
            raise ProductError(f"{name} is missing")
    for name in ("url", "image_url"):
        link = _text(raw, name, 1000)
        if link and (not link.startswith(("http://", "https://")) or not safe_url(link)):
            raise ProductError(f"{name} must start with http:// or https://")
        values[name] = link
    price = _text(raw, "price", 20)
    try:
        values["price"] = Decimal(price.replace(",", "")) if price else None
    except InvalidOperation:
        raise ProductError(f"price {price!r} is not a number") from None
    if values["price"] is not None and not values["price"].is_finite():
        raise ProductError(f"price {price!r} is not a number")
    if values["price"] is not None and (values["price"] < 0 or values["price"] >= 10**10):
        raise ProductError("price must be between 0 and 9,999,999,999")
    currency = _text(raw, "currency", 3)
    if currency and not currency.isalpha():
        raise ProductError("currency must be a 3-letter code like USD")
    values["currency"] = currency.upper() if currency else None
    values["category"] = _text(raw, "category", 100)
    tags = raw.get("tags") or ""
    parts = tags if isinstance(tags, list) else str(tags).replace("|", ";").split(";")
    values["tags"] = [tag.strip() for tag in parts if tag and tag.strip()][:20]
    if any(UNSTORABLE.search(tag) for tag in values["tags"]):
        raise ProductError(f"tags {UNSTORABLE_MESSAGE}")
    priority = str(raw.get("priority") or "0").strip()
    try:
        values["priority"] = int(priority)
    except ValueError:
        raise ProductError(f"priority {priority!r} is not a whole number") from None
    if not -MAX_PRIORITY <= values["priority"] <= MAX_PRIORITY:
        raise ProductError(f"priority must be between -{MAX_PRIORITY} and {MAX_PRIORITY}")
    active = str(raw.get("active", "") if raw.get("active") is not None else "").strip().lower()
    if active and active not in TRUE_WORDS | FALSE_WORDS:
        raise ProductError(f"active {active!r} should be yes or no")
    values["active"] = active not in FALSE_WORDS
    return values


def save_product(merchant: Merchant, values: dict[str, Any], product: Product | None = None):
    """Create or update a product; raises ProductError when the SKU is taken; flushes."""
    clash = db.session.scalar(
        select(Product.id).where(Product.merchant_id == merchant.id, Product.sku == values["sku"])
    )
    if clash is not None and (product is None or clash != product.id):
        raise ProductError(f"sku {values['sku']} is already in the catalogue")
    if product is None:
        product = Product(merchant_id=merchant.id)
        db.session.add(product)
    for name, value in values.items():
        setattr(product, name, value)
    db.session.flush()
    return product


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_products_csv(merchant: Merchant, data: bytes) -> ImportReport:
    """Upsert products by SKU from CSV; every bad row is reported by line and skipped."""
    report = ImportReport()
    if len(data) > MAX_CSV_BYTES:
        report.errors.append((0, "The file is larger than 2 MB: split it and import each part."))
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, "The file isn't UTF-8 text. Save it as “CSV UTF-8” and retry."))
        return report
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        report.errors.append((1, f"The header row needs the column(s): {', '.join(missing)}."))
        return report
    reader.fieldnames = headers
    existing = dict(
        db.session.execute(
            select(Product.sku, Product).where(Product.merchant_id == merchant.id)
        ).all()
    )
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if line > MAX_CSV_ROWS + 1:
            report.errors.append((line, f"Only the first {MAX_CSV_ROWS} rows are imported."))
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            values = clean_product(row)
        except ProductError as error:
            report.errors.append((line, str(error)))
            continue
        if values["sku"] in seen:
            report.errors.append(
                (line, f"sku {values['sku']} is already on line {seen[values['sku']]}")
            )
            continue
        seen[values["sku"]] = line
        product = existing.get(values["sku"])
        if product is None:
            product = Product(merchant_id=merchant.id)
            db.session.add(product)
            report.created += 1
        else:
            report.updated += 1
        for name, value in values.items():
            setattr(product, name, value)
    db.session.flush()
    return report
