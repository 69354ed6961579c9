"""Merchants and their users: creation, lookup, password checks."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort
from sqlalchemy import func, select

from portal.database import utcnow
from portal.extensions import db
from portal.models import Merchant, User
from portal.models.merchant import ROLES, slug_problem

password_hasher = PasswordHasher()  # Argon2id with the library's recommended parameters
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = password_hasher.hash("porchlight-timing-equaliser")


class MerchantError(ValueError):
    """A merchant or user could not be created; the message says why in plain words."""


def get_merchant_by_slug(slug: str) -> Merchant | None:
    return db.session.scalar(select(Merchant).where(Merchant.slug == slug))


def get_by_slug_or_404(slug: str) -> Merchant:
    merchant = get_merchant_by_slug(slug)
    if merchant is None:
        abort(404)
    return merchant


def create_merchant(slug: str, name: str) -> Merchant:
    """Create a merchant; raises MerchantError for a bad or taken slug or an empty name."""
    problem = slug_problem(slug)
    if problem:
        raise MerchantError(f"slug {problem}")
    if not name.strip():
        raise MerchantError("name must not be empty")
    if get_merchant_by_slug(slug):
        raise MerchantError(f"a merchant with slug '{slug}' already exists")
    merchant = Merchant(slug=slug, name=name.strip())
    db.session.add(merchant)
    db.session.flush()
    return merchant


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    merchant: Merchant, email: str, role: str, password: str, name: str | None = None
) -> User:
    """Create a user; raises MerchantError for a bad role, a short password or a taken email."""
    if role not in ROLES:
        raise MerchantError(f"role must be one of {', '.join(ROLES)}")
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise MerchantError("email must be an email address")
    if len(password) < 10:
        raise MerchantError("password must be at least 10 characters")
    if get_user_by_email(email):
        raise MerchantError(f"a user with email {email} already exists")
    user = User(
        merchant=merchant,
        email=email,
        role=role,
        name=name,
        password_hash=password_hasher.hash(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate_user(email: str, password: str) -> User | None:
    """Return the user when the password matches, else None (same work either way)."""
    user = get_user_by_email(email)
    try:
        password_hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def load_user_session(session_id: str) -> User | None:
    """Flask-Login's loader: 'id:session_version'; an old version means a dead session."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def end_user_sessions(user: User) -> None:
    """Invalidate every session cookie this user holds (logout, password change)."""
    user.session_version += 1
