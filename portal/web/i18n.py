"""Locale selection: the order's locale where a page is about an order, else Accept-Language."""

from __future__ import annotations

from babel.support import Translations
from flask import g, request
from flask_babel import get_locale, get_translations

SUPPORTED_LOCALES = ("en", "es", "de")


def select_locale() -> str:
    order_locale = getattr(g, "order_locale", None)
    if order_locale in SUPPORTED_LOCALES:
        return order_locale
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def content_locale() -> str:
    """The language the page's words are really in: the selected locale when its catalogue
    is installed, else English (so dates never come out Spanish in an English sentence)."""
    locale = str(get_locale() or "en")
    if locale == "en" or not isinstance(get_translations(), Translations):
        return "en"
    return locale
