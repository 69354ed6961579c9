"""Claims plan no more carrier calls than the quotas pay for, counting calls not yet made."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from portal.services.polling import claim_due_shipments

TWENTY_TO_FOUR = datetime(2026, 11, 24, 15, 40, tzinfo=UTC)  # the urgent reserve of 3 is 0


@pytest.fixture
def app(make_app):
    return make_app(CARRIER_USPS_HOURLY_QUOTA="3")


def seed(db, make_merchant, make_order, usps: int, ups: int) -> dict[str, list[int]]:
    """Due shipments promised for today, USPS ones first in the queue; ids by carrier."""
    acme = make_merchant("acme")
    ids: dict[str, list[int]] = {"usps": [], "ups": []}
    numbers = [("usps", f"94001118992231{n:08d}") for n in range(usps)]
    numbers += [("ups", f"1ZTEST{n:012d}") for n in range(ups)]
    for index, (carrier, number) in enumerate(numbers):
        order = make_order(acme, order_number=str(index), shipments=[(carrier, number)])
        shipment = order.shipments[0]
        shipment.status, shipment.promised_date = "in_transit", date(2026, 11, 24)
        shipment.next_poll_at = TWENTY_TO_FOUR - timedelta(minutes=30 - index)
        ids[carrier].append(shipment.id)
    db.session.commit()
    return ids


def claim(db, limit: int) -> dict[str, list[int]]:
    claimed = claim_due_shipments(limit)
    db.session.commit()
    return {carrier: sorted(ids) for carrier, ids in claimed.items()}


def test_batches_claimed_before_any_poll_never_plan_past_the_hour(db, make_merchant, make_order):
    """The worker's tick queues batch after batch before a poll spends anything: the calls
    leased but not yet made count against the window, and the carrier whose window they
    fill stops crowding the next batch."""
    with time_machine.travel(TWENTY_TO_FOUR, tick=False):
        ids = seed(db, make_merchant, make_order, usps=6, ups=2)

        assert claim(db, limit=3) == {"usps": ids["usps"][:3]}
        assert claim(db, limit=3) == {"ups": ids["ups"]}
        assert claim(db, limit=3) == {}
