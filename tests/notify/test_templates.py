"""Default templates (snapshots), merchants' own templates in the sandbox, SMS length."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from portal.models import Merchant
from portal.services.notification_context import sample_context
from portal.services.notification_templates import render_message
from portal.services.notification_texts import LOCALES, TRIGGER_TEXTS
from portal.services.outbox import TRIGGERS

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
TODAY = date(2026, 11, 24)
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


@pytest.fixture(params=["sqlite"])
def db_backend(request):
    """Rendering reads no tables: one backend is enough."""
    return request.param


@pytest.fixture
def acme(app):
    return Merchant(
        slug="acme",
        name="Acme Outdoor",
        primary_color="#2f6b3b",
        font="system",
        support_email="help@acme.test",
        support_phone="+1 415 555 0142",
        support_url="https://acme.test/help",
        settings={},
    )


def context_for(merchant, locale="en"):
    context = sample_context(merchant, locale, today=TODAY)
    context["tracking_link"] = "http://porchlight.test/acme/orders/Xq3vT0kz9LmN2pQr5sUw1A"
    return context


def check_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {name} was missing and has been written; run again")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, regenerate with UPDATE_SNAPSHOTS=1"
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_default_texts_match_their_snapshots(app, acme, trigger, locale):
    with app.test_request_context():
        email = render_message(acme, trigger, "email", context_for(acme, locale))
        sms = render_message(acme, trigger, "sms", context_for(acme, locale))

    assert email.fallback_reason is None and sms.fallback_reason is None
    snapshot = f"## subject\n{email.subject}\n\n## email text\n{email.text}\n## sms\n{sms.text}\n"
    check_snapshot(f"{locale}/{trigger}.txt", snapshot)
    if locale == "en":
        check_snapshot(f"en/{trigger}.html", email.html)


def test_a_grouped_message_lists_each_package(app, acme):
    with app.test_request_context():
        context = context_for(acme)
        first = dict(context["shipment"], index=1, count=2)
        second = dict(first, index=2, tracking_number="1Z999AA10123456785")
        second["items"] = [{"name": "Headlamp", "quantity": 2}]
        context["shipments"] = [first, second]
        email = render_message(acme, "out_for_delivery", "email", context)

    check_snapshot("en/out_for_delivery.grouped.html", email.html)
    assert "Package 1 of 2" in email.text and "Package 2 of 2" in email.text


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_default_sms_fits_one_gsm7_segment(app, acme, trigger, locale):
    with app.test_request_context():
        sms = render_message(acme, trigger, "sms", context_for(acme, locale)).text

    assert set(sms) <= GSM7, {char for char in sms if char not in GSM7}
    assert len(sms) <= 160, (len(sms), sms)


def test_the_email_is_branded_with_logo_colours_button_and_unsubscribe(app, acme):
    acme.logo_content_type, acme.logo_version = "image/png", 3
    with app.test_request_context():
        email = render_message(acme, "out_for_delivery", "email", context_for(acme))

    assert '<img src="http://porchlight.test/acme/logo?v=3" alt="Acme Outdoor"' in email.html
    assert "background-color:#2f6b3b" in email.html and 'width="600"' in email.html
    assert (
        'href="http://porchlight.test/acme/orders/Xq3vT0kz9LmN2pQr5sUw1A?src=email"' in email.html
    )
    assert 'href="http://porchlight.test/u/preview"' in email.html
    assert "<script" not in email.html


def test_a_merchants_own_template_renders_with_placeholders(app, acme):
    acme.settings = {
        "templates": {
            "shipped": {
                "email": {
                    "subject": "{{ customer.first_name }}, #{{ order.number }} ships!",
                    "body": "Hello {{ customer.first_name }} <b>friend</b>.\n\nIt left today.",
                },
                "sms": {"body": "{{ merchant.name }}: #{{ order.number }} -> {{ tracking_url }}"},
            }
        }
    }
    with app.test_request_context():
        email = render_message(acme, "shipped", "email", context_for(acme))
        sms = render_message(acme, "shipped", "sms", context_for(acme))

    assert email.subject == "Maya, #1042 ships!" and email.fallback_reason is None
    assert "Hello Maya &lt;b&gt;friend&lt;/b&gt;." in email.html
    assert "It left today." in email.text
    assert (
        sms.text
        == "Acme Outdoor: #1042 -> http://porchlight.test/acme/orders/Xq3vT0kz9LmN2pQr5sUw1A?src=sms"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ config }}",
        "{{ config.SECRET_KEY }}",
        "{{ self.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ request.environ }}",
        "{{ url_for.__globals__ }}",
        "{{ customer.first_name.__class__ }}",
        "{{ '{0.__class__}'.format(order) }}",
        "{{ order['items'].append(1) }}",
        "{% for i in range(10**9) %}x{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ customer.nickname }}",
        "{% include 'base.html' %}",
        "{% extends 'email/notification.html' %}",
        "{{ broken",
    ],
)
def test_sandbox_escape_attempts_render_nothing_dangerous_and_fall_back(app, acme, source):
    acme.settings = {"templates": {"shipped": {"sms": {"body": source}, "email": {"body": source}}}}
    with app.test_request_context():
        sms = render_message(acme, "shipped", "sms", context_for(acme))
        email = render_message(acme, "shipped", "email", context_for(acme))

    assert sms.fallback_reason and email.fallback_reason
    assert sms.text.startswith("Acme Outdoor: your order #1042 is on its way.")
    for output in (sms.text, email.text, email.html):
        for leak in ("SECRET", "<class", "subclasses", "uid=", "environ", "globals"):
            assert leak not in output


def test_self_renders_harmlessly(app, acme):
    acme.settings = {"templates": {"shipped": {"sms": {"body": "{{ self }}"}}}}
    with app.test_request_context():
        sms = render_message(acme, "shipped", "sms", context_for(acme))

    assert "SECRET" not in sms.text and "config" not in sms.text


def test_the_shoppers_locale_picks_the_words(app, acme):
    with app.test_request_context():
        spanish = render_message(acme, "delayed", "email", context_for(acme, "es-MX"))
        german = render_message(acme, "delayed", "sms", context_for(acme, "de"))
        unknown = render_message(acme, "delayed", "sms", context_for(acme, "fr"))

    assert spanish.subject == "Tu pedido #1042 va con retraso"
    assert "jueves, 26 de noviembre" in spanish.text
    assert "verspätet sich, jetzt erwartet am 26. Nov." in german.text
    assert unknown.text.startswith("Acme Outdoor: your order #1042 is running late")


def test_every_trigger_has_words_in_every_locale():
    for locale in LOCALES:
        assert set(TRIGGER_TEXTS[locale]) == set(TRIGGERS)
