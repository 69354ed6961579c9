"""On SQLite every write path starts as a writer: a commit between its reads and its writes
cannot fail it, and GETs stay readers that a writer never blocks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from portal.database import utcnow
from portal.extensions import db as _db
from portal.models import ApiKey, Merchant, Product, User
from portal.services.api_keys import create_api_key
from tests.notify.conftest import MailSink, SmtpServer, free_port, smtp_settings

PASSWORD = "correct horse battery"


@pytest.fixture
def db_backend() -> str:
    return "sqlite"  # PostgreSQL has no lock upgrade: a reader may always write later


def database_path(app) -> str:
    with app.app_context():
        return _db.engine.url.database


def commit_elsewhere(path: str) -> bool:
    """Commit a write on a connection of our own; False when someone holds the write lock."""
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        version = other.execute("PRAGMA user_version").fetchone()[0]
        other.execute(f"PRAGMA user_version = {version + 1}")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@contextmanager
def write_after_first_read(app) -> Iterator[list[bool]]:
    """Inside the block, another connection commits right after the first SELECT that `app`
    runs, as a concurrent request would. Yields [whether that commit got through]."""
    with app.app_context():
        engine = _db.engine
    path, landed = engine.url.database, []

    def after_select(_conn, _cursor, statement, *_args):
        if not landed and statement.lstrip().upper().startswith("SELECT"):
            landed.append(commit_elsewhere(path))

    event.listen(engine, "after_cursor_execute", after_select)
    try:
        yield landed
    finally:
        event.remove(engine, "after_cursor_execute", after_select)


def test_a_console_form_post_is_a_writer_from_its_first_read(app, db, client, owner):
    assert client.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code
    form = {"sku": "LAMP-H", "name": "Headlamp 400", "url": "https://acme.test/lamp"}
    with write_after_first_read(app) as landed:
        response = client.post("/merchant/products/new", data=form)
    assert response.status_code == 303
    assert landed == [False]  # the request held the write lock from its first query
    assert db.session.scalar(select(Product.sku)) == "LAMP-H"


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["create-api-key", "--merchant", "acme"], select(ApiKey.name)),
        (
            ["create-user", "--merchant", "acme", "--email", "new@acme.test", "--role", "agent"],
            select(User.email),
        ),
        (
            ["create-merchant", "--slug", "globex", "--name", "Globex"],
            select(Merchant.name).where(Merchant.slug == "globex"),
        ),
    ],
)
def test_cli_commands_write_in_one_writer_transaction(app, db, acme, args, written):
    with write_after_first_read(app) as landed:
        result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert landed == [False]
    assert db.session.scalar(written) in ("API key", "new@acme.test", "Globex")


def test_a_get_is_a_reader_that_a_held_write_lock_does_not_block(app, db, acme, make_order):
    make_order(acme, order_number="#1042")
    _, raw_key = create_api_key(acme)
    db.session.scalar(select(ApiKey)).last_used_at = utcnow()  # no touch due: a pure read
    db.session.commit()
    writer = sqlite3.connect(database_path(app), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        response = app.test_client().get(
            "/api/v1/orders/1042", headers={"Authorization": f"Bearer {raw_key}"}
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200
    assert response.json["order_number"] == "#1042"


@pytest.fixture
def smtp_app(make_app):
    server = SmtpServer(free_port(), MailSink())
    server.start()
    yield make_app(**smtp_settings(server)), server
    server.stop()


@pytest.mark.parametrize(
    ("path", "form", "sign_in"),
    [
        ("/merchant/team/invitations", {"email": "new@acme.test", "role": "agent"}, True),
        ("/merchant/notifications/templates/test", {"trigger": "shipped", "channel": "sms"}, True),
    ],
)
def test_a_post_that_sends_mail_lets_others_write_meanwhile(
    smtp_app, db, owner, path, form, sign_in
):
    app, server = smtp_app
    path_to_db, landed = database_path(app), []
    server.sink.on_message = lambda count: landed.append(commit_elsewhere(path_to_db))
    client = app.test_client()
    if sign_in:
        client.post("/login", data={"email": owner.email, "password": PASSWORD})
    response = client.post(path, data=form)
    assert response.status_code in (200, 303)
    assert len(server.messages) == 1
    assert landed == [True]  # while the mail went out, another writer could commit
