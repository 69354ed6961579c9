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
