"""Twilio's Messages endpoint: accepts SMS/WhatsApp sends and keeps them for tests."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from email.utils import format_datetime

from flask import Blueprint, Response, jsonify, request

from carriers.emulator import common

bp = Blueprint("emulator_twilio", __name__)
admin = Blueprint("emulator_twilio_admin", __name__, url_prefix="/_emulator/twilio")


def _error(status: int, code: int, message: str) -> tuple[Response, int]:
    answer = jsonify(
        code=code,
        message=message,
        more_info=f"https://www.twilio.com/docs/errors/{code}",
        status=status,
    )
    return answer, status


@bp.post("/2010-04-01/Accounts/<account_sid>/Messages.json")
def send_message(account_sid: str):
    """Accept one SMS/WhatsApp message; 201 with Twilio's message JSON."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or auth.username != account_sid or not auth.password:
        return _error(401, 20003, "Authenticate")
    form = request.form
    to, sender = form.get("To"), form.get("From") or form.get("MessagingServiceSid")
    body, content_sid = form.get("Body"), form.get("ContentSid")
    if not to:
        return _error(400, 21604, "A 'To' phone number is required.")
    if not sender:
        return _error(400, 21603, "A 'From' phone number is required.")
    if not body and not content_sid and not form.get("MediaUrl"):
        return _error(400, 21602, "Message body is required.")
    sid = "SM" + secrets.token_hex(16)
    now = format_datetime(datetime.now(UTC), usegmt=True)
    message = {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": body or "",
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": str(max(1, -(-len(body or "") // 153))),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"
        },
        "to": to,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }
    state = common.state()
    with state.lock:
        state.messages.append(
            {
                **message,
                "content_sid": content_sid,
                "content_variables": form.get("ContentVariables"),
                "status_callback": form.get("StatusCallback"),
                "auth_user": auth.username,
            }
        )
    return jsonify(message), 201


@admin.get("/messages")
def messages():
    """List the messages received, with their form fields and auth user."""
    state = common.state()
    with state.lock:
        return jsonify(messages=list(state.messages))
