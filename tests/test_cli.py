"""Commands of SPEC §5 and their exit codes: 0 done, 1 unknown merchant, 2 bad argument."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from portal.database import utcnow
from portal.models import ApiKey, Merchant, User

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=list(args))

    return run


def one_line(output: str) -> bool:
    return len(output.strip().splitlines()) == 1


def test_create_merchant(cli, db):
    result = cli("create-merchant", "--slug", "acme", "--name", "Acme Outdoor")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Merchant.name).where(Merchant.slug == "acme")) == "Acme Outdoor"


@pytest.mark.parametrize("slug", ["Acme", "a", "api", "healthz", "has space", "x" * 41])
def test_create_merchant_with_bad_slug_exits_2(cli, db, slug):
    result = cli("create-merchant", "--slug", slug, "--name", "Acme")
    assert result.exit_code == 2
    assert one_line(result.output) and "slug" in result.output
    assert db.session.scalar(select(Merchant)) is None


def test_missing_option_is_one_line_and_exit_2(cli):
    result = cli("create-merchant", "--slug", "acme")
    assert result.exit_code == 2
    assert one_line(result.output) and "--name" in result.output


def test_create_user_with_password_and_generated(cli, db, make_merchant):
    make_merchant("acme")
    result = cli(
        "create-user",
        "--merchant",
        "acme",
        "--email",
        "A@X.test",
        "--role",
        "owner",
        "--password",
        "long enough password",
    )
    assert result.exit_code == 0, result.output
    generated = cli("create-user", "--merchant", "acme", "--email", "b@x.test", "--role", "agent")
    assert generated.exit_code == 0 and "password: " in generated.output
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {"a@x.test", "b@x.test"}


def test_create_user_unknown_merchant_exits_1(cli):
    result = cli("create-user", "--merchant", "nope", "--email", "a@x.test", "--role", "owner")
    assert result.exit_code == 1
    assert one_line(result.output) and "nope" in result.output


def test_create_user_bad_role_exits_2(cli, make_merchant):
    make_merchant("acme")
    result = cli("create-user", "--merchant", "acme", "--email", "a@x.test", "--role", "boss")
    assert result.exit_code == 2 and one_line(result.output)


def test_duplicate_user_email_exits_2(cli, make_merchant):
    make_merchant("acme")
    make_merchant("bobs")
    assert (
        cli("create-user", "--merchant", "acme", "--email", "a@x.test", "--role", "owner").exit_code
        == 0
    )
    again = cli("create-user", "--merchant", "bobs", "--email", "A@x.test", "--role", "owner")
    assert again.exit_code == 2 and "already exists" in again.output


def test_create_api_key_prints_it_once(cli, db, make_merchant):
    make_merchant("acme")
    result = cli("create-api-key", "--merchant", "acme", "--name", "shop")
    assert result.exit_code == 0
    raw = result.output.strip()
    assert raw.startswith("pl_live_") and len(raw) > 40
    stored = db.session.scalar(select(ApiKey))
    assert stored.prefix == raw[: len(stored.prefix)] and raw not in stored.key_hash
    assert cli("create-api-key", "--merchant", "nope").exit_code == 1


def test_tick_with_nothing_due_prints_the_line(cli):
    result = cli("tick")
    assert result.exit_code == 0
    assert result.output.startswith(
        "tick: claimed=0 polled=0 events=0 delayed=0 notified=0 failed=0 quota=ups:0/"
    )


def test_tick_appends_each_hourly_window_after_the_days_figures(cli, db):
    from portal.services import quota

    moment = datetime(2026, 11, 24, 15, 20, tzinfo=UTC)
    days = "quota=ups:3/50000,fedex:0/100000,usps:12/1400,dhl:0/250,easypost:0/100000"
    with time_machine.travel(moment, tick=False) as clock:
        quota.spend("usps", 12, utcnow())
        quota.spend("ups", 3, utcnow())
        assert cli("tick").output.strip().endswith(f" {days},usps@hour:12/60")
        clock.move_to(moment + timedelta(minutes=40))  # 16:00: a new hour of the same day
        assert cli("tick").output.strip().endswith(f" {days},usps@hour:0/60")


def test_tick_against_the_emulator_shows_no_hourly_window(make_app):
    emulated = make_app(CARRIER_USPS_BASE_URL="http://127.0.0.1:8100")
    output = emulated.test_cli_runner().invoke(args=["tick"]).output
    assert ",usps:0/unlimited," in output and "@hour" not in output


def test_seed_demo_is_idempotent(cli, db):
    first = cli("seed-demo", "--orders", "6")
    assert first.exit_code == 0, first.output
    assert "owner@acme.test" in first.output
    second = cli("seed-demo", "--orders", "6")
    assert second.exit_code == 0 and "already seeded" in second.output
    from portal.models import Order

    assert len(db.session.scalars(select(Order)).all()) == 6


def test_seed_demo_marks_its_shop_as_the_demo_and_nothing_else(cli, db, make_merchant):
    make_merchant("globex", "Globex Supplies")

    assert cli("seed-demo", "--orders", "2").exit_code == 0

    from portal.models import Merchant

    flags = dict(db.session.execute(select(Merchant.slug, Merchant.is_demo)).all())
    assert flags == {"globex": False, "acme": True}


def test_seed_demo_bad_count_exits_2(cli):
    result = cli("seed-demo", "--orders", "zero")
    assert result.exit_code == 2


def _flask(tmp_path, *args, **env):
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
        "SECRET_KEY": "cli-test-secret",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_real_flask_commands_in_a_subprocess(tmp_path):
    assert _flask(tmp_path, "db", "upgrade").returncode == 0
    created = _flask(tmp_path, "create-merchant", "--slug", "acme", "--name", "Acme")
    assert created.returncode == 0, created.stderr
    unknown = _flask(tmp_path, "create-api-key", "--merchant", "nope")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "Error: unknown merchant 'nope'"
    bad = _flask(
        tmp_path, "create-user", "--merchant", "acme", "--email", "a@x.test", "--role", "king"
    )
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_bad_configuration_stops_the_command_with_one_line(tmp_path):
    result = _flask(tmp_path, "tick", POLL_BATCH_SIZE="lots")
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        == "Configuration error: POLL_BATCH_SIZE must be a whole number, got 'lots'"
    )
