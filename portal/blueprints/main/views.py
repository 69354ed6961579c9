"""Landing page and /healthz."""

from flask import current_app, jsonify, render_template
from sqlalchemy import text

from portal.blueprints.main import bp
from portal.blueprints.main.demo import demo_merchants
from portal.extensions import db
from portal.web.clients import from_loopback


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok"})


@bp.get("/")
def landing():
    # The demo's links open real tracking pages: only for the developer on this machine,
    # like /dev/inbox.
    show_demo = current_app.config["PORCHLIGHT_ENV"] != "production" and from_loopback()
    return render_template(
        "main/landing.html", show_demo=show_demo, demo=demo_merchants() if show_demo else []
    )
