"""Shoppers' replies to our texts: STOP, START and HELP, kept per phone and sending number."""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import Merchant, Notification, SmsOptOut

# Each keyword as the words it is written with once normalised ("opt-out" is "opt out").
KEYWORDS = {
    "stop": (
        ("stop",),
        ("stopall",),
        ("unsubscribe",),
        ("cancel",),
        ("end",),
        ("quit",),
        ("revoke",),
        ("opt", "out"),
        ("optout",),
    ),
    "start": (("start",), ("unstop",), ("yes",)),
    "help": (("help",), ("info",)),
}
# Words that may follow a keyword without changing what the reply asks for: "stop please",
# "Stop all", "stop sending me texts". Anything else makes it a sentence, not a keyword.
FILLER_WORDS = frozenset(
    {
        "all",
        "it",
        "me",
        "now",
        "ok",
        "okay",
        "please",
        "pls",
        "plz",
        "thank",
        "thanks",
        "thx",
        "ty",
        "you",
        "message",
        "messages",
        "messaging",
        "msgs",
        "notifications",
        "send",
        "sending",
        "sms",
        "text",
        "texting",
        "texts",
        "updates",
    }
)


def twilio_signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL plus sorted name+value pairs."""
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid_twilio_signature(auth_token: str, url: str, params, signature: str | None) -> bool:
    """True when `signature` is what Twilio would send for this URL and form."""
    if not signature:
        return False
    return hmac.compare_digest(twilio_signature(auth_token, url, params), signature)


def reply_words(body: str | None) -> list[str]:
    """The words of a reply as a keyword is matched: NFKC (fullwidth letters become plain),
    case-folded, with punctuation, quotes, symbols and emoji taken as spaces."""
    text = unicodedata.normalize("NFKC", body or "").casefold()
    return "".join(char if char.isalnum() else " " for char in text).split()


def keyword(body: str | None) -> str | None:
    """ "stop", "start" or "help" for a reply that is one of those keywords, perhaps with
    punctuation, emoji or filler words around it ("STOP.", "Stop all", "stop please 🙏");
    None for anything else ("Don't stop sending me updates", "when will it stop raining")."""
    words = reply_words(body)
    for name, phrases in KEYWORDS.items():
        own_words = {word for phrase in phrases for word in phrase}
        for phrase in phrases:
            rest = words[len(phrase) :]
            if tuple(words[: len(phrase)]) == phrase and all(
                word in FILLER_WORDS or word in own_words for word in rest
            ):
                return name
    return None


def bare_phone(address: str) -> str:
    return address.strip().removeprefix("whatsapp:")


def record_opt_out(phone: str, sender: str) -> None:
    """Stop every message from `sender` to `phone` (idempotent). Flushes."""
    phone = bare_phone(phone)
    exists = db.session.scalar(
        select(SmsOptOut.id).where(SmsOptOut.phone == phone, SmsOptOut.sender == sender)
    )
    if exists is None:
        db.session.add(SmsOptOut(phone=phone, sender=sender))
        db.session.flush()


def remove_opt_out(phone: str, sender: str) -> None:
    """Let messages from `sender` to `phone` flow again (START). Flushes."""
    db.session.execute(
        delete(SmsOptOut).where(SmsOptOut.phone == bare_phone(phone), SmsOptOut.sender == sender)
    )
    db.session.flush()


def last_merchant_for(phone: str) -> Merchant | None:
    """The merchant that last texted this phone (to name it in the HELP reply)."""
    merchant_id = db.session.scalar(
        select(Notification.merchant_id)
        .where(Notification.recipient == bare_phone(phone))
        .order_by(Notification.id.desc())
        .limit(1)
    )
    return db.session.get(Merchant, merchant_id) if merchant_id else None


def help_text(merchant: Merchant | None) -> str:
    """The HELP answer: who is texting, how to reach them, how to stop."""
    if merchant is None:
        return "Order updates by Porchlight. Reply STOP to unsubscribe."
    contact = merchant.support_email or merchant.support_phone or merchant.support_url
    contact_text = f" Help: {contact}." if contact else ""
    return f"{merchant.name} order updates.{contact_text} Reply STOP to unsubscribe."
