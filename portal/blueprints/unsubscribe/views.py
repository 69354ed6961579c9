"""GET shows a branded confirmation, POST unsubscribes (RFC 8058 one-click: no CSRF token)."""

from __future__ import annotations

from flask import abort, render_template

from portal.blueprints.unsubscribe import bp
from portal.database import begin_write
from portal.extensions import db
from portal.models import Merchant
from portal.services.unsubscribes import (
    UnsubscribeScope,
    is_unsubscribed,
    read_unsubscribe_token,
    record_unsubscribe,
)


def _scope_and_merchant(token: str) -> tuple[UnsubscribeScope, Merchant]:
    scope = read_unsubscribe_token(token)
    merchant = db.session.get(Merchant, scope.merchant_id) if scope else None
    if scope is None or merchant is None:
        abort(404)
    return scope, merchant


def _masked(recipient: str) -> str:
    name, _, domain = recipient.partition("@")
    if not domain:
        return "•" * max(len(recipient) - 4, 0) + recipient[-4:]
    return f"{name[:2]}{'•' * max(len(name) - 2, 1)}@{domain}"


@bp.get("/<token>")
def confirm(token: str):
    scope, merchant = _scope_and_merchant(token)
    done = is_unsubscribed(scope.merchant_id, scope.channel, scope.recipient)
    return render_template(
        "unsubscribe/page.html",
        merchant=merchant,
        token=token,
        recipient=_masked(scope.recipient),
        done=done,
    )


@bp.post("/<token>")
def unsubscribe(token: str):
    scope, merchant = _scope_and_merchant(token)
    begin_write()
    record_unsubscribe(scope)
    db.session.commit()
    return render_template(
        "unsubscribe/page.html",
        merchant=merchant,
        token=token,
        recipient=_masked(scope.recipient),
        done=True,
    )
