"""The agent console's start page."""

from flask import render_template
from flask_login import current_user, login_required

from portal.blueprints.agent import bp
from portal.web.roles import role_name


@bp.get("/")
@login_required
def index():
    return render_template("agent/index.html", role_name=role_name(current_user.role))
