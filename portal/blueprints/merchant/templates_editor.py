"""The message template editor: live preview with a sample order, save, and "send me a test"."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import UnprocessableEntity

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import audit, current_merchant
from portal.blueprints.merchant.notification_forms import TemplateForm
from portal.extensions import db
from portal.models import Merchant
from portal.notify import OutgoingMessage
from portal.services.account_mail import default_sender, deliver_email
from portal.services.notification_context import sample_context
from portal.services.notification_settings import save_template, template_for, with_template
from portal.services.notification_templates import TEXT_CHANNELS, render_message
from portal.services.outbox import TRIGGERS

FRAME_SALT = "porchlight-email-preview"
MAX_FRAME_TOKEN = 3000  # keep the frame's URL under proxies' request-line limits
FRAME_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "frame-ancestors 'self'; sandbox"
)


def _draft_merchant(merchant: Merchant, form: TemplateForm) -> Merchant:
    """A transient copy of the merchant whose settings hold the unsaved template."""
    settings = with_template(
        merchant.settings,
        form.trigger.data,
        form.channel.data,
        form.subject.data or "",
        form.body.data or "",
    )
    fields = {
        name: getattr(merchant, name)
        for name in (
            "id",
            "slug",
            "name",
            "primary_color",
            "accent_color",
            "font",
            "support_email",
            "support_phone",
            "support_url",
            "custom_host",
            "custom_host_verified_at",
            "logo_content_type",
            "logo_version",
        )
    }
    return Merchant(settings=settings, **fields)


def _render(form: TemplateForm):
    if form.trigger.data not in TRIGGERS or form.channel.data not in TEXT_CHANNELS:
        raise UnprocessableEntity("Choose a message and a channel from the lists.")
    draft = _draft_merchant(current_merchant(), form)
    return render_message(draft, form.trigger.data, form.channel.data, sample_context(draft))


def _frame_url(form: TemplateForm) -> str | None:
    if form.channel.data != "email":
        return None
    token = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FRAME_SALT).dumps(
        [form.trigger.data, form.subject.data or "", form.body.data or ""]
    )
    if len(token) > MAX_FRAME_TOKEN:
        token = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FRAME_SALT).dumps(
            [form.trigger.data, None, None]
        )
    return url_for("merchant.template_frame", draft=token)


def _form() -> TemplateForm:
    if request.method == "POST":
        return TemplateForm()
    form = TemplateForm(formdata=request.args or None)
    trigger = form.trigger.data if form.trigger.data in TRIGGERS else "shipped"
    channel = form.channel.data if form.channel.data in TEXT_CHANNELS else "email"
    saved = template_for(current_merchant(), trigger, channel)
    return TemplateForm(formdata=None, trigger=trigger, channel=channel, **saved)


@bp.route("/notifications/templates", methods=["GET", "POST"])
def templates():
    form = _form()
    if request.method == "POST" and form.validate_on_submit():
        rendered = _render(form)
        if rendered.fallback_reason:
            form.body.errors = [f"This template doesn't render: {rendered.fallback_reason}"]
        else:
            save_template(
                current_merchant(),
                form.trigger.data,
                form.channel.data,
                form.subject.data or "",
                form.body.data or "",
            )
            audit("template.saved", "template", f"{form.trigger.data}/{form.channel.data}")
            db.session.commit()
            flash("Template saved. New messages use it from now on.", "info")
            return redirect(
                url_for("merchant.templates", trigger=form.trigger.data, channel=form.channel.data),
                code=303,
            )
    status = 422 if form.errors else 200
    return render_template(
        "merchant/templates.html", form=form, rendered=_render(form), frame_url=_frame_url(form)
    ), status


@bp.post("/notifications/templates/preview")
def template_preview():
    form = TemplateForm()
    form.validate()
    return render_template(
        "merchant/_template_preview.html",
        form=form,
        rendered=_render(form),
        frame_url=_frame_url(form),
    )


@bp.get("/notifications/templates/frame")
def template_frame():
    try:
        trigger, subject, body = URLSafeSerializer(
            current_app.config["SECRET_KEY"], salt=FRAME_SALT
        ).loads(request.args.get("draft", ""))
    except (BadSignature, ValueError, TypeError):
        abort(404)
    merchant = current_merchant()
    saved = template_for(merchant, trigger, "email")
    form = TemplateForm(
        formdata=None,
        trigger=trigger,
        channel="email",
        subject=saved["subject"] if subject is None else subject,
        body=saved["body"] if body is None else body,
    )
    response = make_response(_render(form).html or "")
    response.headers["Content-Security-Policy"] = FRAME_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/notifications/templates/test")
def template_test():
    form = TemplateForm()
    form.validate()
    rendered = _render(form)
    label = "" if form.channel.data == "email" else f"[{form.channel.data.upper()} preview] "
    message = OutgoingMessage(
        channel="email",
        to=current_user.email,
        sender=default_sender(),
        subject=f"[Test] {label}{rendered.subject or form.trigger.data.replace('_', ' ')}",
        text=rendered.text,
        html=rendered.html if form.channel.data == "email" else None,
    )
    db.session.rollback()  # a POST's transaction holds SQLite's write lock: not while mailing
    error = deliver_email(message)
    note = f"The test couldn't be sent: {error}" if error else f"Test sent to {current_user.email}."
    return render_template(
        "merchant/_template_preview.html",
        form=form,
        rendered=rendered,
        frame_url=_frame_url(form),
        test_note=note,
    )
