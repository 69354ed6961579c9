"""What every merchant-console view needs: the signed-in user's shop, and the audit call."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from portal.models import Merchant
from portal.services.audit import record_audit


def current_merchant() -> Merchant:
    return current_user.merchant


def audit(action: str, target_type: str | None = None, target_id: Any = None, **details: Any):
    """Record an audit row for the signed-in user's shop; the view commits."""
    return record_audit(
        current_user.merchant_id,
        current_user._get_current_object(),
        action,
        target_type,
        target_id,
        details or None,
    )
