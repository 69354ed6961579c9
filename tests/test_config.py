"""Configuration: every bad value stops start-up with one line naming the variable."""

import pytest

from portal.config import ConfigError, load_settings


def settings(tmp_path, **environ):
    return load_settings({"INSTANCE_PATH": str(tmp_path), **environ})


def test_defaults_are_the_embedded_setup(tmp_path):
    config = settings(tmp_path)
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'porchlight.db'}"
    assert config["QUEUE_URL"] == f"sqlite:///{tmp_path / 'jobs.db'}"
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"
    assert config["POLL_BATCH_SIZE"] == 200 and config["POLL_CONCURRENCY"] == 16
    assert config["SESSION_IDLE_MINUTES"] == 30 and config["SESSION_MAX_HOURS"] == 8
    assert config["CARRIERS"]["ups"]["base_url"] == "https://onlinetools.ups.com"
    assert config["CARRIERS"]["dhl"]["daily_quota"] == 250


def test_development_secret_is_kept_in_the_instance_folder(tmp_path):
    first = settings(tmp_path)["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text() == first
    assert settings(tmp_path)["SECRET_KEY"] == first


def test_loopback_carrier_base_url_means_unlimited(tmp_path):
    config = settings(tmp_path, CARRIER_DHL_BASE_URL="http://127.0.0.1:8100")
    assert config["CARRIERS"]["dhl"]["rate"] is None
    assert config["CARRIERS"]["dhl"]["daily_quota"] is None


def test_usps_alone_has_an_hourly_quota_unless_one_is_set_or_it_is_the_emulator(tmp_path):
    hourly = {
        code: carrier["hourly_quota"] for code, carrier in settings(tmp_path)["CARRIERS"].items()
    }
    assert hourly == {"ups": None, "fedex": None, "usps": 60, "dhl": None, "easypost": None}
    config = settings(
        tmp_path,
        CARRIER_USPS_BASE_URL="http://127.0.0.1:8100",
        CARRIER_UPS_HOURLY_QUOTA="900",
    )
    assert config["CARRIERS"]["usps"]["hourly_quota"] is None
    assert config["CARRIERS"]["ups"]["hourly_quota"] == 900


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("DATABASE_URL", "postgres://u@h/db"),
        ("QUEUE_URL", "amqp://localhost"),
        ("PUBLIC_BASE_URL", "not a url"),
        ("TRUSTED_PROXIES", "-1"),
        ("POLL_BATCH_SIZE", "many"),
        ("POLL_CONCURRENCY", "0"),
        ("EMULATOR_SPEED", "0"),
        ("MAIL_BACKEND", "pigeon"),
        ("SMS_BACKEND", "fax"),
        ("SMTP_STARTTLS", "maybe"),
        ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "sometimes"),
        ("RATELIMIT_STORAGE_URL", "memcached://x"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("CARRIER_UPS_BASE_URL", "ftp://ups"),
        ("CARRIER_DHL_DAILY_QUOTA", "lots"),
        ("CARRIER_USPS_HOURLY_QUOTA", "0"),
        ("CARRIER_UPS_HOURLY_QUOTA", "60/h"),
        ("CARRIER_FEDEX_RATE", "-5"),
        ("PORCHLIGHT_ENV", "staging"),
    ],
)
def test_bad_value_names_the_variable(tmp_path, variable, value):
    with pytest.raises(ConfigError) as error:
        settings(tmp_path, **{variable: value})
    message = str(error.value)
    assert variable in message and "\n" not in message
    assert error.value.variable == variable


def test_production_requires_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        settings(tmp_path, PORCHLIGHT_ENV="production")


PRODUCTION = {
    "PORCHLIGHT_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "MAIL_BACKEND": "smtp",
    "SMTP_HOST": "smtp.example.com",
    "MAIL_FROM": "shop@example.com",
    "SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM": "+14155550100",
    "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/1",
}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MAIL_BACKEND", "outbox"),
        ("SMS_BACKEND", "outbox"),
        ("RATELIMIT_STORAGE_URL", "memory://"),
        ("SECRET_KEY", "short"),
    ],
)
def test_production_refuses_development_backends(tmp_path, variable, value):
    with pytest.raises(ConfigError, match=variable):
        settings(tmp_path, **{**PRODUCTION, variable: value})


def test_production_sets_secure_cookies_and_turns_dev_routes_off(tmp_path):
    config = settings(tmp_path, **PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["DEV_ROUTES_ENABLED"] is False


def test_smtp_backend_needs_a_host(tmp_path):
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        settings(tmp_path, MAIL_BACKEND="smtp", MAIL_FROM="a@b.test")
