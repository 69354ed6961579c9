"""Merchant console fixtures: a shop with an owner signed in through the form."""

from __future__ import annotations

import pytest

from portal.services import account_mail

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _empty_account_outbox():
    account_mail.OUTBOX.clear()
    yield
    account_mail.OUTBOX.clear()


@pytest.fixture
def sign_in(client):
    def post(email: str, password: str = PASSWORD, next_path: str | None = None):
        url = "/login" if next_path is None else f"/login?next={next_path}"
        return client.post(url, data={"email": email, "password": password})

    return post


@pytest.fixture
def owner_client(client, owner, sign_in):
    response = sign_in("owner@acme.test")
    assert response.status_code == 303
    return client
