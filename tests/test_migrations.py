"""Alembic migrations build the models' exact schema on a fresh SQLite and PostgreSQL."""

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.conftest import TEST_DATABASE_URL, WORKER


@pytest.fixture
def fresh_database_url(db_backend, tmp_path, request):
    """An empty database: a new SQLite file, or a new PostgreSQL schema."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.getfixturevalue("postgres_schema_url")  # checks the server is there
    schema = f"mig_{os.getpid()}_{WORKER}".lower()
    admin = sa.create_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{TEST_DATABASE_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _for_another_dialect(difference, dialect: str) -> bool:
    """An index the model declares for one dialect only (ddl_if) is absent elsewhere."""
    kind, item = difference[0], difference[1]
    if kind != "add_index":
        return False
    indexes = (index for table in db.metadata.tables.values() for index in table.indexes)
    declared = next((index for index in indexes if index.name == item.name), None)
    condition = getattr(declared, "_ddl_if", None)
    return condition is not None and condition.dialect != dialect


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(make_app, fresh_database_url):
    from portal import create_app

    application = create_app(
        {
            "DATABASE_URL": fresh_database_url,
            "SECRET_KEY": "x" * 40,
            "INSTANCE_PATH": make_app().instance_path,
        }
    )
    with application.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            tables = set(sa.inspect(connection).get_table_names())
        assert [d for d in differences if not _for_another_dialect(d, db.engine.dialect.name)] == []
        assert {"merchants", "orders", "shipments", "tracking_events", "notifications"} <= tables
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            assert mode == "wal"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


def test_upgrading_a_database_with_orders_keeps_every_row(make_app, fresh_database_url):
    """SQLite rebuilds a table to alter a column; the rows that refer to it must survive."""
    from portal import create_app

    application = create_app(
        {
            "DATABASE_URL": fresh_database_url,
            "SECRET_KEY": "x" * 40,
            "INSTANCE_PATH": make_app().instance_path,
        }
    )
    tables = ("orders", "order_items", "shipments", "tracking_events", "tracking_links")
    with application.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO merchants (id, slug, name, created_at, logo_version, primary_color,"
                " accent_color, font, footer_links, faq, timezone, settings)"
                " VALUES (1, 'acme', 'Acme', '2026-11-01', 0, '#1f6feb', '#f59e0b', 'system',"
                " '[]', '[]', 'UTC', '{}')",
                "INSERT INTO orders (id, merchant_id, order_number, order_number_norm, placed_at,"
                " customer_locale, sms_opt_in, created_at)"
                " VALUES (1, 1, '#1', '1', '2026-11-01', 'en', false, '2026-11-01')",
                "INSERT INTO order_items (id, merchant_id, order_id, name, quantity)"
                " VALUES (1, 1, 1, 'Tent', 1)",
                "INSERT INTO shipments (id, merchant_id, order_id, carrier, tracking_number,"
                " status, delayed, delivered_late, poll_failures, created_at)"
                " VALUES (1, 1, 1, 'ups', '1Z999AA10123456784', 'in_transit', false, false, 0,"
                " '2026-11-01')",
                "INSERT INTO tracking_events (id, merchant_id, shipment_id, event_key,"
                " occurred_at, utc_offset_minutes, status, description, created_at)"
                " VALUES (1, 1, 1, 'k', '2026-11-01', 0, 'in_transit', 'Scan', '2026-11-01')",
                "INSERT INTO tracking_links (id, merchant_id, order_id, token, created_at)"
                " VALUES (1, 1, 1, 'tok', '2026-11-01')",
            ):
                connection.exec_driver_sql(statement)

        upgrade()

        with db.engine.connect() as connection:
            counts = {
                table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                for table in tables
            }
            if db.engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert counts == dict.fromkeys(tables, 1)
        downgrade(revision="base")
        db.engine.dispose()


def _unmigrated_app(make_app, database_url: str):
    from portal import create_app

    instance_path = make_app().instance_path
    return create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "x" * 40, "INSTANCE_PATH": instance_path}
    )


def _insert_merchant(connection, merchant_id: int, slug: str) -> None:
    connection.exec_driver_sql(
        "INSERT INTO merchants (id, slug, name, created_at, logo_version, primary_color,"
        " accent_color, font, footer_links, faq, timezone, settings)"
        f" VALUES ({merchant_id}, '{slug}', 'Shop', '2026-11-01', 0, '#1f6feb', '#f59e0b',"
        " 'system', '[]', '[]', 'UTC', '{}')"
    )


def test_a_demo_seeded_before_the_flag_is_marked_as_the_demo(make_app, fresh_database_url):
    with _unmigrated_app(make_app, fresh_database_url).app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            for merchant_id, slug, email in ((1, "acme", "owner@acme.test"), (2, "x", "o@x.io")):
                _insert_merchant(connection, merchant_id, slug)
                connection.exec_driver_sql(
                    "INSERT INTO users (merchant_id, email, role, password_hash,"
                    f" session_version, created_at) VALUES ({merchant_id}, '{email}', 'owner',"
                    " 'x', 1, '2026-11-01')"
                )

        upgrade(revision="0007")

        with db.engine.connect() as connection:
            flags = dict(connection.exec_driver_sql("SELECT slug, is_demo FROM merchants").all())
        assert flags == {"acme": True, "x": False}
        downgrade(revision="base")
        db.engine.dispose()


def test_duplicate_open_invitations_keep_only_the_newest_open(make_app, fresh_database_url):
    with _unmigrated_app(make_app, fresh_database_url).app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            _insert_merchant(connection, 1, "acme")
            for n in (1, 2, 3):
                connection.exec_driver_sql(
                    "INSERT INTO invitations (id, merchant_id, email, role, created_at)"
                    f" VALUES ({n}, 1, 'sam@acme.test', 'agent', '2026-11-0{n}')"
                )

        upgrade(revision="0009")

        with db.engine.connect() as connection:
            still_open = connection.exec_driver_sql(
                "SELECT id FROM invitations WHERE revoked_at IS NULL"
            ).all()
        assert still_open == [(3,)]
        downgrade(revision="base")
        db.engine.dispose()
