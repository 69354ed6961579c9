"""Destination timezones from country, region and postal code."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from portal.services.timezones import (
    US_STATES,
    country_for_zone,
    country_zones,
    destination_timezone,
    region_code,
)


@pytest.mark.parametrize(
    ("country", "region", "zone"),
    [
        ("US", "NY", "America/New_York"),
        ("US", "New York", "America/New_York"),
        ("us", "new york", "America/New_York"),
        ("US", "US-CA", "America/Los_Angeles"),
        ("US", "IN", "America/Indiana/Indianapolis"),
        ("US", "KY", "America/New_York"),
        ("US", "TN", "America/Chicago"),
        ("US", "FL", "America/New_York"),
        ("US", "TX", "America/Chicago"),
        ("US", "AZ", "America/Phoenix"),
        ("US", "HI", "Pacific/Honolulu"),
        ("US", "DC", "America/New_York"),
        ("US", "PR", "America/Puerto_Rico"),
        ("CA", "BC", "America/Vancouver"),
        ("CA", "Quebec", "America/Toronto"),
        ("CA", "NL", "America/St_Johns"),
        ("AU", "WA", "Australia/Perth"),
        ("AU", "Queensland", "Australia/Brisbane"),
        ("MX", "Baja California", "America/Tijuana"),
        ("MX", "Jalisco", "America/Mexico_City"),
        ("BR", "AM", "America/Manaus"),
        ("BR", "SP", "America/Sao_Paulo"),
        ("RU", "NVS", "Asia/Novosibirsk"),
        ("RU", None, "Europe/Moscow"),
        ("DE", None, "Europe/Berlin"),
        ("GB", "England", "Europe/London"),
        ("JP", None, "Asia/Tokyo"),
        ("NZ", None, "Pacific/Auckland"),
    ],
)
def test_region_or_country_gives_the_zone(country, region, zone):
    assert destination_timezone(country, region) == ZoneInfo(zone)


def test_every_us_state_dc_and_puerto_rico_has_a_zone():
    assert len(US_STATES) == 52
    for code, (name, _) in US_STATES.items():
        assert destination_timezone("US", code) == destination_timezone("US", name)
        assert destination_timezone("US", code) != ZoneInfo("UTC")


def test_postal_code_refines_a_split_state():
    assert destination_timezone("US", "TX", "79901") == ZoneInfo("America/Denver")
    assert destination_timezone("US", "FL", "32501") == ZoneInfo("America/Chicago")
    assert destination_timezone("US", "FL", "33101") == ZoneInfo("America/New_York")


@pytest.mark.parametrize("country", [None, "", "XX", "ZZ"])
def test_unknown_country_is_utc(country):
    assert destination_timezone(country, "NY") == ZoneInfo("UTC")


def test_every_country_in_tzdata_resolves_to_a_loadable_zone():
    zones = country_zones()
    assert len(zones) > 240
    for code in zones:
        assert destination_timezone(code) != ZoneInfo("UTC")


def test_region_code_normalises_names_and_codes():
    assert region_code("US", "new york") == "NY"
    assert region_code("US", "US-ny") == "NY"
    assert region_code("FR", "Île-de-France") == "ÎLE-DE-FRANCE"
    assert region_code("US", "  ") is None


def test_merchant_timezone_gives_its_country():
    assert country_for_zone("America/New_York") == "US"
    assert country_for_zone("Europe/Berlin") == "DE"
    assert country_for_zone("UTC") is None
