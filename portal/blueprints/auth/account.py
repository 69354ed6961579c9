"""Account pages: change password, forgotten password by emailed link, accept an invitation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
)
from portal.blueprints.auth.views import home_for, sign_in
from portal.extensions import db, limiter
from portal.services.account_mail import send_account_email
from portal.services.audit import record_audit
from portal.services.merchants import MerchantError, authenticate_user, get_user_by_email
from portal.services.sessions import make_reset_token, set_password, user_for_reset_token
from portal.services.team import TeamError, accept_invitation, invitation_for_token

RESET_SENT = (
    "If an account exists for that email, we've sent it a link to choose a new password. "
    "The link works once, for an hour."
)
LINK_DEAD = "This link has expired or has already been used."


@bp.route("/password/change", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if authenticate_user(user.email, form.current.data) is None:
            db.session.rollback()
            form.current.errors.append("That is not your current password.")
        else:
            set_password(user, form.password.data)
            record_audit(user.merchant_id, user, "password.changed", "user", user.id)
            sign_in(user)  # this session carries on; every other one has ended
            db.session.commit()
            flash("Password changed. You've been signed out everywhere else.", "info")
            return redirect(home_for(user), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = get_user_by_email(form.email.data)
        if user is not None:
            link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
            email = user.email
            db.session.rollback()  # a POST holds SQLite's write lock: not while mailing
            send_account_email(
                email,
                "Choose a new Porchlight password",
                f"Someone asked to reset the password of {email} on Porchlight.\n\n"
                f"Choose a new one here (the link works once, for an hour):\n{link}\n\n"
                "If it wasn't you, ignore this email: your password stays the same.",
            )
        return render_template("auth/forgot_password.html", form=None, sent=RESET_SENT)
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form, sent=None), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/link_dead.html", message=LINK_DEAD), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data)
        record_audit(user.merchant_id, user, "password.reset", "user", user.id)
        db.session.commit()
        flash("Your password has been changed. Sign in with the new one.", "info")
        return redirect(url_for("auth.login"), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, email=user.email), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept_invite(token: str):
    invitation = invitation_for_token(token)
    if invitation is None:
        return render_template("auth/link_dead.html", message=LINK_DEAD), 410
    if current_user.is_authenticated and current_user.email != invitation.email:
        abort(403)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accept_invitation(invitation, form.name.data, form.password.data)
        except (MerchantError, TeamError) as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            record_audit(
                user.merchant_id,
                user,
                "team.joined",
                "user",
                user.id,
                {"email": user.email, "role": user.role},
            )
            sign_in(user)
            db.session.commit()
            flash(f"Welcome to {invitation.merchant.name}.", "info")
            return redirect(home_for(user), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/accept_invite.html", form=form, invitation=invitation), status
