"""Request size limits: one default for every request, larger ones named on their views.

The limit must be in place before anything reads the body, and CSRF protection reads the
form in its own before-request hook; so the limit is set by a hook that runs before it,
from an attribute the view carries, never from inside the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request

DEFAULT_REQUEST_BYTES = 4 * 1024 * 1024  # a full 1,000-product catalogue PUT fits
F = TypeVar("F", bound=Callable)


def request_limit(max_bytes: int) -> Callable[[F], F]:
    """Mark a view as accepting bodies up to `max_bytes` (uploads) instead of the default."""

    def mark(view: F) -> F:
        view.max_request_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def _apply_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    request.max_content_length = getattr(view, "max_request_bytes", DEFAULT_REQUEST_BYTES)


def init_request_limits(app: Flask) -> None:
    """Install the hook; call before CSRF protection registers its own."""
    app.before_request(_apply_limit)
