"""/merchant/audit: every settings, key and team change — who, what, when (owners only)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import current_merchant
from portal.services.audit import audit_entries
from portal.web.input import db_int

PER_PAGE = 50


@bp.get("/audit")
def audit():
    if current_user.role != "owner":
        abort(403)
    before = request.args.get("before", type=db_int)
    entries = audit_entries(current_merchant().id, PER_PAGE + 1, before)
    more = len(entries) > PER_PAGE
    entries = entries[:PER_PAGE]
    return render_template(
        "merchant/audit.html",
        entries=entries,
        next_before=entries[-1].id if more and entries else None,
    )
