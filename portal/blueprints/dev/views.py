"""GET /dev/inbox: every stored email (in a sandboxed frame) and text message, newest first."""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.blueprints.dev import bp
from portal.extensions import db
from portal.models import Notification, Order
from portal.web.clients import from_loopback

INBOX_SIZE = 100
# The email is the merchant's markup: no scripts, no plugins, no forms, only its own
# inline styles and images; and only our own inbox page may frame it.
EMAIL_FRAME_POLICY = (
    "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; "
    "font-src 'none'; script-src 'none'; object-src 'none'; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'self'; sandbox"
)


@bp.before_request
def developers_on_this_machine_only():
    if not current_app.config.get("DEV_ROUTES_ENABLED") or not from_loopback():
        abort(404)


@bp.get("/inbox")
def inbox():
    messages = db.session.scalars(
        select(Notification)
        .where(
            Notification.channel.in_(("email", "sms", "whatsapp")),
            Notification.body_text.is_not(None),
        )
        .options(joinedload(Notification.order).joinedload(Order.merchant))
        .order_by(func.coalesce(Notification.sent_at, Notification.created_at).desc())
        .order_by(Notification.id.desc())
        .limit(INBOX_SIZE)
    ).all()
    counts = dict(
        db.session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
    )
    return render_template("dev/inbox.html", messages=messages, counts=counts)


@bp.get("/inbox/<int:notification_id>.html")
def email_html(notification_id: int):
    row = db.session.get(Notification, notification_id)
    if row is None or row.channel != "email" or not row.body_html:
        abort(404)
    response = make_response(row.body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = EMAIL_FRAME_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response
