"""One-click unsubscribe links from notification emails: /u/<signed>."""

from flask import Blueprint

bp = Blueprint("unsubscribe", __name__, url_prefix="/u")

from portal.blueprints.unsubscribe import views  # noqa: E402,F401
