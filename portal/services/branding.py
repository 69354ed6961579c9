"""Merchant branding: image uploads checked by decoding them, colours with contrast warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.extensions import db
from portal.models import Merchant
from portal.services.custom_hosts import claim_custom_host, verified_elsewhere
from portal.web.branding import (
    AA_NORMAL,
    WHITE,
    contrast_ratio,
    ink_on_white,
    text_color_on,
    valid_color,
)

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 4096
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
UI_CONTRAST = 3.0  # WCAG 1.4.11: graphics that carry meaning
HOST_PATTERN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
BRANDING_FIELDS = (
    "primary_color",
    "accent_color",
    "font",
    "header_text",
    "footer_links",
    "faq",
    "support_email",
    "support_phone",
    "support_url",
    "custom_host",
)


class BrandingError(ValueError):
    """An upload or a value was refused; the message says why in plain words."""


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    content_type: str
    width: int
    height: int


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def process_image(data: bytes, what: str = "logo") -> ProcessedImage:
    """Decode a PNG, JPEG or WebP upload and re-encode it without metadata.

    Raises BrandingError for SVG, anything that does not decode as one of those formats,
    more than 2 MB, or more than 4096 px on a side.
    """
    if not data:
        raise BrandingError(f"The {what} file is empty.")
    if len(data) > MAX_IMAGE_BYTES:
        size = len(data) / (1024 * 1024)
        raise BrandingError(f"The {what} is {size:.1f} MB; the limit is 2 MB.")
    if _looks_like_svg(data):
        raise BrandingError(
            f"SVG files can't be used as the {what} (they can carry scripts). "
            "Export it as PNG, JPEG or WebP."
        )
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in IMAGE_TYPES:
                raise BrandingError(f"The {what} must be a PNG, JPEG or WebP image.")
            width, height = image.size
            if max(width, height) > MAX_IMAGE_SIDE:
                raise BrandingError(
                    f"The {what} is {width}×{height} px; at most {MAX_IMAGE_SIDE} px a side."
                )
            image_format = image.format
            image.seek(0)  # an animation keeps only its first frame
            image.load()
            clean = _without_metadata(ImageOps.exif_transpose(image), image_format)
    except BrandingError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise BrandingError(
            f"That file isn't a PNG, JPEG or WebP image we can read, so it can't be the {what}."
        ) from error
    output = BytesIO()
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(output, format=image_format, **options)
    return ProcessedImage(output.getvalue(), IMAGE_TYPES[image_format], *clean.size)


def _without_metadata(image: Image.Image, image_format: str) -> Image.Image:
    """A new image holding only the pixels: no EXIF, XMP, ICC, text chunks or comments."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if transparent and image_format != "JPEG" else "RGB"
    if image.mode == "L" and not transparent:
        mode = "L"
    pixels = image.convert(mode)
    return Image.frombytes(mode, pixels.size, pixels.tobytes())


def set_logo(merchant: Merchant, image: ProcessedImage | None) -> None:
    """Store (or with None remove) the logo; bumping the version busts cached copies."""
    merchant.logo = image.data if image else None
    merchant.logo_content_type = image.content_type if image else None
    merchant.logo_version = (merchant.logo_version or 0) + 1
    db.session.flush()


def set_favicon(merchant: Merchant, image: ProcessedImage | None) -> None:
    merchant.favicon = image.data if image else None
    merchant.favicon_content_type = image.content_type if image else None
    db.session.flush()


def contrast_warnings(primary: str, accent: str) -> list[str]:
    """Plain-words warnings for colours that can't reach WCAG AA (empty when all is well).

    Text on the brand colours is black or white, whichever reads better; the primary colour
    also draws the progress stepper on white, which needs 3:1 (WCAG 1.4.11).
    """
    warnings = []
    for name, color in (("primary", primary), ("accent", accent)):
        ratio = contrast_ratio(color, text_color_on(color))
        if ratio < AA_NORMAL:
            warnings.append(
                f"No text colour reaches 4.5:1 on the {name} colour {color} "
                f"(best is {ratio:.1f}:1)."
            )
    on_white = contrast_ratio(primary, WHITE)
    if on_white < UI_CONTRAST:
        warnings.append(
            f"The primary colour {primary} is too light against the white page "
            f"({on_white:.1f}:1; 3:1 is needed): the progress steps will be hard to see. "
            "Choose a darker shade."
        )
    return warnings


def contrast_notes(primary: str) -> list[str]:
    """What we adjust automatically so the page stays readable."""
    if contrast_ratio(primary, WHITE) >= AA_NORMAL:
        return []
    return [
        f"Text on white can't use {primary} (under 4.5:1), so links use the darker "
        f"{ink_on_white(primary)} instead. Text on {primary} is "
        f"{'black' if text_color_on(primary) == '#000000' else 'white'}."
    ]


def clean_pairs(rows: list[dict[str, Any]], first: str, second: str) -> list[dict[str, str]]:
    """Rows with both fields filled, stripped; half-filled rows raise BrandingError."""
    cleaned = []
    for number, row in enumerate(rows, start=1):
        a, b = (str(row.get(first) or "").strip(), str(row.get(second) or "").strip())
        if not a and not b:
            continue
        if not a or not b:
            raise BrandingError(f"Row {number}: fill in both the {first} and the {second}.")
        cleaned.append({first: a, second: b})
    return cleaned


def host_problem(merchant: Merchant, host: str | None, public_host: str) -> str | None:
    """Why a custom tracking host can't be used, or None when it's fine (or empty)."""
    if not host:
        return None
    if not HOST_PATTERN.match(host):
        return "Enter a host name like track.example.com (no https://, no path)."
    if host == public_host:
        return "That is Porchlight's own address."
    # Only a verified claim blocks: a shop that names a host first can't keep its owner out.
    if verified_elsewhere(merchant, host):
        return "Another shop has already verified that host."
    return None


def apply_branding(merchant: Merchant, values: dict[str, Any]) -> dict[str, Any]:
    """Copy validated values onto the merchant; returns {field: [old, new]} of what changed."""
    changes = {}
    for name in BRANDING_FIELDS:
        if name not in values:
            continue
        old, new = getattr(merchant, name), values[name]
        if name in ("primary_color", "accent_color"):
            new = valid_color(new, old)
        if old != new:
            changes[name] = [old, new]
            setattr(merchant, name, new)
    if "custom_host" in changes:
        claim_custom_host(merchant, merchant.custom_host)  # a new host is proven anew
    db.session.flush()
    return changes
