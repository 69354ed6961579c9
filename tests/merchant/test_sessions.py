"""Sign-in hardening: sessions end on logout, timeouts, password changes and reset links."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from portal.database import utcnow
from portal.services import account_mail
from tests.merchant.conftest import PASSWORD
from tests.web.helpers import recorded_statements


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_replayed_after_logout_is_refused(owner_client):
    stolen = _session_cookie(owner_client)
    owner_client.post("/logout")

    owner_client.set_cookie("session", stolen)
    response = owner_client.get("/merchant/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_issues_a_fresh_session(client, owner, sign_in):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"

    sign_in("owner@acme.test")

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["auth_at"] and session["seen_at"]


def test_idle_session_ends_with_a_message(owner_client):
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        response = owner_client.get("/merchant/")
        # (read while still travelling: itsdangerous refuses cookies signed in the future)
        page = owner_client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/merchant/")
    assert "signed out after a period of inactivity" in page


def test_activity_keeps_the_session_alive_until_the_absolute_limit(owner_client):
    start = utcnow()
    for minutes in range(20, 8 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert owner_client.get("/merchant/api-keys").status_code == 200

    with time_machine.travel(start + timedelta(hours=8, minutes=5)):
        response = owner_client.get("/merchant/api-keys")
        page = owner_client.get("/login").get_data(as_text=True)

    assert response.status_code == 302
    assert "Your session has ended" in page


def test_password_change_ends_every_other_session(app, owner_client):
    other = app.test_client()
    other.post("/login", data={"email": "owner@acme.test", "password": PASSWORD})
    assert other.get("/merchant/").status_code == 200

    response = owner_client.post(
        "/password/change",
        data={
            "current": PASSWORD,
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )

    assert response.status_code == 303
    assert owner_client.get("/merchant/").status_code == 200
    assert other.get("/merchant/").status_code == 302
    old_password = other.post("/login", data={"email": "owner@acme.test", "password": PASSWORD})
    assert old_password.status_code == 422


def test_password_change_needs_the_current_password(owner_client):
    response = owner_client.post(
        "/password/change",
        data={
            "current": "wrong",
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )

    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)


def _reset_link(app) -> str:
    """Run the queued mail jobs, as a worker would, and read the link in the newest email."""
    huey = app.extensions["huey"]
    while task := huey.dequeue():
        huey.execute(task)
    message = account_mail.OUTBOX[-1]
    return re.search(r"http://\S+", message.text).group(0).replace("http://porchlight.test", "")


def test_forgot_password_link_works_once(app, client, owner, sign_in):
    unknown = client.post("/password/forgot", data={"email": "nobody@acme.test"})
    known = client.post("/password/forgot", data={"email": "owner@acme.test"})

    assert unknown.status_code == known.status_code == 200
    assert "If an account exists for that email" in unknown.get_data(as_text=True)
    assert "If an account exists for that email" in known.get_data(as_text=True)
    link = _reset_link(app)
    assert len(account_mail.OUTBOX) == 1 and account_mail.OUTBOX[0].to == "owner@acme.test"
    assert client.get(link).status_code == 200
    new = {"password": "another good secret", "confirm": "another good secret"}
    assert client.post(link, data=new).status_code == 303
    assert sign_in("owner@acme.test", "another good secret").status_code == 303

    assert client.post(link, data=new).status_code == 410


def test_forgot_password_link_expires_after_an_hour(app, client, owner):
    client.post("/password/forgot", data={"email": "owner@acme.test"})
    link = _reset_link(app)

    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        response = client.get(link)

    assert response.status_code == 410
    assert "expired or has already been used" in response.get_data(as_text=True)


def test_forgot_password_does_the_same_work_for_a_known_and_an_unknown_email(app, client, owner):
    """The email goes out from the queue, not the request: a known address costs the
    request no SMTP round trip that an unknown one doesn't."""
    with recorded_statements(app) as unknown_sql:
        unknown = client.post("/password/forgot", data={"email": "nobody@acme.test"})
    with recorded_statements(app) as known_sql:
        known = client.post("/password/forgot", data={"email": "owner@acme.test"})

    nonce = re.compile(r'nonce="[^"]+"')
    assert nonce.sub("", unknown.get_data(as_text=True)) == nonce.sub(
        "", known.get_data(as_text=True)
    )
    assert unknown_sql == known_sql
    assert list(account_mail.OUTBOX) == []  # nothing sent while the visitor waited
    assert app.extensions["huey"].pending_count() == 2
    assert client.get(_reset_link(app)).status_code == 200
    assert [message.to for message in account_mail.OUTBOX] == ["owner@acme.test"]


def test_next_only_goes_to_local_paths(client, owner, sign_in):
    assert sign_in("owner@acme.test", next_path="//evil.test/x").headers["Location"] == "/merchant/"


def test_login_is_rate_limited(make_app, owner):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    answers = [
        client.post("/login", data={"email": "owner@acme.test", "password": "nope"}).status_code
        for _ in range(11)
    ]

    assert answers[:5] == [422] * 5
    assert set(answers[5:]) == {429}  # this address has failed on this account too often


def test_production_cookies_are_secure_httponly_and_samesite():
    from portal.config import load_settings

    settings = load_settings(
        {
            "PORCHLIGHT_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "smtp.example.com",
            "MAIL_FROM": "a@example.com",
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "t",
            "TWILIO_FROM": "+15550000000",
            "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        }
    )

    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_forms_need_a_csrf_token(make_app, owner):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()

    response = client.post("/login", data={"email": "owner@acme.test", "password": PASSWORD})

    assert response.status_code == 400
