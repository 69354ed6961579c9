"""FedEx batching over real HTTP: 30 numbers per request, answers matched back in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
import time_machine

from carriers import ErrorKind, TrackingStatus
from carriers.emulator import make_tracking_number
from tests.carriers.helpers import request_counts

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
TRACK = "/track/v1/trackingnumbers"


def test_65_numbers_take_three_requests_and_keep_their_order(make_carrier, emulator):
    fedex = make_carrier("fedex")
    numbers = [
        make_tracking_number("fedex", "never_found" if seq % 10 == 9 else "normal", START, seq)
        for seq in range(65)
    ]
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        results = fedex.track(numbers)

    assert [r.tracking_number for r in results] == numbers
    assert request_counts(emulator) == {"/oauth/token": 1, TRACK: 3}
    for seq, result in enumerate(results):
        if seq % 10 == 9:
            assert result.error.kind is ErrorKind.NOT_FOUND
        else:
            assert result.status is TrackingStatus.IN_TRANSIT


def test_a_fault_number_spoils_only_its_own_batch(make_carrier):
    fedex = make_carrier("fedex")
    numbers = [make_tracking_number("fedex", "normal", START, seq) for seq in range(30)]
    numbers.append(make_tracking_number("fedex", "fault_malformed", START, 30))
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        results = fedex.track(numbers)

    assert all(r.ok for r in results[:30])
    assert results[30].error.kind is ErrorKind.PARSE


def test_more_than_thirty_in_one_request_is_refused_like_fedex(make_carrier, emulator):
    fedex = make_carrier("fedex")
    token = fedex.tokens.get()
    body = {"trackingInfo": [{"trackingNumberInfo": {"trackingNumber": "1"}}] * 31}
    answer = requests.post(
        f"{emulator.url}{TRACK}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"]
