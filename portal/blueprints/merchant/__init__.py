"""The merchant console: owners and admins only (agents get 403 on every page)."""

from flask import Blueprint, abort
from flask_login import current_user

from portal.extensions import login_manager

bp = Blueprint("merchant", __name__, url_prefix="/merchant")


@bp.before_request
def managers_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.can_manage:
        abort(403)
    return None


from portal.blueprints.merchant import (  # noqa: E402,F401
    api_keys,
    audit,
    branding,
    hosts,
    notifications,
    products,
    team,
    templates_editor,
    views,
)
