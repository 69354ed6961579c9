"""Team invitations and roles, API keys, and tenant isolation of every id in a URL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import IntegrityError

from portal.models import ApiKey, Invitation, Product, User
from portal.services import account_mail
from tests.merchant.conftest import PASSWORD


def _invite_link() -> str:
    return re.search(r"http://\S+", account_mail.OUTBOX[-1].text).group(0).split("localhost")[1]


def test_invite_accept_sign_in_as_agent_and_merchant_pages_are_403(owner_client, app, db):
    response = owner_client.post(
        "/merchant/team/invitations", data={"email": "Sam@Acme.test", "role": "agent"}
    )
    assert response.status_code == 303
    assert account_mail.OUTBOX[-1].to == "sam@acme.test"
    link = _invite_link()

    newcomer = app.test_client()
    assert "Join Acme Outdoor" in newcomer.get(link).get_data(as_text=True)
    accepted = newcomer.post(
        link, data={"name": "Sam Lee", "password": "sams own secret", "confirm": "sams own secret"}
    )
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/agent/"
    newcomer.post("/logout")

    signed_in = newcomer.post(
        "/login", data={"email": "sam@acme.test", "password": "sams own secret"}
    )
    assert signed_in.headers["Location"] == "/agent/"
    assert newcomer.get("/merchant/branding").status_code == 403
    assert db.session.query(User).filter_by(email="sam@acme.test").one().role == "agent"
    assert app.test_client().get(link).status_code == 410  # used once


def test_withdrawn_invitation_link_stops_working(owner_client, app, db):
    owner_client.post("/merchant/team/invitations", data={"email": "x@acme.test", "role": "admin"})
    link = _invite_link()
    invitation = db.session.query(Invitation).one()

    owner_client.post(f"/merchant/team/invitations/{invitation.id}/revoke")

    assert app.test_client().get(link).status_code == 410


def test_inviting_the_same_email_again_replaces_the_pending_invitation(owner_client, app, db):
    invite = {"email": "sam@acme.test", "role": "agent"}
    owner_client.post("/merchant/team/invitations", data=invite)
    first_link = _invite_link()

    again = owner_client.post(
        "/merchant/team/invitations", data={"email": "Sam@Acme.test", "role": "admin"}
    )

    assert again.status_code == 303
    second_link = _invite_link()
    page = owner_client.get("/merchant/team").get_data(as_text=True)
    assert "Invitation to sam@acme.test renewed: the earlier link no longer works." in page
    assert page.count("sam@acme.test · ") == 1
    assert [(i.email, i.role) for i in db.session.query(Invitation).filter_by(revoked_at=None)] == [
        ("sam@acme.test", "admin")
    ]
    assert app.test_client().get(first_link).status_code == 410
    assert "Join Acme Outdoor" in app.test_client().get(second_link).get_data(as_text=True)


def test_the_database_keeps_one_open_invitation_per_shop_and_email(
    db, acme, owner, make_merchant, make_user
):
    from portal.services.team import invite_member

    globex = make_merchant("globex", "Globex")
    invite_member(acme, owner, "sam@acme.test", "agent")
    invite_member(globex, make_user(globex), "sam@acme.test", "agent")  # another shop may
    db.session.commit()
    db.session.add(Invitation(merchant=acme, email="sam@acme.test", role="admin"))

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_inviting_an_existing_user_says_so(owner_client):
    response = owner_client.post(
        "/merchant/team/invitations", data={"email": "owner@acme.test", "role": "agent"}
    )

    assert response.status_code == 422
    assert "already has a Porchlight account" in response.get_data(as_text=True)


def test_the_last_owner_can_be_neither_demoted_nor_removed(
    owner_client, owner, acme, make_user, db
):
    admin = make_user(acme, role="admin", email="admin@acme.test")

    demoted = owner_client.post(f"/merchant/team/{owner.id}/role", data={"role": "admin"})
    assert demoted.status_code == 422
    assert "at least one owner" in demoted.get_data(as_text=True)

    promoted = owner_client.post(f"/merchant/team/{admin.id}/role", data={"role": "owner"})
    assert promoted.status_code == 303
    assert (
        owner_client.post(f"/merchant/team/{owner.id}/role", data={"role": "admin"}).status_code
        == 303
    )
    assert db.session.get(User, owner.id).role == "admin"


def test_an_admin_cannot_remove_an_owner(client, acme, owner, make_user, sign_in):
    make_user(acme, role="admin", email="admin@acme.test")
    sign_in("admin@acme.test")

    response = client.post(f"/merchant/team/{owner.id}/remove")

    assert response.status_code == 422
    assert "Only an owner can remove an owner." in response.get_data(as_text=True)


def test_removed_member_is_signed_out(owner_client, app, acme, make_user, db):
    agent = make_user(acme, role="agent", email="agent@acme.test")
    agent_client = app.test_client()
    agent_client.post("/login", data={"email": "agent@acme.test", "password": PASSWORD})

    assert owner_client.post(f"/merchant/team/{agent.id}/remove").status_code == 303

    assert agent_client.get("/agent/").status_code == 302
    assert db.session.query(User).filter_by(email="agent@acme.test").count() == 0


def test_api_key_is_shown_once_and_revoking_takes_effect_at_once(owner_client, app, db):
    created = owner_client.post("/merchant/api-keys", data={"name": "Shopify sync"})
    assert created.status_code == 201
    raw_key = re.search(r"pl_live_[A-Za-z0-9_-]{20,}", created.get_data(as_text=True)).group(0)
    assert created.headers["Cache-Control"] == "no-store"
    listing = owner_client.get("/merchant/api-keys").get_data(as_text=True)
    assert raw_key not in listing and raw_key[:14] in listing

    api = app.test_client()
    headers = {"Authorization": f"Bearer {raw_key}"}
    assert api.get("/api/v1/orders/none", headers=headers).status_code == 404
    key = db.session.query(ApiKey).one()

    owner_client.post(f"/merchant/api-keys/{key.id}/revoke")

    assert api.get("/api/v1/orders/none", headers=headers).status_code == 401


def test_another_merchants_ids_answer_404(owner_client, make_merchant, make_user, make_api_key, db):
    other = make_merchant("other", "Other Shop")
    stranger = make_user(other, role="agent", email="agent@other.test")
    make_api_key(other)
    key = db.session.query(ApiKey).one()
    product = Product(merchant_id=other.id, sku="X1", name="Theirs", url="https://other.test/x")
    db.session.add(product)
    db.session.commit()

    assert owner_client.post(f"/merchant/api-keys/{key.id}/revoke").status_code == 404
    assert owner_client.post(f"/merchant/team/{stranger.id}/remove").status_code == 404
    assert (
        owner_client.post(f"/merchant/team/{stranger.id}/role", data={"role": "admin"}).status_code
        == 404
    )
    assert owner_client.get(f"/merchant/products/{product.id}").status_code == 404
    assert owner_client.post(f"/merchant/products/{product.id}/toggle").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).revoked_at is None
    assert db.session.get(User, stranger.id) is not None
