"""Per-account sign-in throttle: guessers wait longer and longer, the owner never does."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from portal.database import utcnow

WRONG = "not the password"
RIGHT = "correct horse battery"
TOO_MANY = "Too many failed sign-ins for this account"


@pytest.fixture
def throttled(make_app):
    """An app with its rate limits on, as in production."""
    return make_app(RATELIMIT_ENABLED=True)


def attempt(client, email: str, password: str, address: str):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guessing_from_many_addresses_is_refused_on_each_ones_second_try(throttled, owner):
    client = throttled.test_client()
    addresses = [f"198.51.100.{n}" for n in range(1, 31)]

    first_tries = [attempt(client, "owner@acme.test", WRONG, a).status_code for a in addresses]
    second_tries = [attempt(client, "Owner@Acme.test ", WRONG, a) for a in addresses]

    assert first_tries == [422] * 30  # each address is new to this account
    assert {answer.status_code for answer in second_tries} == {429}
    refused = second_tries[0]
    assert TOO_MANY in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # The right password from an address that has not failed still works.
    assert attempt(client, "owner@acme.test", RIGHT, "203.0.113.7").status_code == 303


def test_each_failure_past_the_free_ones_doubles_the_wait(throttled, owner):
    client = throttled.test_client()
    address = "198.51.100.9"
    with time_machine.travel(utcnow(), tick=False) as clock:
        free = [attempt(client, "owner@acme.test", WRONG, address).status_code for _ in range(5)]
        # Five failures are free; from here each one doubles the wait of this address.
        waits = []
        for _ in range(3):
            refused = attempt(client, "owner@acme.test", RIGHT, address)
            assert refused.status_code == 429  # not even the right password is checked
            assert TOO_MANY in refused.get_data(as_text=True)
            waits.append(int(refused.headers["Retry-After"]))
            clock.shift(timedelta(seconds=waits[-1]))
            assert attempt(client, "owner@acme.test", WRONG, address).status_code == 422
        refused = attempt(client, "owner@acme.test", RIGHT, address)
        clock.shift(timedelta(seconds=int(refused.headers["Retry-After"])))
        signed_in = attempt(client, "owner@acme.test", RIGHT, address)

    assert free == [422] * 5
    assert waits == [15, 30, 60]
    assert signed_in.status_code == 303


def test_a_device_that_signed_in_before_is_let_in_from_a_guessers_address(throttled, owner):
    owner_browser = throttled.test_client()
    guesser = throttled.test_client()
    shared = "198.51.100.20"  # an office or mobile network both sit behind
    assert attempt(owner_browser, "owner@acme.test", RIGHT, shared).status_code == 303
    owner_browser.post("/logout", environ_base={"REMOTE_ADDR": shared})

    answers = [attempt(guesser, "owner@acme.test", WRONG, shared).status_code for _ in range(7)]

    assert answers[:5] == [422] * 5 and answers[5] == 429
    assert attempt(owner_browser, "owner@acme.test", RIGHT, shared).status_code == 303


def test_a_forged_device_cookie_counts_as_no_device(throttled, owner):
    guesser = throttled.test_client()
    guesser.set_cookie("porchlight_device", "forged.value", path="/login")
    for _ in range(5):
        attempt(guesser, "owner@acme.test", WRONG, "198.51.100.30")

    assert attempt(guesser, "owner@acme.test", RIGHT, "198.51.100.30").status_code == 429


def test_an_unknown_email_is_throttled_exactly_like_a_real_one(throttled, owner):
    client = throttled.test_client()

    def statuses(email: str, address: str) -> list[int]:
        return [attempt(client, email, WRONG, address).status_code for _ in range(7)]

    unknown = statuses("nobody@acme.test", "198.51.100.40")
    known = statuses("owner@acme.test", "198.51.100.41")

    assert unknown == known == [422] * 5 + [429] * 2
