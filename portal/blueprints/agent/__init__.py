"""The support agents' console: order search and the order page (owners and admins too)."""

from flask import Blueprint, abort
from flask_login import current_user

from portal.extensions import login_manager
from portal.models.merchant import ROLES

bp = Blueprint("agent", __name__, url_prefix="/agent")


@bp.before_request
def console_users_only():
    """Signed-out visitors go to /login (and come back); unknown roles get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in ROLES:
        abort(403)
    return None


from portal.blueprints.agent import actions, views  # noqa: E402,F401
