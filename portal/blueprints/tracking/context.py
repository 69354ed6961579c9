"""Everything around the status on the tracking page: feedback, recommendations, SMS, ETag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.numbers import format_currency
from flask import url_for
from flask_babel import gettext as _

from portal.blueprints.tracking.forms import FeedbackForm, SmsForm
from portal.blueprints.tracking.presenter import TrackingPage, build_page
from portal.blueprints.tracking.render_cache import content_etag, status_etag
from portal.database import utcnow
from portal.models import Feedback, Order
from portal.services.feedback import feedback_stage, get_feedback, is_editable
from portal.services.lookup import PageStamp
from portal.services.recommendations import Pick, click_token, recommend_products
from portal.services.sms_optin import phone_ending
from portal.web.i18n import content_locale

# Live refreshes stop once nothing more will happen.
SETTLED_STATUSES = ("delivered", "cancelled", "expired")


@dataclass
class FeedbackState:
    stage: str
    question: str
    saved: Feedback | None
    editable: bool
    form: FeedbackForm
    thanked: bool = False


@dataclass(frozen=True)
class Recommendation:
    name: str
    image_url: str | None
    price: str | None
    href: str


@dataclass
class SmsState:
    opted_in: bool
    stopped: bool
    phone_ending: str | None
    form: SmsForm


def is_delivered(page: TrackingPage) -> bool:
    return page.summary.status == "delivered"


def feedback_state(
    order: Order, delivered: bool, form: FeedbackForm | None = None, thanked: bool = False
) -> FeedbackState:
    """The feedback section: the question for this stage, the saved answer, the form."""
    stage = feedback_stage(delivered)
    saved = get_feedback(order, stage)
    if form is None:
        form = FeedbackForm(formdata=None)
        if saved is not None:
            form.rating.data = str(saved.rating)
            form.comment.data = saved.comment or ""
    question = _("How was your delivery?") if delivered else _("How are we doing so far?")
    return FeedbackState(stage, question, saved, is_editable(saved), form, thanked)


def sms_state(order: Order, form: SmsForm | None = None) -> SmsState:
    form = form or SmsForm(formdata=None)
    stopped = not order.sms_opt_in and order.sms_opt_out_at is not None
    return SmsState(order.sms_opt_in, stopped, phone_ending(order.customer_phone), form)


def _price(product: Pick, order: Order) -> str | None:
    currency = product.currency or order.currency
    if product.price is None or not currency:
        return None
    try:
        return format_currency(product.price, currency, locale=content_locale())
    except (ValueError, KeyError):
        return None


def recommendations(order: Order) -> list[Recommendation]:
    return [
        Recommendation(
            name=product.name,
            image_url=product.image_url,
            price=_price(product, order),
            href=url_for("tracking.recommendation_click", signed=click_token(order, product)),
        )
        for product in recommend_products(order)
    ]


def live_etag(order: Order, page: TrackingPage, now: datetime) -> str:
    """The live status's ETag, "<version>.<content>": a refresh whose version part is
    current is answered 304 from the page stamp alone; one whose content part still
    matches after the order or shop changed elsewhere gets a 304 with the new ETag, so the
    status is never swapped, nor read out again to a screen reader, for nothing."""
    merchant = order.merchant
    fingerprint = (
        content_locale(),
        order.order_number,
        len(order.shipments),
        repr(page.summary),
        bool(merchant.support_email or merchant.support_phone or merchant.support_url),
    )
    return f"{status_etag(PageStamp.of(order), now)}.{content_etag(fingerprint)}"


def status_context(
    order: Order, token: str, now: datetime | None = None, cards: bool = False
) -> dict[str, Any]:
    """The template context of the live status partial (with the shipment cards if asked)."""
    now = now or utcnow()
    page = build_page(order, now, cards=cards)
    return {
        "merchant": order.merchant,
        "token": token,
        "page": page,
        "etag": live_etag(order, page, now),
        "live": page.summary.status not in SETTLED_STATUSES,
    }


def page_context(
    order: Order,
    token: str,
    now: datetime | None = None,
    feedback_form: FeedbackForm | None = None,
    sms_form: SmsForm | None = None,
) -> dict[str, Any]:
    """The template context of the full tracking page."""
    context = status_context(order, token, now, cards=True)
    context.update(
        feedback=feedback_state(order, is_delivered(context["page"]), feedback_form),
        recommendations=recommendations(order),
        sms=sms_state(order, sms_form),
    )
    return context
