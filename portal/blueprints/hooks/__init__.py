"""Signed inbound webhooks from carriers and Twilio."""

from flask import Blueprint

bp = Blueprint("hooks", __name__, url_prefix="/hooks")

from portal.blueprints.hooks import twilio, views  # noqa: E402,F401
