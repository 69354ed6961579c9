"""Search indexes for the agent console: customer-name tokens and an order-number prefix index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import UTCDateTime
from portal.extensions import db
from portal.models.order import Order


class OrderNameToken(db.Model):
    """One word of an order's customer name, folded (lowercase, no accents), for prefix search.

    `placed_at` is copied from the order so that a name search reads the index alone, newest
    first within each word, without visiting the orders table.
    """

    __tablename__ = "order_name_tokens"
    __table_args__ = (Index("ix_order_name_tokens_prefix", "merchant_id", "token", "placed_at"),)

    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    # Byte order on both backends (PostgreSQL: COLLATE "C"), so that a prefix is one index
    # range, read in index order, whatever the database's collation.
    token: Mapped[str] = mapped_column(
        String(64).with_variant(String(64, collation="C"), "postgresql"), primary_key=True
    )
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Order-number prefix search on PostgreSQL, whose default-collation unique index cannot serve a
# byte-wise range. SQLite's unique (merchant_id, order_number_norm) index already does.
Index(
    "ix_orders_merchant_number_prefix",
    Order.merchant_id,
    Order.order_number_norm,
    postgresql_ops={"order_number_norm": "varchar_pattern_ops"},
).ddl_if(dialect="postgresql")
