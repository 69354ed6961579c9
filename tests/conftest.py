"""Shared fixtures: the app on SQLite and PostgreSQL, a clean database per test, factories."""

from __future__ import annotations

import contextvars
import ipaddress
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db as _db
from tests.shifted_clock.sitecustomize import shift_clock, shift_days

CI = os.environ.get("CI") == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_QUEUE_URL = os.environ.get("TEST_QUEUE_URL")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

# PORCHLIGHT_TEST_CLOCK_SHIFT_DAYS=365 runs the whole session a year ahead (make test-year-ahead).
shift_clock()


def pytest_report_header(config):
    if not shift_days():
        return None
    return f"clock shifted {shift_days():+g} days: now is {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


# --- services: PostgreSQL and Redis must answer under CI, and skip only on a laptop ----------


def _postgres_problem() -> str | None:
    if not TEST_DATABASE_URL:
        return "TEST_DATABASE_URL is not set"
    try:
        engine = sa.create_engine(TEST_DATABASE_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        return f"PostgreSQL at TEST_DATABASE_URL is unreachable: {error.__class__.__name__}"
    return None


def _redis_problem() -> str | None:
    if not TEST_QUEUE_URL:
        return "TEST_QUEUE_URL is not set"
    import redis

    try:
        redis.Redis.from_url(TEST_QUEUE_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        return f"Redis at TEST_QUEUE_URL is unreachable: {error.__class__.__name__}"
    return None


def pytest_sessionstart(session):
    if CI:
        problems = [p for p in (_postgres_problem(), _redis_problem()) if p]
        if problems:
            pytest.exit("CI needs PostgreSQL and Redis: " + "; ".join(problems), returncode=1)


def require_service(problem: str | None, configured: bool) -> None:
    """Skip with one line on a laptop without the service; fail when it is set but broken."""
    if problem is None:
        return
    if CI or configured:
        pytest.fail(problem)
    pytest.skip(problem)


# --- network guard -------------------------------------------------------------------------

_real_connect = socket.socket.connect


def _loopback_only(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise AssertionError(f"test tried to reach a non-loopback host: {host}")
    return _real_connect(sock, address)


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Ids repeat across each test's fresh database: no in-process cache may outlive a test."""
    from portal.services.estimates import clear_estimate_cache

    clear_estimate_cache()
    yield
    clear_estimate_cache()


# --- database ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A schema of this xdist worker's own, with every table created once."""
    require_service(_postgres_problem(), bool(TEST_DATABASE_URL))
    # Unique per run: two pytest runs on one machine (each with workers gw0, gw1…) must
    # never share a schema. The xdist controller's pid is common to one run's workers.
    run = os.getppid() if WORKER.startswith("gw") else os.getpid()
    schema = f"test_{run}_{WORKER}".replace("-", "_").lower()
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    url = f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    engine = sa.create_engine(url)
    _db.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(db_backend, tmp_path, request) -> str:
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'porchlight.db'}"
    url = request.getfixturevalue("postgres_schema_url")
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in _db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, `g` and DB session.

    Flask reuses an app context that a test has pushed, which would share Flask-Login's
    user, the CSP nonce and uncommitted rows between the test and its requests. The test's
    own work is committed first, as a real client's request would only see committed rows.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on this test's database; keyword overrides win (strings as env vars)."""
    created = []

    def build(**overrides):
        config = {
            "DATABASE_URL": database_url,
            "QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "PUBLIC_BASE_URL": "http://porchlight.test",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PAGE_VIEW_FLUSH_SECONDS": 0,
        }
        config.update(overrides)
        application = create_app(config)
        application.test_client_class = IsolatedClient
        with application.app_context():
            if database_url.startswith("sqlite"):
                _db.create_all()
        created.append(application)
        return application

    yield build
    for application in created:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """`app` served by a real threaded server on a free loopback port: concurrent requests
    run at once, each on its own thread and database connection."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def db(app):
    """The database with the app context pushed for the whole test."""
    with app.app_context():
        yield _db
        _db.session.remove()


# --- queue ---------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
        return
    require_service(_redis_problem(), bool(TEST_QUEUE_URL))
    yield TEST_QUEUE_URL


@pytest.fixture
def queue_name() -> str:
    """A Huey name of this test's own, so Redis keys never collide between workers."""
    return f"porchlight-test-{WORKER}-{uuid.uuid4().hex[:8]}"


# --- factories -----------------------------------------------------------------------------


@pytest.fixture
def make_merchant(db):
    from portal.services.merchants import create_merchant

    def build(slug: str = "acme", name: str | None = None, **fields):
        merchant = create_merchant(slug, name or slug.title())
        for key, value in fields.items():
            setattr(merchant, key, value)
        db.session.commit()
        return merchant

    return build


@pytest.fixture
def make_user(db):
    from portal.services.merchants import create_user

    def build(
        merchant,
        role: str = "owner",
        email: str | None = None,
        password: str = "correct horse battery",
    ):
        user = create_user(
            merchant, email or f"{role}-{uuid.uuid4().hex[:6]}@example.com", role, password
        )
        db.session.commit()
        return user

    return build


@pytest.fixture
def make_api_key(db):
    from portal.services.api_keys import create_api_key

    def build(merchant, name: str = "test key") -> str:
        _, raw_key = create_api_key(merchant, name)
        db.session.commit()
        return raw_key

    return build


@pytest.fixture
def make_order(db):
    from portal.services import orders

    def build(
        merchant,
        order_number: str = "#1001",
        shipments=(("ups", "1Z999AA10123456784"),),
        items=None,
        **fields,
    ):
        defaults = {
            "customer_name": "Maya Patel",
            "customer_email": "maya@example.com",
            "ship_city": "Rochester",
            "ship_region": "NY",
            "ship_postal_code": "14604",
            "ship_country": "US",
        }
        defaults.update(fields)
        item_data = [
            orders.ItemData(**item)
            for item in (items or [{"name": "Trail Tent 2P", "sku": "TENT-2P"}])
        ]
        order = orders.create_order(
            merchant,
            orders.OrderData(
                order_number=order_number,
                items=item_data,
                shipments=[orders.ShipmentData(number, carrier) for carrier, number in shipments],
                **defaults,
            ),
        )
        db.session.commit()
        return order

    return build


@pytest.fixture
def acme(make_merchant):
    """The shop most tests use; a test file needing other settings defines its own."""
    return make_merchant("acme", "Acme Outdoor")


@pytest.fixture
def owner(acme, make_user):
    return make_user(acme, role="owner", email="owner@acme.test")


@pytest.fixture
def agent(acme, make_user):
    return make_user(acme, role="agent", email="agent@acme.test")


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


# --- carriers ------------------------------------------------------------------------------


@pytest.fixture
def emulator():
    """The carrier emulator on a free loopback port, at 60x real time."""
    from carriers.emulator import start_background

    running = start_background(port=0, speed=60.0)
    yield running
    running.stop()


@pytest.fixture
def carrier_app(make_app, emulator):
    """An app whose carriers all point at the emulator with its demo credentials."""
    settings = {}
    for code in ("UPS", "FEDEX", "USPS", "DHL", "EASYPOST"):
        settings[f"CARRIER_{code}_BASE_URL"] = emulator.url
        settings[f"CARRIER_{code}_CLIENT_ID"] = "demo"
        settings[f"CARRIER_{code}_CLIENT_SECRET"] = "demo"
        settings[f"CARRIER_{code}_API_KEY"] = "demo"
    return make_app(**settings)
