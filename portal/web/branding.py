"""Merchant branding for templates: colours with readable text, font stacks, safe links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from portal.models.merchant import DEFAULT_ACCENT_COLOR, DEFAULT_PRIMARY_COLOR, Merchant

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
BLACK = "#000000"
WHITE = "#ffffff"
# Text on white must reach WCAG AA for normal text.
AA_NORMAL = 4.5

SYSTEM_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
FONT_STACKS = {
    "system": SYSTEM_FONT,
    "humanist": 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", sans-serif',
    "geometric": 'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
    "rounded": 'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, sans-serif',
    "serif": 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif',
    "mono": 'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, monospace',
}
SAFE_URL_SCHEMES = ("http", "https", "mailto", "tel")


def valid_color(value: str | None, default: str) -> str:
    """The colour as lowercase #rrggbb, or `default` when it is not one."""
    return value.lower() if value and HEX_COLOR.match(value) else default


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour (0 black … 1 white)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two #rrggbb colours (1 … 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return (
        BLACK if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) else WHITE
    )


def ink_on_white(color: str) -> str:
    """`color` darkened just enough to be readable as text on white (AA, 4.5:1)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    candidate = color
    for step in range(21):
        factor = 1 - step * 0.05
        candidate = f"#{int(r * factor):02x}{int(g * factor):02x}{int(b * factor):02x}"
        if contrast_ratio(candidate, WHITE) >= AA_NORMAL:
            return candidate
    return candidate


def brand_style(merchant: Merchant | None) -> dict[str, str]:
    """CSS custom properties for a merchant's brand (Porchlight's own when `merchant` is None)."""
    primary = valid_color(merchant.primary_color if merchant else None, DEFAULT_PRIMARY_COLOR)
    accent = valid_color(merchant.accent_color if merchant else None, DEFAULT_ACCENT_COLOR)
    font = FONT_STACKS.get(merchant.font if merchant else "system", SYSTEM_FONT)
    return {
        "--brand": primary,
        "--on-brand": text_color_on(primary),
        "--brand-ink": ink_on_white(primary),
        "--accent": accent,
        "--on-accent": text_color_on(accent),
        "--font-body": font,
    }


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http(s)/mailto/tel link, else None (no javascript: links)."""
    if not url:
        return None
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in SAFE_URL_SCHEMES else None
