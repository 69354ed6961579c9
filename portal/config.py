"""Reads and validates every setting from the environment: the only module that reads os.environ."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CARRIER_CODES = ("UPS", "FEDEX", "USPS", "DHL", "EASYPOST")

CARRIER_ORIGINS = {
    "UPS": "https://onlinetools.ups.com",
    "FEDEX": "https://apis.fedex.com",
    "USPS": "https://apis.usps.com",
    "DHL": "https://api-eu.dhl.com",
    "EASYPOST": "https://api.easypost.com",
}

# Requests per second and per day the poller may spend on a carrier account (SPEC §7).
CARRIER_LIMITS = {
    "UPS": (5.0, 50_000),
    "FEDEX": (100.0, 100_000),
    "USPS": (1.0, 1_400),
    "DHL": (1.0, 250),
    "EASYPOST": (5.0, 100_000),
}
# Requests per clock hour: USPS's v3 APIs give a new app 60 an hour; the others have no such window.
CARRIER_HOURLY_QUOTAS = {"USPS": 60}

DEFAULT_INSTANCE_PATH = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(SystemExit):
    """A setting is missing or malformed: start-up stops with one line naming the variable."""

    def __init__(self, variable: str, message: str) -> None:
        self.variable = variable
        super().__init__(f"Configuration error: {variable} {message}")


def _boolean(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"must be true or false, got {raw!r}")


def _integer(name: str, raw: str, minimum: int = 0, maximum: int | None = None) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ConfigError(name, f"must be {bounds}, got {value}")
    return value


def _positive_number(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(name, f"must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(name, f"must be greater than 0, got {raw!r}")
    return value


def _http_url(name: str, raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(name, f"must be an http(s) URL, got {raw!r}")
    return raw.strip().rstrip("/")


def _database_url(name: str, raw: str) -> str:
    url = raw.strip()
    if url.startswith("postgres://"):
        raise ConfigError(name, "must use the postgresql+psycopg:// scheme, not postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not (url.startswith("sqlite:///") or url.startswith("postgresql+psycopg://")):
        raise ConfigError(name, f"must be sqlite:///path or postgresql+psycopg://…, got {raw!r}")
    return url


def _queue_url(name: str, raw: str) -> str:
    url = raw.strip()
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return url
    if url.startswith(("redis://", "rediss://")) and urlsplit(url).hostname:
        return url
    raise ConfigError(name, f"must be sqlite:///path or redis://host:port/db, got {raw!r}")


def _choice(*choices: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ConfigError(name, f"must be one of {', '.join(choices)}, got {raw!r}")
        return value

    return parse


def _ratelimit_url(name: str, raw: str) -> str:
    url = raw.strip()
    if url == "memory://" or url.startswith(("redis://", "rediss://")):
        return url
    raise ConfigError(name, f"must be memory:// or redis://…, got {raw!r}")


def _text(name: str, raw: str) -> str:
    return raw.strip()


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


class _Reader:
    """Reads one variable at a time from an environment mapping, parsing and naming errors."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def __call__(self, name: str, parse: Callable[[str, str], Any], default: Any = None) -> Any:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        return parse(name, raw)


