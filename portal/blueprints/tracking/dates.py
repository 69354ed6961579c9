"""Days and times as the shopper reads them, in the page's language and the right timezone."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from flask_babel import gettext as _

from portal.models import Merchant
from portal.web.i18n import content_locale

# Weekday and day spelled out ("Thursday, 26 November"); CLDR's skeletons abbreviate them.
LONG_DAY_PATTERNS = {"en": "EEEE, d MMMM", "de": "EEEE, d. MMMM", "es": "EEEE, d 'de' MMMM"}


def zone_of(merchant: Merchant) -> tzinfo:
    try:
        return ZoneInfo(merchant.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def page_language() -> str:
    return content_locale()


def long_day(day: date) -> str:
    locale = page_language()
    return format_date(day, LONG_DAY_PATTERNS.get(locale, "EEEE, d MMMM"), locale=locale)


def short_day(day: date) -> str:
    return short_day_in(day, page_language())


@lru_cache(maxsize=1024)
def short_day_in(day: date, locale: str) -> str:
    """'Mon 23 Nov': the same day in the same language always reads the same."""
    return format_date(day, "EEE d MMM", locale=locale)


def clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def relative_day(day: date, today: date, capitalise: bool = False) -> str:
    """'today', 'tomorrow', 'yesterday' or the long date ('Thursday, 26 November')."""
    words = {0: _("today"), 1: _("tomorrow"), -1: _("yesterday")}
    word = words.get((day - today).days)
    if word is None:
        return long_day(day)
    return word[:1].upper() + word[1:] if capitalise else word


def window_text(start: datetime | None, end: datetime | None) -> str | None:
    if start and end:
        return _("between %(start)s and %(end)s", start=clock(start), end=clock(end))
    if end:
        return _("by %(end)s", end=clock(end))
    return None
