"""SMS opt-in and opt-out from the page, and the page in Spanish and German."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.database import utcnow
from tests.web.helpers import EASTERN, set_tracking


@pytest.fixture
def acme(make_merchant):
    return make_merchant("acme", "Acme Outdoor", timezone="America/New_York")


@pytest.fixture
def order(acme, make_order):
    return make_order(acme, order_number="#1042", customer_phone=None)


def sms_path(order) -> str:
    return f"/acme/orders/{order.active_link.token}/sms"


def test_opting_in_stores_the_phone_in_e164(client, db, order):
    response = client.post(sms_path(order), data={"action": "subscribe", "phone": "(415) 555-0142"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith("#sms")
    db.session.refresh(order)
    assert (order.customer_phone, order.sms_opt_in) == ("+14155550142", True)
    assert order.sms_opt_in_at is not None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ending in 0142" in html and "Stop text updates" in html


def test_an_invalid_phone_is_explained_and_stored_nowhere(client, db, order):
    response = client.post(
        sms_path(order), data={"action": "subscribe", "phone": "12"}, headers={"HX-Request": "true"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith('<section class="card sms stack" id="sms"')
    assert "Enter a mobile number" in html and 'aria-invalid="true"' in html
    db.session.refresh(order)
    assert (order.customer_phone, order.sms_opt_in) == (None, False)


def test_stop_text_updates_turns_them_off(client, db, order):
    client.post(sms_path(order), data={"action": "subscribe", "phone": "+1 415 555 0142"})

    response = client.post(sms_path(order), data={"action": "stop"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Text updates are off for this order." in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.sms_opt_in is False and order.sms_opt_out_at is not None


def test_sms_needs_a_csrf_token(make_app, order):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()

    assert client.post(sms_path(order), data={"phone": "+14155550142"}).status_code == 400


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("es", ["Llega ", "Pedido #1042", "Progreso de la entrega", "¿Qué tal lo estamos"]),
        ("de", ["Kommt ", "Bestellung #1042", "Lieferfortschritt", "Wie zufrieden bist du"]),
    ],
)
def test_the_page_speaks_the_orders_language(client, acme, make_order, locale, words):
    order = make_order(acme, order_number="#1042", customer_locale=locale)
    day = (utcnow().astimezone(EASTERN) + timedelta(days=3)).date()
    set_tracking(
        order.shipments[0],
        "in_transit",
        estimated_delivery={"date": day.isoformat(), "source": "carrier"},
    )

    html = client.get(f"/acme/orders/{order.active_link.token}").get_data(as_text=True)

    assert f'lang="{locale}"' in html
    for word in words:
        assert word in html
    from babel.dates import format_date

    assert format_date(day, "EEEE", locale=locale) in html
    assert "Order #1042" not in html


def test_the_order_locale_wins_over_the_browser(client, acme, make_order):
    order = make_order(acme, order_number="#1", customer_locale="de")

    html = client.get(
        f"/acme/orders/{order.active_link.token}", headers={"Accept-Language": "es"}
    ).get_data(as_text=True)

    assert 'lang="de"' in html


def test_without_an_order_locale_each_browser_gets_its_own_language(client, acme, make_order):
    order = make_order(acme, order_number="#2", customer_locale=None)
    path = f"/acme/orders/{order.active_link.token}"

    pages = {
        language: client.get(path, headers={"Accept-Language": header}).get_data(as_text=True)
        for language, header in (("es", "es-MX,es;q=0.9"), ("de", "de-DE"), ("en", "fr, en;q=0.5"))
    }
    again = client.get(path, headers={"Accept-Language": "es"}).get_data(as_text=True)

    for language, html in pages.items():
        assert f'lang="{language}"' in html
    assert "Pedido #2" in pages["es"] and "Bestellung #2" in pages["de"]
    assert "Order #2" in pages["en"]
    assert 'lang="es"' in again  # the cached pages are kept per language


def test_every_page_and_lookup_string_has_spanish_and_german():
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.pofile import read_po

    from portal import ROOT

    method_map = [
        ("portal/blueprints/tracking/**.py", "python"),
        ("templates/tracking/**.html", "jinja2"),
        ("templates/_forms.html", "jinja2"),
    ]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    wanted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords
        )
    }
    assert len(wanted) > 100
    for locale in ("es", "de"):
        with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
            catalogue = read_po(po)
        missing = sorted(m for m in wanted if not (catalogue.get(m) and catalogue.get(m).string))
        assert missing == [], locale
