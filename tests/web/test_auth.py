"""Signing in and out of the consoles."""

from __future__ import annotations

import pytest

LOGIN_FAILED = "Email or password is incorrect."


def test_login_page_has_labelled_fields(client):
    html = client.get("/login").get_data(as_text=True)

    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html


def test_owner_signs_in_and_lands_on_the_merchant_console(client, sign_in, owner):
    response = sign_in("owner@acme.test")

    assert response.status_code == 303
    assert response.headers["Location"] == "/merchant/"
    page = client.get("/merchant/").get_data(as_text=True)
    assert "Signed in as owner for Acme Outdoor" in page


def test_agent_signs_in_and_lands_on_the_agent_console(client, sign_in, agent):
    response = sign_in("AGENT@acme.test ")

    assert response.headers["Location"] == "/agent/"
    assert "Signed in as agent for Acme Outdoor" in client.get("/agent/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_answer(sign_in, owner):
    wrong_password = sign_in("owner@acme.test", "not the password")
    unknown_email = sign_in("nobody@acme.test", "correct horse battery")

    assert wrong_password.status_code == unknown_email.status_code == 422
    assert LOGIN_FAILED in wrong_password.get_data(as_text=True)
    assert LOGIN_FAILED in unknown_email.get_data(as_text=True)


def test_empty_form_says_what_is_missing(client):
    response = client.post("/login", data={})

    assert response.status_code == 422
    assert "Enter your email address." in response.get_data(as_text=True)


def test_consoles_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/agent/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_agent_gets_403_on_the_merchant_console(client, sign_in, agent):
    sign_in("agent@acme.test")

    assert client.get("/merchant/").status_code == 403


def test_owner_may_use_the_agent_console(client, sign_in, owner):
    sign_in("owner@acme.test")

    assert client.get("/agent/").status_code == 200


def test_next_goes_to_a_local_path(sign_in, agent):
    response = sign_in("agent@acme.test", next_path="/agent/?q=1042")

    assert response.headers["Location"] == "/agent/?q=1042"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.test/",
        "//evil.test/",
        "/\\evil.test",
        "evil.test",
        "javascript:alert(1)",
        "%2F%2Fevil.test",
    ],
)
def test_next_never_redirects_off_site(sign_in, agent, target):
    response = sign_in("agent@acme.test", next_path=target)

    assert response.headers["Location"] == "/agent/"


def test_signing_in_starts_a_fresh_session(client, sign_in, agent):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    sign_in("agent@acme.test")

    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_kills_the_old_session_cookie(client, sign_in, agent, app):
    sign_in("agent@acme.test")
    old_cookie = client.get_cookie("session").value

    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get("/agent/").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    replayed = replay.get("/agent/")
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/login")


def test_logout_is_post_only(client, sign_in, agent):
    sign_in("agent@acme.test")

    assert client.get("/logout").status_code == 405
    assert client.get("/agent/").status_code == 200


def test_console_pages_have_a_sign_out_button(client, sign_in, agent):
    sign_in("agent@acme.test")

    html = client.get("/agent/").get_data(as_text=True)

    assert 'action="/logout"' in html
    assert "Sign out" in html


def test_login_and_logout_forms_need_a_csrf_token(make_app, make_merchant, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()

    assert client.post("/login", data={"email": "a@b.test", "password": "x"}).status_code == 400
    assert 'name="csrf_token"' in client.get("/login").get_data(as_text=True)


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()

    # One address trying many accounts: the per-address limit, not the per-account one.
    statuses = [
        client.post("/login", data={"email": f"x{n}@y.test", "password": "nope"}).status_code
        for n in range(11)
    ]

    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
