"""Agent console fixtures: two shops with look-alike orders, and signing in as their people."""

from __future__ import annotations

import pytest


@pytest.fixture
def globex(make_merchant):
    return make_merchant("globex", "Globex Supply")


@pytest.fixture
def sign_in(client):
    """Sign in through the form as a new user of `merchant` with `role`; returns the user."""

    def post(user):
        response = client.post(
            "/login", data={"email": user.email, "password": "correct horse battery"}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return user

    return post


@pytest.fixture
def signed_in_agent(agent, sign_in):
    return sign_in(agent)
