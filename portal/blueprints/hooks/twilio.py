"""POST /hooks/sms/twilio: shoppers' replies (STOP, START, HELP), signed by Twilio."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Response, abort, current_app, request

from portal.blueprints.hooks import bp
from portal.database import begin_write, retry_on_conflict
from portal.extensions import db
from portal.services import sms_replies

STOP_REPLY = (
    "You're unsubscribed and will get no more messages from this number. "
    "Reply START to resubscribe."
)
START_REPLY = "You're subscribed again. Reply STOP to unsubscribe."
OPT_CHANGES = {
    "stop": (sms_replies.record_opt_out, STOP_REPLY),
    "start": (sms_replies.remove_opt_out, START_REPLY),
}


def twiml(message: str | None = None) -> Response:
    """A TwiML answer: one reply message, or none."""
    inner = f"<Message>{escape(message)}</Message>" if message else ""
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
    return Response(body, mimetype="text/xml")


@bp.post("/sms/twilio")
def twilio_inbound():
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token:
        abort(404)
    params = list(request.form.items(multi=True))
    signature = request.headers.get("X-Twilio-Signature")
    if not sms_replies.valid_twilio_signature(token, request.url, params, signature):
        abort(403)
    sender_phone, our_number = request.form.get("From", ""), request.form.get("To", "")
    if not sender_phone or not our_number:
        return twiml()
    word = sms_replies.keyword(request.form.get("Body"))
    if word in OPT_CHANGES:
        change, reply = OPT_CHANGES[word]

        def apply() -> None:
            begin_write()
            change(sender_phone, our_number)
            db.session.commit()

        retry_on_conflict(apply)  # Twilio repeats a delivery it thinks was lost: idempotent
        return twiml(reply)
    if word == "help":
        return twiml(sms_replies.help_text(sms_replies.last_merchant_for(sender_phone)))
    return twiml()
