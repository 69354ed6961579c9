"""The public carriers API: registry, settings, and the emulator's number helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import carriers
from carriers import Carrier, carrier_codes, get_carrier
from carriers.emulator.numbers import ups_check_digit_ok
from carriers.emulator.places import COLUMBUS, RENO
from carriers.emulator.scenarios import decode_tracking_number, make_tracking_number
from carriers.ups import UPS


def test_get_carrier_builds_ups_from_settings():
    ups = get_carrier("UPS", {"client_id": "a", "client_secret": "b", "rate": 5, "daily_quota": 9})

    assert isinstance(ups, UPS) and isinstance(ups, Carrier)
    assert (ups.code, ups.name, ups.max_batch) == ("ups", "UPS", 1)
    assert ups.base_url == "https://onlinetools.ups.com"
    assert ups.http.limiter.rate == 5 and ups.daily_quota == 9
    assert "ups" in carrier_codes() and carriers.CARRIERS["ups"] is UPS


def test_unknown_carrier_names_the_known_ones():
    with pytest.raises(KeyError, match="known carriers: .*ups"):
        get_carrier("pigeon", {})


def test_unknown_setting_is_refused():
    with pytest.raises(ValueError, match="client_secrt"):
        get_carrier("ups", {"client_secrt": "typo"})


def test_base_url_with_a_path_prefix_keeps_carrier_paths():
    ups = get_carrier("ups", {"base_url": "http://127.0.0.1:8100/ups/"})
    assert (
        ups.http.url("/api/track/v1/details/X")
        == "http://127.0.0.1:8100/ups/api/track/v1/details/X"
    )


def test_emulator_number_layout():
    started_at = datetime(2026, 1, 1, 0, 42, tzinfo=UTC)
    number = make_tracking_number("ups", "late", started_at, 5)

    assert number == "1ZPLDEMO" + "05" + "1" + "000042" + number[-1]
    assert ups_check_digit_ok(number)
    assert ups_check_digit_ok("1Z999AA10123456784")  # UPS's own published example
    assert not ups_check_digit_ok("1Z999AA10123456785")


def test_fault_scenarios_use_their_own_shipper_account():
    number = make_tracking_number("ups", "fault_429", datetime.now(UTC), 0)
    assert number.startswith("1ZPLFALT")


def test_bad_arguments_are_refused():
    now = datetime.now(UTC)
    with pytest.raises(KeyError):
        make_tracking_number("ups", "lost_in_space", now, 0)
    with pytest.raises(ValueError):
        make_tracking_number("ups", "normal", now, 100)
    with pytest.raises(ValueError):
        make_tracking_number("ups", "normal", now.replace(tzinfo=None), 0)
    with pytest.raises(ValueError):
        make_tracking_number("pigeon", "normal", now, 0)


def test_numbers_that_are_not_the_emulators_do_not_decode():
    assert decode_tracking_number("ups", "1Z999AA10123456784") is None
    assert decode_tracking_number("ups", "not a number") is None
    assert decode_tracking_number("fedex", "123456789012") is None


def test_places_switch_to_daylight_saving_on_the_us_dates():
    before = datetime(2026, 3, 8, 6, 59, tzinfo=UTC)  # 01:59 EST
    after = before + timedelta(minutes=1)  # 03:00 EDT
    assert COLUMBUS.utc_offset(before) == timedelta(hours=-5)
    assert COLUMBUS.utc_offset(after) == timedelta(hours=-4)
    assert RENO.utc_offset(datetime(2026, 11, 1, 8, 59, tzinfo=UTC)) == timedelta(hours=-7)
    assert RENO.utc_offset(datetime(2026, 11, 1, 9, 0, tzinfo=UTC)) == timedelta(hours=-8)
