"""Sign-in, sign-out, passwords and invitations for merchant users and agents."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.blueprints.auth import account, views  # noqa: E402,F401
