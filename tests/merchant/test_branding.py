"""Branding: colours, logo uploads checked by decoding, preview, contrast, custom host."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.models import AuditLog, Merchant
from portal.services.links import tracking_url
from tests.merchant.images import SVG, big_noise_png, jpeg_with_exif, png

BASE = {"primary_color": "#1f6feb", "accent_color": "#f59e0b", "font": "system"}


def save(client, **fields):
    data = {**BASE, **fields}
    return client.post("/merchant/branding", data=data, content_type="multipart/form-data")


def tracking_path(order) -> str:
    return tracking_url(order).replace("http://porchlight.test", "")


def test_new_colour_and_logo_show_in_the_preview_then_on_the_tracking_page(
    owner_client, acme, make_order, db
):
    order = make_order(acme)
    logo = png()

    preview = owner_client.post(
        "/merchant/branding/preview",
        data={**BASE, "primary_color": "#aa1144", "logo": (io.BytesIO(logo), "logo.png")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "#aa1144" in preview
    assert 'src="data:image/png;base64,' in preview
    assert db.session.get(Merchant, acme.id).primary_color == "#1f6feb"  # not saved yet

    response = save(owner_client, primary_color="#AA1144", logo=(io.BytesIO(logo), "logo.png"))
    assert response.status_code == 303

    page = owner_client.get(tracking_path(order)).get_data(as_text=True)
    assert "--brand: #aa1144" in page
    assert "/acme/logo?v=1" in page
    served = owner_client.get("/acme/logo?v=1")
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).size == (120, 40)
    entry = db.session.query(AuditLog).filter_by(action="branding.updated").one()
    assert entry.actor == "owner@acme.test"
    assert entry.details["changes"]["logo"] == "replaced"


@pytest.mark.parametrize(
    ("upload", "name", "message"),
    [
        (SVG, "logo.svg", "SVG files can&#39;t be used as the logo"),
        (b"just some text, not an image\n" * 10, "logo.png", "isn&#39;t a PNG, JPEG or WebP image"),
        (big_noise_png(5.0), "big.png", "the limit is 2 MB"),
        (png(5000, 10), "wide.png", "at most 4096 px a side"),
    ],
    ids=["svg", "renamed-text", "5mb", "too-wide"],
)
def test_bad_logo_upload_is_refused_and_nothing_is_stored(
    owner_client, acme, db, upload, name, message
):
    response = save(owner_client, primary_color="#00aa00", logo=(io.BytesIO(upload), name))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    merchant = db.session.get(Merchant, acme.id)
    assert merchant.logo_content_type is None and merchant.primary_color == "#1f6feb"
    assert db.session.query(AuditLog).count() == 0


def test_logo_metadata_is_stripped(owner_client, acme, db):
    assert b"SecretCam" in jpeg_with_exif()

    save(owner_client, logo=(io.BytesIO(jpeg_with_exif()), "photo.jpg"))

    merchant = db.session.get(Merchant, acme.id)
    assert merchant.logo_content_type == "image/jpeg"
    assert b"SecretCam" not in merchant.logo
    assert not Image.open(io.BytesIO(merchant.logo)).getexif()


def test_a_primary_colour_too_light_for_white_gets_a_contrast_warning(owner_client):
    preview = owner_client.post(
        "/merchant/branding/preview",
        data={**BASE, "primary_color": "#ffe14d"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    assert "too light against the white page" in preview
    assert "--on-brand&#34;: &#34;#000000" in preview  # black text on yellow
    ok = owner_client.post(
        "/merchant/branding/preview", data=BASE, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "too light" not in ok


def test_texts_links_faq_and_support_are_saved(owner_client, acme, db):
    response = save(
        owner_client,
        header_text="Free returns for 30 days",
        support_email="help@acme.test",
        support_phone="+1 415 555 0142",
        support_url="https://acme.test/help",
        **{
            "footer_links-0-label": "Returns",
            "footer_links-0-url": "https://acme.test/returns",
            "faq-0-question": "When will it ship?",
            "faq-0-answer": "Within two days.",
        },
    )

    assert response.status_code == 303
    merchant = db.session.get(Merchant, acme.id)
    assert merchant.footer_links == [{"label": "Returns", "url": "https://acme.test/returns"}]
    assert merchant.faq == [{"question": "When will it ship?", "answer": "Within two days."}]
    assert merchant.header_text == "Free returns for 30 days"


def test_javascript_links_and_bad_colours_are_refused(owner_client, acme, db):
    response = save(
        owner_client,
        primary_color="red",
        **{"footer_links-0-label": "x", "footer_links-0-url": "javascript:alert(1)"},
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use a hex colour like #1f6feb." in html
    assert "Use a full address starting with https://" in html
    assert db.session.get(Merchant, acme.id).footer_links == []
