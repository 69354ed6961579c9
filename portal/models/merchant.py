"""Merchant (the tenant), its users and API keys."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

SLUG_PATTERN = re.compile(r"^[a-z0-9-]{2,40}$")
RESERVED_SLUGS = frozenset(
    {
        "agent", "merchant", "api", "hooks", "dev", "r", "u", "static",
        "login", "logout", "password", "invite", "healthz",
    }
)  # fmt: skip
ROLES = ("owner", "admin", "agent")
DEFAULT_PRIMARY_COLOR = "#1f6feb"
DEFAULT_ACCENT_COLOR = "#f59e0b"
OPEN_INVITATION = "accepted_at IS NULL AND revoked_at IS NULL"
VERIFIED_HOST = "custom_host_verified_at IS NOT NULL"


def slug_problem(slug: str) -> str | None:
    """Return why a merchant slug is not allowed, or None when it is fine."""
    if not SLUG_PATTERN.match(slug):
        return "must be 2–40 characters of lowercase letters, digits and hyphens"
    if slug in RESERVED_SLUGS:
        return f"'{slug}' is reserved"
    return None


class Merchant(db.Model):
    __tablename__ = "merchants"
    __table_args__ = (
        Index(
            "uq_merchants_verified_custom_host",
            "custom_host",
            unique=True,
            sqlite_where=text(VERIFIED_HOST),
            postgresql_where=text(VERIFIED_HOST),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set only by `flask seed-demo`: the one shop whose orders the landing page may link.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    # Branding
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    logo_version: Mapped[int] = mapped_column(default=0)
    favicon: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    favicon_content_type: Mapped[str | None] = mapped_column(String(40))
    primary_color: Mapped[str] = mapped_column(String(7), default=DEFAULT_PRIMARY_COLOR)
    accent_color: Mapped[str] = mapped_column(String(7), default=DEFAULT_ACCENT_COLOR)
    font: Mapped[str] = mapped_column(String(40), default="system")
    header_text: Mapped[str | None] = mapped_column(String(200))
    footer_links: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    faq: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    support_email: Mapped[str | None] = mapped_column(String(254))
    support_phone: Mapped[str | None] = mapped_column(String(40))
    support_url: Mapped[str | None] = mapped_column(String(500))
    # A host of the merchant's own; served, and used in links, only once verified by the
    # token in a DNS TXT record (services/custom_hosts), so nobody can claim another's host.
    custom_host: Mapped[str | None] = mapped_column(String(253))
    custom_host_token: Mapped[str | None] = mapped_column(String(64))
    custom_host_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")

    # Notification and polling preferences (defaults live in the services that read them)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    # Moves whenever something every tracking page of the merchant shows changes.
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")

    users: Mapped[list[User]] = relationship(back_populates="merchant")

    @property
    def has_logo(self) -> bool:
        return self.logo_content_type is not None

    def __repr__(self) -> str:
        return f"<Merchant {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Bumped on logout and password change so that every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    merchant: Mapped[Merchant] = relationship(back_populates="users")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def can_manage(self) -> bool:
        return self.role in ("owner", "admin")


class LoginFailure(db.Model):
    """Wrong passwords for one account (a keyed hash of the email, known or not) from one
    client (an address or a known device), counted for the sign-in throttle."""

    __tablename__ = "login_failures"
    __table_args__ = (
        UniqueConstraint("account", "client"),
        Index("ix_login_failures_last_failed_at", "last_failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column()
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    merchant: Mapped[Merchant] = relationship()


class Invitation(db.Model):
    """An emailed invitation to join a merchant's team with a role; used once."""

    __tablename__ = "invitations"
    # One open invitation per shop and email: inviting again replaces it (services/team).
    __table_args__ = (
        Index(
            "uq_invitations_open_email",
            "merchant_id",
            "email",
            unique=True,
            sqlite_where=text(OPEN_INVITATION),
            postgresql_where=text(OPEN_INVITATION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    merchant: Mapped[Merchant] = relationship()
    invited_by: Mapped[User | None] = relationship()
