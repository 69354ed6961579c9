"""Email over SMTP with STARTTLS and login, as production sends it: the server's certificate
is checked, and the password only ever crosses an encrypted connection."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from portal.models import Notification
from portal.services.dispatch import send_due_notifications
from tests.notify.conftest import MailSink, free_port
from tests.notify.tls import self_signed

USERNAME, PASSWORD = "porchlight", "correct horse battery staple"


class TlsSink(MailSink):
    """Keeps, beside each message, who logged in and whether the session was encrypted."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[tuple[bytes | None, bool]] = []

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login if session.authenticated else None
        self.sessions.append((login, session.ssl is not None))
        return await super().handle_DATA(server, session, envelope)


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USERNAME.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=good, handled=False, auth_data=auth_data)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"), ip="127.0.0.1")


@pytest.fixture
def tls_server(certificate) -> Iterator[tuple[int, TlsSink]]:
    """An SMTP server that offers STARTTLS and takes a login only once encrypted."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    sink, port = TlsSink(), free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    yield port, sink
    controller.stop()


@pytest.fixture
def app_settings(tls_server):
    port, _sink = tls_server
    return {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "true",
        "SMTP_USERNAME": USERNAME,
        "SMTP_PASSWORD": PASSWORD,
        "MAIL_FROM": "orders@porchlight.test",
    }


def the_row(db) -> Notification:
    row = db.session.scalar(select(Notification))
    db.session.refresh(row)
    return row


def test_mail_goes_over_starttls_after_login(
    db, acme, make_order, queue, tls_server, certificate, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test authority
    _port, sink = tls_server
    order = make_order(acme, order_number="#1042")
    queue(order, "shipped", order.shipments[0])

    stats = send_due_notifications()

    assert stats.sent == 1
    assert sink.sessions == [(USERNAME.encode(), True)]
    assert sink.messages[0]["Subject"] == "Your order #1042 is on its way"
    assert the_row(db).status == "sent"


def test_an_untrusted_certificate_is_refused_before_the_password_is_sent(
    db, acme, make_order, queue, tls_server
):
    _port, sink = tls_server
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])

    stats = send_due_notifications()

    row = the_row(db)
    assert stats.sent == 0 and sink.messages == [] and sink.sessions == []
    assert row.status == "pending" and row.attempts == 1
    assert "CERTIFICATE_VERIFY_FAILED" in row.error


def test_a_wrong_password_is_retried_with_the_servers_answer(
    make_app, app_settings, acme, make_order, queue, tls_server, certificate, monkeypatch, db
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    _port, sink = tls_server
    app = make_app(**{**app_settings, "SMTP_PASSWORD": "wrong"})
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])

    with app.app_context():
        stats = send_due_notifications()

    row = the_row(db)
    assert stats.sent == 0 and sink.messages == []
    assert row.status == "pending" and "535" in row.error
