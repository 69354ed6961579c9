"""Template globals and filters shared by every page: brand CSS, locale, safe links."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from portal.models import Merchant
from portal.web.branding import brand_style, safe_url
from portal.web.i18n import content_locale


def brand_css(merchant: Merchant | None = None) -> Markup:
    """A `:root { --brand: … }` rule for a nonce'd <style>.

    Safe to mark as markup: colours are validated #rrggbb and fonts come from our own list.
    """
    declarations = " ".join(f"{name}: {value};" for name, value in brand_style(merchant).items())
    return Markup(f":root {{ {declarations} }}")


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(brand_css=brand_css, page_locale=content_locale)
    app.jinja_env.filters["safe_url"] = safe_url
