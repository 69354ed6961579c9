"""Web test fixtures: signing in through the form."""

from __future__ import annotations

import pytest


@pytest.fixture
def sign_in(client):
    """Sign in through the form; returns the response."""

    def post(email: str, password: str = "correct horse battery", next_path: str | None = None):
        url = "/login" if next_path is None else f"/login?next={next_path}"
        return client.post(url, data={"email": email, "password": password})

    return post