def load_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return Flask config keys built from os.environ with overrides applied on top.

    Raises ConfigError naming the first variable that is missing or malformed.
    """
    overrides = dict(overrides or {})
    environ = {**os.environ, **{k: str(v) for k, v in overrides.items() if isinstance(v, str)}}
    read = _Reader(environ)

    instance_path = Path(overrides.get("INSTANCE_PATH") or DEFAULT_INSTANCE_PATH)
    env = read("PORCHLIGHT_ENV", _choice("development", "production"), "development")
    production = env == "production"

    settings: dict[str, Any] = {
        "PORCHLIGHT_ENV": env,
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": read(
            "DATABASE_URL", _database_url, f"sqlite:///{instance_path / 'porchlight.db'}"
        ),
        "QUEUE_URL": read("QUEUE_URL", _queue_url, f"sqlite:///{instance_path / 'jobs.db'}"),
        "PUBLIC_BASE_URL": read("PUBLIC_BASE_URL", _http_url, "http://127.0.0.1:8000"),
        "TRUSTED_PROXIES": read("TRUSTED_PROXIES", lambda n, r: _integer(n, r, 0, 10), 0),
        "POLL_BATCH_SIZE": read("POLL_BATCH_SIZE", lambda n, r: _integer(n, r, 1, 10_000), 200),
        "POLL_CONCURRENCY": read("POLL_CONCURRENCY", lambda n, r: _integer(n, r, 1, 256), 16),
        "EMULATOR_SPEED": read("EMULATOR_SPEED", _positive_number, 60.0),
        "MAIL_BACKEND": read("MAIL_BACKEND", _choice("outbox", "smtp"), "outbox"),
        "SMTP_HOST": read("SMTP_HOST", _text),
        "SMTP_PORT": read("SMTP_PORT", lambda n, r: _integer(n, r, 1, 65535), 587),
        "SMTP_USERNAME": read("SMTP_USERNAME", _text),
        "SMTP_PASSWORD": read("SMTP_PASSWORD", _text),
        "SMTP_STARTTLS": read("SMTP_STARTTLS", _boolean, True),
        "MAIL_FROM": read("MAIL_FROM", _text),
        "SMS_BACKEND": read("SMS_BACKEND", _choice("outbox", "twilio"), "outbox"),
        "TWILIO_BASE_URL": read("TWILIO_BASE_URL", _http_url, "https://api.twilio.com"),
        "TWILIO_ACCOUNT_SID": read("TWILIO_ACCOUNT_SID", _text),
        "TWILIO_AUTH_TOKEN": read("TWILIO_AUTH_TOKEN", _text),
        "TWILIO_FROM": read("TWILIO_FROM", _text),
        "TWILIO_WHATSAPP_FROM": read("TWILIO_WHATSAPP_FROM", _text),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": read("WEBHOOK_ALLOW_PRIVATE_TARGETS", _boolean, False),
        "RATELIMIT_STORAGE_URL": read("RATELIMIT_STORAGE_URL", _ratelimit_url, "memory://"),
        "SESSION_IDLE_MINUTES": read(
            "SESSION_IDLE_MINUTES", lambda n, r: _integer(n, r, 1, 7 * 24 * 60), 30
        ),
        "SESSION_MAX_HOURS": read("SESSION_MAX_HOURS", lambda n, r: _integer(n, r, 1, 24 * 30), 8),
        "CARRIERS": _carrier_settings(read),
    }
    settings["SECRET_KEY"] = read("SECRET_KEY", _text) or _development_secret(
        production, instance_path
    )
    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    settings["RATELIMIT_STORAGE_URI"] = settings["RATELIMIT_STORAGE_URL"]
    settings["BABEL_TRANSLATION_DIRECTORIES"] = str(DEFAULT_INSTANCE_PATH.parent / "translations")
    settings["PERMANENT_SESSION_LIFETIME"] = settings["SESSION_MAX_HOURS"] * 3600
    settings["SESSION_COOKIE_HTTPONLY"] = True
    settings["SESSION_COOKIE_SAMESITE"] = "Lax"
    settings["SESSION_COOKIE_SECURE"] = production
    settings["REMEMBER_COOKIE_SECURE"] = production
    settings["DEV_ROUTES_ENABLED"] = not production

    if production:
        _check_production(settings)
    _check_backends(settings)

    # Non-string overrides (TESTING=True, WTF_CSRF_ENABLED=False…) go straight to Flask.
    settings.update({k: v for k, v in overrides.items() if not isinstance(v, str)})
    return settings


def _carrier_settings(read: _Reader) -> dict[str, dict[str, Any]]:
    carriers = {}
    for code in CARRIER_CODES:
        base_url = read(f"CARRIER_{code}_BASE_URL", _http_url, CARRIER_ORIGINS[code])
        default_rate, default_quota = CARRIER_LIMITS[code]
        default_hourly = CARRIER_HOURLY_QUOTAS.get(code)
        if _is_loopback(base_url):
            default_rate, default_quota, default_hourly = None, None, None  # the emulator
        carriers[code.lower()] = {
            "base_url": base_url,
            "client_id": read(f"CARRIER_{code}_CLIENT_ID", _text),
            "client_secret": read(f"CARRIER_{code}_CLIENT_SECRET", _text),
            "api_key": read(f"CARRIER_{code}_API_KEY", _text),
            "webhook_secret": read(f"CARRIER_{code}_WEBHOOK_SECRET", _text),
            "rate": read(f"CARRIER_{code}_RATE", _positive_number, default_rate),
            "daily_quota": read(
                f"CARRIER_{code}_DAILY_QUOTA", lambda n, r: _integer(n, r, 1), default_quota
            ),
            "hourly_quota": read(
                f"CARRIER_{code}_HOURLY_QUOTA", lambda n, r: _integer(n, r, 1), default_hourly
            ),
        }
    return carriers


def _development_secret(production: bool, instance_path: Path) -> str:
    if production:
        raise ConfigError("SECRET_KEY", "must be set when PORCHLIGHT_ENV=production")
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _check_production(settings: dict[str, Any]) -> None:
    if len(settings["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY", "must be at least 32 characters in production")
    if settings["MAIL_BACKEND"] == "outbox":
        raise ConfigError("MAIL_BACKEND", "must be smtp when PORCHLIGHT_ENV=production")
    if settings["SMS_BACKEND"] == "outbox":
        raise ConfigError("SMS_BACKEND", "must be twilio when PORCHLIGHT_ENV=production")
    if settings["RATELIMIT_STORAGE_URL"] == "memory://":
        raise ConfigError(
            "RATELIMIT_STORAGE_URL",
            "must be a shared redis:// store when PORCHLIGHT_ENV=production",
        )


def _check_backends(settings: dict[str, Any]) -> None:
    if settings["MAIL_BACKEND"] == "smtp":
        for name in ("SMTP_HOST", "MAIL_FROM"):
            if not settings[name]:
                raise ConfigError(name, "must be set when MAIL_BACKEND=smtp")
    if settings["SMS_BACKEND"] == "twilio":
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"):
            if not settings[name]:
                raise ConfigError(name, "must be set when SMS_BACKEND=twilio")
