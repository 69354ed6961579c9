"""GET/POST /login, POST /logout, and the session timeouts every console request passes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import LoginForm
from portal.database import utcnow, write_after_reads
from portal.extensions import db, limiter
from portal.models import User
from portal.services import login_throttle
from portal.services.merchants import authenticate_user, end_user_sessions
from portal.services.sessions import session_expiry, start_session

LOGIN_FAILED = "Email or password is incorrect."
TOO_MANY_FAILURES = (
    "Too many failed sign-ins for this account from here. Try again in {wait}, or sign in "
    "from a device you have signed in with before."
)
EXPIRED = {
    "idle": "You were signed out after a period of inactivity. Please sign in again.",
    "absolute": "Your session has ended. Please sign in again.",
}


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site ("/agent/"), else None: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def home_for(user: User) -> str:
    return url_for("merchant.index") if user.can_manage else url_for("agent.index")


def sign_in(user: User) -> None:
    """A fresh session on sign-in: nothing from before survives (session fixation)."""
    session.clear()
    login_user(user)
    start_session(session)


@bp.before_app_request
def refuse_expired_sessions():
    if "_user_id" not in session or request.endpoint == "static":
        return None
    reason = session_expiry(session)
    if reason is None:
        return None
    logout_user()
    session.clear()
    flash(EXPIRED[reason], "info")
    target = url_for("auth.login", next=request.full_path.rstrip("?"))
    if getattr(request, "htmx", False):
        response = redirect(target)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_for(current_user))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, 422 if form.errors else 200)
    throttled = current_app.config.get("RATELIMIT_ENABLED", True)
    attempt = login_throttle.sign_in_attempt(
        form.email.data, get_remote_address(), request.cookies.get(login_throttle.DEVICE_COOKIE)
    )
    wait = login_throttle.seconds_to_wait(attempt, utcnow()) if throttled else 0
    if wait:
        # Refused before the password is checked, so a refusal tells a guesser nothing.
        form.form_errors.append(TOO_MANY_FAILURES.format(wait=_in_words(wait)))
        response, status = _login_page(form, 429)
        return response, status, {"Retry-After": str(wait)}
    user = authenticate_user(form.email.data, form.password.data)
    if user is None:
        db.session.rollback()
        if throttled:
            write_after_reads(lambda: login_throttle.record_failure(attempt, utcnow()))
        form.form_errors.append(LOGIN_FAILED)
        return _login_page(form, 422)
    login_throttle.forget_client(attempt)
    sign_in(user)
    db.session.commit()
    response = redirect(safe_next(request.args.get("next")) or home_for(user), code=303)
    response.set_cookie(
        login_throttle.DEVICE_COOKIE,
        login_throttle.device_cookie_for(attempt),
        max_age=int(login_throttle.DEVICE_MAX_AGE.total_seconds()),
        path=url_for("auth.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _login_page(form: LoginForm, status: int):
    next_path = safe_next(request.args.get("next"))
    return render_template("auth/login.html", form=form, next_path=next_path), status


@bp.post("/logout")
@login_required
def logout():
    end_user_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You've been signed out.", "info")
    return redirect(url_for("auth.login"), code=303)
