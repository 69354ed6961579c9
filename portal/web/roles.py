"""Who may open which console page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

ROLE_NAMES = {"owner": _l("owner"), "admin": _l("admin"), "agent": _l("agent")}


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def managers_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Sign-in required, then 403 unless the user is the shop's owner or an admin."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_manage:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
