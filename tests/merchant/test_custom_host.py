"""Custom tracking hosts: served, and used in links, only after a DNS TXT record proves them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditLog, Merchant, Order
from portal.services.custom_hosts import (
    HostNotVerified,
    claim_custom_host,
    verify_custom_host,
)
from portal.services.links import tracking_url
from tests.merchant import dns_server
from tests.merchant.test_branding import save

RECORD = "_porchlight.track.acme.test"
app, zone = dns_server.app, dns_server.zone  # the app asks a DNS server the test fills


def verify(client, htmx: bool = True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/merchant/branding/host/verify", headers=headers)


def token_of(db, merchant) -> str:
    return db.session.scalar(select(Merchant.custom_host_token).where(Merchant.id == merchant.id))


def on_host(client, order, host: str = "track.acme.test"):
    return client.get(f"/orders/{order.active_link.token}", headers={"Host": host})


def test_an_unverified_host_is_neither_served_nor_used_in_links(owner_client, acme, make_order, db):
    order = make_order(acme)

    assert save(owner_client, custom_host="Track.Acme.test").status_code == 303

    assert on_host(owner_client, order).status_code == 404
    assert tracking_url(db.session.get(Order, order.id)).startswith("http://porchlight.test/")
    page = owner_client.get("/merchant/branding").get_data(as_text=True)
    assert "Not verified" in page and RECORD in page
    assert f"porchlight-verification={token_of(db, acme)}" in page


def test_the_txt_record_with_the_token_verifies_the_host(owner_client, acme, make_order, db, zone):
    order = make_order(acme)
    save(owner_client, custom_host="track.acme.test")
    zone.records[RECORD] = ["v=spf1 -all", f"porchlight-verification={token_of(db, acme)}"]

    answer = verify(owner_client)

    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="tracking-host"' in html
    assert "track.acme.test is verified. Tracking links now use it." in html
    assert RECORD in zone.queries
    served = on_host(owner_client, order)
    assert served.status_code == 200 and "Acme" in served.get_data(as_text=True)
    assert on_host(owner_client, order, "other.test").status_code == 404
    assert tracking_url(db.session.get(Order, order.id)).startswith("https://track.acme.test/")
    assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc()).limit(1)) == (
        "custom_host.verified"
    )


@pytest.mark.parametrize(
    ("records", "explanation"),
    [
        (None, f"{RECORD} has no TXT record yet."),
        (["porchlight-verification=someone-elses"], "has TXT records, but none with your token"),
    ],
)
def test_a_missing_or_wrong_record_is_explained_and_changes_nothing(
    owner_client, acme, make_order, db, zone, records, explanation
):
    order = make_order(acme)
    save(owner_client, custom_host="track.acme.test")
    if records:
        zone.records[RECORD] = records

    htmx = verify(owner_client).get_data(as_text=True)
    plain = verify(owner_client, htmx=False)

    assert explanation in htmx and 'role="alert"' in htmx
    assert plain.status_code == 303
    assert explanation in owner_client.get("/merchant/branding").get_data(as_text=True)
    assert db.session.get(Merchant, acme.id).custom_host_verified_at is None
    assert on_host(owner_client, order).status_code == 404


def test_dns_that_does_not_answer_is_said_so(owner_client, acme, zone):
    save(owner_client, custom_host="track.acme.test")
    zone.stop()  # the nameserver stops answering

    html = verify(owner_client).get_data(as_text=True)

    assert f"We couldn&#39;t ask DNS about {RECORD} just now." in html


def test_a_shop_that_names_a_host_first_cannot_keep_its_owner_out(
    owner_client, acme, make_merchant, make_order, db, zone
):
    squatter = make_merchant("globex", "Globex")
    claim_custom_host(squatter, "track.acme.test")
    db.session.commit()
    theirs = make_order(squatter, order_number="#9")
    ours = make_order(acme, shipments=[("ups", "1Z999AA10123456785")])

    assert save(owner_client, custom_host="track.acme.test").status_code == 303
    zone.records[RECORD] = [f"porchlight-verification={token_of(db, acme)}"]
    assert "is verified" in verify(owner_client).get_data(as_text=True)

    with pytest.raises(HostNotVerified, match="Another shop has already verified"):
        verify_custom_host(db.session.get(Merchant, squatter.id), acme.created_at)
    assert on_host(owner_client, ours).status_code == 200
    assert on_host(owner_client, theirs).status_code == 404
    again = save(owner_client, custom_host="track.acme.test")
    assert again.status_code == 303  # saving its own verified host again is fine


def test_a_host_verified_by_another_shop_is_refused_when_saved(owner_client, make_merchant, db):
    other = make_merchant("other", "Other")
    claim_custom_host(other, "track.shared.test")
    other.custom_host_verified_at = other.created_at
    db.session.commit()

    response = save(owner_client, custom_host="track.shared.test")

    assert response.status_code == 422
    assert "Another shop has already verified that host." in response.get_data(as_text=True)


def test_a_new_host_must_be_verified_anew(owner_client, acme, make_order, db, zone):
    order = make_order(acme)
    save(owner_client, custom_host="track.acme.test")
    first_token = token_of(db, acme)
    zone.records[RECORD] = [f"porchlight-verification={first_token}"]
    verify(owner_client)

    save(owner_client, custom_host="parcels.acme.test")

    merchant = db.session.get(Merchant, acme.id)
    assert merchant.custom_host_verified_at is None
    assert merchant.custom_host_token not in (None, first_token)
    assert on_host(owner_client, order).status_code == 404
    assert on_host(owner_client, order, "parcels.acme.test").status_code == 404


def test_verify_needs_a_csrf_token_and_acts_on_the_signed_in_shop_only(
    make_app, acme, owner, make_merchant, db, zone
):
    other = make_merchant("globex", "Globex")
    claim_custom_host(other, "track.globex.test")
    claim_custom_host(acme, "track.acme.test")
    db.session.commit()
    zone.records["_porchlight.track.globex.test"] = [
        f"porchlight-verification={token_of(db, other)}"
    ]
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_page = client.get("/login").get_data(as_text=True)
    csrf = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"email": "owner@acme.test", "password": "correct horse battery", "csrf_token": csrf},
    )

    branding = client.get("/merchant/branding").get_data(as_text=True)
    csrf = branding.split('name="csrf_token" value="')[1].split('"')[0]  # a new session's

    forged = client.post("/merchant/branding/host/verify")
    with_token = client.post("/merchant/branding/host/verify", data={"csrf_token": csrf})

    assert forged.status_code == 400
    assert with_token.status_code == 303
    assert db.session.get(Merchant, other.id).custom_host_verified_at is None
    assert db.session.get(Merchant, acme.id).custom_host_verified_at is None
