"""POST /hooks/carriers/easypost: tracker updates pushed by EasyPost, verified and applied."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy.exc import IntegrityError

from carriers.easypost_parse import SIGNATURE_HEADER, parse_webhook, verify_webhook
from portal.blueprints.hooks import bp
from portal.database import begin_write, retry_on_conflict, utcnow
from portal.extensions import db
from portal.services.push import apply_pushed_result
from portal.web.errors import json_error
from portal.web.input import json_error_message, load_json, unstorable_fields

MAX_BODY = 1024 * 1024


@bp.post("/carriers/easypost")
def easypost():
    secret = current_app.config["CARRIERS"]["easypost"]["webhook_secret"]
    if not secret:
        return json_error(404, "not_configured", "EasyPost webhooks are not configured.")
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY:
        return json_error(413, "too_large", "The webhook body is too large.")
    if not verify_webhook(secret, body, request.headers.get(SIGNATURE_HEADER)):
        return json_error(401, "bad_signature", "The webhook signature does not match.")
    try:
        payload = load_json(body)
    except ValueError as error:
        return json_error(400, "invalid_json", json_error_message(error))
    unstorable = unstorable_fields(payload)
    if unstorable:
        return json_error(400, "invalid", "The webhook carries text we can't store.", unstorable)
    result = parse_webhook(payload)
    if result is None:
        return {"applied": 0, "ignored": True}

    def apply() -> int:
        begin_write()
        applied = apply_pushed_result("easypost", result, utcnow())
        db.session.commit()
        return applied

    try:
        # A duplicate delivery or a poll storing the same event at once: the second run
        # sees what the first stored.
        applied = retry_on_conflict(apply)
    except IntegrityError:
        db.session.rollback()
        return json_error(409, "conflict", "Applied concurrently; please retry.")
    return {"applied": applied}
