"""Rendering notifications: branded defaults, and merchants' own texts in a Jinja sandbox."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from flask import render_template
from jinja2.exceptions import SecurityError

from portal.models import Merchant
from portal.models.merchant import DEFAULT_PRIMARY_COLOR
from portal.services.notification_texts import (
    DATE_FORMATS,
    DELAY_REASONS,
    TRIGGER_TEXTS,
    UI_TEXTS,
    pick_locale,
)
from portal.services.template_sandbox import render_text, template_data
from portal.web.branding import (
    FONT_STACKS,
    SYSTEM_FONT,
    ink_on_white,
    text_color_on,
    valid_color,
)

MAX_TEMPLATE_LENGTH = 5_000
MAX_OUTPUT_LENGTH = 20_000
FEEDBACK_TRIGGERS = ("feedback_request", "feedback_nudge")
TEXT_CHANNELS = ("email", "sms", "whatsapp")


@dataclass
class RenderedMessage:
    """A message ready to send; `fallback_reason` says why the merchant's template wasn't used."""

    subject: str | None
    text: str
    html: str | None
    fallback_reason: str | None = None


def with_source(url: str | None, channel: str) -> str:
    """The tracking link tagged with where the click came from (?src=email / ?src=sms)."""
    if not url:
        return ""
    source = "email" if channel == "email" else "sms"
    return f"{url}{'&' if '?' in url else '?'}src={source}"


def format_day(value: str | date | None, locale: str, short: bool = False) -> str:
    """An ISO date as the shopper reads it ("Thursday, 26 November"), or "" when unknown."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    locale = pick_locale(locale)
    return format_date(day, DATE_FORMATS[locale][1 if short else 0], locale=locale)


def _default_words(trigger: str, context: dict[str, Any], short_date: bool) -> dict[str, str]:
    locale = pick_locale(context.get("locale"))
    texts = TRIGGER_TEXTS[locale][trigger]
    shipment = context.get("shipment") or {}
    day = format_day(shipment.get("estimated_date"), locale, short=short_date)
    fields = {
        "brand": context["merchant"]["name"],
        "number": context["order"]["number"],
        "date": day,
        "link": context.get("tracking_url", ""),
    }
    undated = not day and "headline_undated" in texts
    return {
        "subject": texts["subject"].format(**fields),
        "headline": texts["headline_undated" if undated else "headline"].format(**fields),
        "body": texts["body"].format(**fields),
        "sms": texts["sms_undated" if undated else "sms"].format(**fields),
    }


def _note(trigger: str, context: dict[str, Any]) -> str | None:
    """The extra line under the headline: the delay's reason or the carrier's own words."""
    locale = pick_locale(context.get("locale"))
    shipment = context.get("shipment") or {}
    if trigger == "delayed":
        if locale == "en" and shipment.get("delay_explanation"):
            return shipment["delay_explanation"]
        return DELAY_REASONS[locale].get(shipment.get("delay_reason") or "")
    if trigger in ("exception", "attempt_failed") and shipment.get("carrier_note"):
        return f"{UI_TEXTS[locale]['carrier_note']}: {shipment['carrier_note']}"
    return None


def _render_custom(source: str, namespace: dict[str, Any], limit: int) -> str:
    if len(source) > MAX_TEMPLATE_LENGTH:
        raise SecurityError(f"the template is longer than {MAX_TEMPLATE_LENGTH} characters")
    output = render_text(source, namespace)
    if len(output) > limit:
        raise SecurityError("the message came out too long")
    return output.strip()


def _custom_template(merchant: Merchant, trigger: str, channel: str) -> dict[str, str] | None:
    templates = (merchant.settings or {}).get("templates") or {}
    custom = (templates.get(trigger) or {}).get(channel)
    if not isinstance(custom, dict):
        return None
    return {k: v for k, v in custom.items() if k in ("subject", "body") and isinstance(v, str)}


def render_message(
    merchant: Merchant, trigger: str, channel: str, context: dict[str, Any]
) -> RenderedMessage:
    """Render one trigger for one channel: the merchant's template where it renders, else ours.

    `context` comes from notification_context.build_context (or sample_context for
    previews). Never raises for a merchant's template: a broken one falls back to the
    default and `fallback_reason` says why.
    """
    context = dict(context, tracking_url=with_source(context.get("tracking_link"), channel))
    words = _default_words(trigger, context, short_date=channel != "email")
    fallback_reason = None
    custom = _custom_template(merchant, trigger, channel)
    custom_subject = custom_body = None
    if custom:
        namespace = template_data(
            {key: value for key, value in context.items() if key != "tracking_link"}
        )
        try:
            if custom.get("subject"):
                custom_subject = _render_custom(custom["subject"], namespace, 300)
            if custom.get("body"):
                limit = MAX_OUTPUT_LENGTH if channel == "email" else 1_600
                custom_body = _render_custom(custom["body"], namespace, limit)
        except Exception as error:  # noqa: BLE001  (any template error means: use the default)
            fallback_reason = f"{error.__class__.__name__}: {error}"[:300]
            custom_subject = custom_body = None
    if channel != "email":
        return RenderedMessage(None, custom_body or words["sms"], None, fallback_reason)
    subject = (custom_subject or words["subject"]).replace("\n", " ")[:300]
    view = _email_view(merchant, trigger, context, words, custom_body)
    html = render_template("email/notification.html", **view)
    text = render_template("email/notification.txt", **view)
    return RenderedMessage(subject, _tidy_text(text), html, fallback_reason)


def _tidy_text(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _email_view(
    merchant: Merchant,
    trigger: str,
    context: dict[str, Any],
    words: dict[str, str],
    custom_body: str | None,
) -> dict[str, Any]:
    locale = pick_locale(context.get("locale"))
    ui = UI_TEXTS[locale]
    brand = context["merchant"]
    primary = valid_color(merchant.primary_color, DEFAULT_PRIMARY_COLOR)
    first_name = context["customer"].get("first_name")
    shipments = context.get("shipments") or []
    paragraphs = (
        [part.strip() for part in re.split(r"\n\s*\n", custom_body) if part.strip()]
        if custom_body
        else [words["body"]]
    )
    shipment = context.get("shipment") or {}
    estimate = format_day(shipment.get("estimated_date"), locale)
    show_estimate = trigger not in ("delivered", *FEEDBACK_TRIGGERS, "available_for_pickup")
    return {
        "locale": locale,
        "ui": ui,
        "brand": brand,
        "colors": {
            "brand": primary,
            "on_brand": text_color_on(primary),
            "ink": ink_on_white(primary),
        },
        "font": FONT_STACKS.get(merchant.font, SYSTEM_FONT),
        "greeting": (
            ui["greeting"].format(name=first_name) if first_name else ui["greeting_anonymous"]
        ),
        "headline": None if custom_body else words["headline"],
        "paragraphs": paragraphs,
        "note": _note(trigger, context),
        "estimate_label": ui["new_estimate"] if trigger == "delayed" else ui["estimate"],
        "estimate": estimate if show_estimate else None,
        "order_label": ui["order"].format(number=context["order"]["number"]),
        "shipments": shipments,
        "items": context["order"].get("items") or [],
        "button_label": ui["rate"] if trigger in FEEDBACK_TRIGGERS else ui["track"],
        "button_url": context["tracking_url"],
        "unsubscribe_url": context.get("unsubscribe_url"),
        "why": ui["why"].format(brand=brand["name"]),
        "preheader": words["headline"],
    }
