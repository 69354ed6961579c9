"""The merchant console's start page."""

from flask import render_template
from flask_login import current_user

from portal.blueprints.merchant import bp
from portal.web.roles import managers_only, role_name


@bp.get("/")
@managers_only
def index():
    return render_template("merchant/index.html", role_name=role_name(current_user.role))
