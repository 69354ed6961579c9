"""The shopper's pages: order lookup, the branded tracking page, feedback, SMS, clicks."""

from flask import Blueprint

bp = Blueprint("tracking", __name__)

from portal.blueprints.tracking import actions, lookup, views  # noqa: E402,F401
