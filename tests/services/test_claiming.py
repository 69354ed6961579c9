"""Claiming leases due shipments: concurrent claimers never share one, expired leases return."""

from datetime import timedelta

from sqlalchemy import select

from portal.database import utcnow
from portal.models import Shipment
from portal.services.polling import LEASE, claim_due_shipments
from tests.services.concurrency import race


def seed_shipments(db, make_merchant, make_order, count: int) -> None:
    merchant = make_merchant("acme")
    for index in range(count):
        make_order(merchant, order_number=str(index), shipments=[("ups", f"1ZTEST{index:012d}")])


def test_concurrent_claimers_get_disjoint_shipments(app, db, make_merchant, make_order):
    seed_shipments(db, make_merchant, make_order, 60)

    def claimer() -> list[list[int]]:
        batches = []
        for _ in range(5):
            batches.append(sum(claim_due_shipments(limit=5).values(), []))
            db.session.commit()
        return batches

    claimed = [batch for batches in race(app, 4, claimer) for batch in batches]
    every_id = [shipment_id for batch in claimed for shipment_id in batch]
    assert len(every_id) == len(set(every_id)) == 60  # none twice, none skipped


def test_expired_lease_makes_a_shipment_due_again(db, make_merchant, make_order):
    seed_shipments(db, make_merchant, make_order, 3)
    first = claim_due_shipments(limit=10)["ups"]
    db.session.commit()
    assert len(first) == 3
    assert claim_due_shipments(limit=10) == {}
    db.session.commit()
    later = utcnow() + LEASE + timedelta(seconds=1)
    assert sorted(claim_due_shipments(limit=10, now=later)["ups"]) == sorted(first)
    db.session.commit()


def test_final_and_future_shipments_are_not_claimed(db, make_merchant, make_order):
    seed_shipments(db, make_merchant, make_order, 3)
    a, b, c = db.session.scalars(select(Shipment).order_by(Shipment.id)).all()
    a.status = "expired"
    b.next_poll_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert claim_due_shipments(limit=10) == {"ups": [c.id]}
    db.session.commit()
