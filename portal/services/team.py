"""The merchant's team: invitations by signed link, role changes and removals."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from portal.database import utcnow
from portal.extensions import db
from portal.models import Invitation, Merchant, User
from portal.models.merchant import ROLES
from portal.services.merchants import create_user, get_user_by_email, normalise_email

INVITE_SALT = "porchlight-invitation"
INVITE_MAX_AGE = timedelta(days=7)


class TeamError(ValueError):
    """A team change is not allowed; the message says why in plain words."""


def list_members(merchant: Merchant) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.merchant_id == merchant.id).order_by(User.role, User.email)
        )
    )


def pending_invitations(merchant: Merchant) -> list[Invitation]:
    cutoff = utcnow() - INVITE_MAX_AGE
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.merchant_id == merchant.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.created_at > cutoff,
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def open_invitations_to(merchant: Merchant, email: str) -> list[Invitation]:
    """The shop's invitations to `email` neither accepted nor withdrawn (expired included)."""
    return list(
        db.session.scalars(
            select(Invitation).where(
                Invitation.merchant_id == merchant.id,
                Invitation.email == normalise_email(email),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
        )
    )


def get_member_or_404(merchant: Merchant, user_id: int) -> User:
    """The merchant's user with this id; 404 for anyone else's (no hint that it exists)."""
    user = db.session.get(User, user_id)
    if user is None or user.merchant_id != merchant.id:
        abort(404)
    return user


def get_invitation_or_404(merchant: Merchant, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.merchant_id != merchant.id:
        abort(404)
    return invitation


def _owner_count(merchant: Merchant) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.merchant_id == merchant.id, User.role == "owner")
    )


def invite_member(merchant: Merchant, actor: User, email: str, role: str) -> Invitation:
    """Create an invitation, withdrawing the shop's open one to the same email (its link
    stops working: one open invitation per shop and email). Raises TeamError for a bad role,
    a taken email or a lower rank. Flushes."""
    email = normalise_email(email)
    if role not in ROLES:
        raise TeamError("Choose a role: owner, admin or agent.")
    if role == "owner" and actor.role != "owner":
        raise TeamError("Only an owner can invite another owner.")
    if "@" not in email:
        raise TeamError("Enter an email address.")
    if get_user_by_email(email):
        raise TeamError(f"{email} already has a Porchlight account.")
    for earlier in open_invitations_to(merchant, email):
        revoke_invitation(earlier)  # flushed before the new row takes its place
    invitation = Invitation(merchant=merchant, email=email, role=role, invited_by=actor)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def make_invite_token(invitation: Invitation) -> str:
    return _serializer().dumps({"i": invitation.id, "e": invitation.email})


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation behind a signed link; None when forged, expired, used or revoked."""
    try:
        payload = _serializer().loads(token, max_age=int(INVITE_MAX_AGE.total_seconds()))
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        return None
    invitation = db.session.get(Invitation, payload["i"])
    if invitation is None or invitation.email != payload.get("e"):
        return None
    if invitation.accepted_at or invitation.revoked_at:
        return None
    return invitation


def accept_invitation(invitation: Invitation, name: str, password: str) -> User:
    """Create the invited account with the invited role; raises MerchantError/TeamError."""
    if get_user_by_email(invitation.email):
        raise TeamError("This invitation has already been used. Sign in instead.")
    user = create_user(
        invitation.merchant, invitation.email, invitation.role, password, name.strip() or None
    )
    invitation.accepted_at = utcnow()
    db.session.flush()
    return user


def revoke_invitation(invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    db.session.flush()


def change_role(merchant: Merchant, actor: User, member: User, role: str) -> None:
    """Give `member` a new role; raises TeamError when that would leave no owner or outranks."""
    if role not in ROLES:
        raise TeamError("Choose a role: owner, admin or agent.")
    if role == member.role:
        return
    if actor.role != "owner" and "owner" in (role, member.role):
        raise TeamError("Only an owner can make someone an owner or change an owner's role.")
    if member.role == "owner" and _owner_count(merchant) <= 1:
        raise TeamError("The shop needs at least one owner. Make someone else an owner first.")
    member.role = role  # read from the database on every request: effective at once
    db.session.flush()


def remove_member(merchant: Merchant, actor: User, member: User) -> None:
    """Delete the member's account (their sessions end with it).

    Raises TeamError for yourself, for an owner when the actor is an admin, the last owner.
    """
    if member.id == actor.id:
        raise TeamError("You can't remove yourself. Ask another owner or admin.")
    if member.role == "owner" and actor.role != "owner":
        raise TeamError("Only an owner can remove an owner.")
    if member.role == "owner" and _owner_count(merchant) <= 1:
        raise TeamError("The shop needs at least one owner.")
    db.session.delete(member)
    db.session.flush()
