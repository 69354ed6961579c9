"""What a shopper does on the tracking page: rate the delivery, get texts, open a product."""

from __future__ import annotations

from typing import Any

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.blueprints.tracking import bp
from portal.blueprints.tracking.context import (
    feedback_state,
    is_delivered,
    page_context,
    sms_state,
)
from portal.blueprints.tracking.forms import FeedbackForm, SmsForm
from portal.blueprints.tracking.presenter import build_page
from portal.blueprints.tracking.views import private_page, shopper_order_or_404
from portal.database import begin_write
from portal.extensions import db
from portal.models import Order
from portal.services.feedback import FeedbackClosed, feedback_stage, save_feedback
from portal.services.recommendations import record_click
from portal.services.sms_optin import InvalidPhone, opt_in_to_sms, opt_out_of_sms


def _back_to_page(merchant_slug: str, token: str, done: str):
    """After a form without JavaScript: 303 back to the page, at the section just used."""
    target = url_for("tracking.order_page", merchant_slug=merchant_slug, token=token, done=done)
    return redirect(f"{target}#{done}", 303)


def _answer(order: Order, token: str, partial: str, status: int, **context: Any):
    """The section's partial for htmx, else the whole page (with the form's errors)."""
    if request.htmx:
        html = render_template(partial, merchant=order.merchant, token=token, **context)
    else:
        forms = {k: v for k, v in context.items() if k in ("feedback_form", "sms_form")}
        html = render_template("tracking/page.html", **page_context(order, token, **forms))
    return private_page(make_response(html, status))


@bp.post("/<merchant_slug>/orders/<token>/feedback")
def feedback(merchant_slug: str, token: str):
    begin_write()
    _merchant, order = shopper_order_or_404(merchant_slug, token)
    form = FeedbackForm()
    delivered = is_delivered(build_page(order))
    if form.validate_on_submit():
        stage = feedback_stage(delivered)
        try:
            save_feedback(order, stage, int(form.rating.data), form.comment.data)
        except FeedbackClosed:
            db.session.rollback()
            state = feedback_state(order, delivered)
            return _answer(order, token, "tracking/_feedback.html", 409, feedback=state)
        db.session.commit()
        if not request.htmx:
            return _back_to_page(merchant_slug, token, "feedback")
        state = feedback_state(order, delivered, thanked=True)
        return _answer(order, token, "tracking/_feedback.html", 200, feedback=state)
    state = feedback_state(order, delivered, form)
    return _answer(order, token, "tracking/_feedback.html", 422, feedback=state, feedback_form=form)


@bp.post("/<merchant_slug>/orders/<token>/sms")
def sms(merchant_slug: str, token: str):
    begin_write()
    _merchant, order = shopper_order_or_404(merchant_slug, token)
    form = SmsForm()
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "stop":
                opt_out_of_sms(order)
            else:
                opt_in_to_sms(order, form.phone.data or "")
        except InvalidPhone:
            form.phone.errors.append(_("Enter a mobile number, e.g. +1 415 555 0142."))
        else:
            db.session.commit()
            if not request.htmx:
                return _back_to_page(merchant_slug, token, "sms")
            return _answer(order, token, "tracking/_sms.html", 200, sms=sms_state(order))
    return _answer(
        order, token, "tracking/_sms.html", 422, sms=sms_state(order, form), sms_form=form
    )


@bp.get("/r/<signed>")
def recommendation_click(signed: str):
    begin_write()
    target = record_click(signed)
    if target is None:
        abort(404)
    db.session.commit()
    response = redirect(target, 302)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
