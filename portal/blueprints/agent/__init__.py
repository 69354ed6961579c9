"""The support agents' console (owners and admins may use it too)."""

from flask import Blueprint

bp = Blueprint("agent", __name__, url_prefix="/agent")

from portal.blueprints.agent import views  # noqa: E402,F401
