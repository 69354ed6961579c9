"""Porchlight: the Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import load_settings
from portal.database import configure_engine
from portal.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides environment variables (strings) and Flask keys."""
    settings = load_settings(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401  (every table registered before the engine is used)
    from portal.carrier_registry import init_carriers
    from portal.jobs import init_jobs
    from portal.services import page_versions
    from portal.services.merchants import load_user_session
    from portal.services.quota import init_quota
    from portal.web.i18n import select_locale
    from portal.web.input import init_input_guards
    from portal.web.security import init_security
    from portal.web.templating import init_templating
    from portal.web.uploads import init_request_limits

    db.init_app(app)
    page_versions.install()
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    login_manager.init_app(app)
    init_request_limits(app)  # before CSRF, which reads the form
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_security(app)
    init_templating(app)
    login_manager.user_loader(load_user_session)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    init_carriers(app)
    init_jobs(app)
    init_quota(app)
    init_input_guards(app)  # last: it extends the request class htmx installed


def register_blueprints(app: Flask) -> None:
    from portal.blueprints.agent import bp as agent_bp
    from portal.blueprints.api import bp as api_bp
    from portal.blueprints.auth import bp as auth_bp
    from portal.blueprints.dev import bp as dev_bp
    from portal.blueprints.hooks import bp as hooks_bp
    from portal.blueprints.main import bp as main_bp
    from portal.blueprints.merchant import bp as merchant_bp
    from portal.blueprints.tracking import bp as tracking_bp
    from portal.blueprints.unsubscribe import bp as unsubscribe_bp

    csrf.exempt(api_bp)
    csrf.exempt(hooks_bp)
    csrf.exempt(unsubscribe_bp)  # RFC 8058 one-click POST: authenticated by its signature
    blueprints = (main_bp, auth_bp, api_bp, hooks_bp, agent_bp, merchant_bp, tracking_bp)
    blueprints += (unsubscribe_bp, dev_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from portal.web.errors import init_error_handlers

    init_error_handlers(app)


def register_commands(app: Flask) -> None:
    from portal.cli import init_commands

    init_commands(app)
