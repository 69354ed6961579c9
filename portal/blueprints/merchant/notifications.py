"""/merchant/notifications: channels, timing, sender and webhook; the template editor."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import audit, current_merchant
from portal.blueprints.merchant.notification_forms import NotificationSettingsForm
from portal.extensions import db
from portal.notify.webhook import UnsafeWebhookTarget, check_target
from portal.services.notification_settings import (
    current_settings,
    generate_webhook_secret,
    save_notification_settings,
)
from portal.services.outbox import CHANNELS, TRIGGERS


def _page(form: NotificationSettingsForm, channels: dict, status: int = 200, secret=None):
    merchant = current_merchant()
    return (
        render_template(
            "merchant/notifications.html",
            form=form,
            channels=channels,
            triggers=TRIGGERS,
            all_channels=CHANNELS,
            new_secret=secret,
            has_secret=bool(merchant.webhook_secret),
        ),
        status,
        {"Cache-Control": "no-store"},
    )


@bp.get("/notifications")
def notifications():
    values = current_settings(current_merchant())
    return _page(NotificationSettingsForm(data=values), values["channels"])


@bp.post("/notifications")
def save_notifications():
    merchant = current_merchant()
    form = NotificationSettingsForm()
    channels = {t: request.form.getlist(f"channels-{t}") for t in TRIGGERS}
    valid = form.validate_on_submit()
    if valid and form.webhook_url.data:
        try:
            allow = current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]
            check_target(form.webhook_url.data, allow)
        except UnsafeWebhookTarget as error:
            form.webhook_url.errors = [f"We can't send to that address: {error}."]
            valid = False
    if not valid:
        return _page(form, channels, 422)
    values = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    values["channels"] = channels
    changes = save_notification_settings(merchant, values)
    if changes:
        audit("notifications.updated", "merchant", merchant.id, changes=sorted(changes))
    db.session.commit()
    flash("Notification settings saved.", "info")
    return redirect(url_for("merchant.notifications"), code=303)


@bp.post("/notifications/webhook-secret")
def rotate_webhook_secret():
    merchant = current_merchant()
    secret = generate_webhook_secret(merchant)
    audit("webhook.secret_generated", "merchant", merchant.id)
    db.session.commit()
    values = current_settings(merchant)
    return _page(NotificationSettingsForm(data=values), values["channels"], 201, secret)
