"""One URL serves a page or its htmx fragment."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request


def render_page_or_partial(page: str, partial: str, /, status: int = 200, **context: Any):
    """Render `partial` for htmx requests and `page` otherwise, always with Vary: HX-Request."""
    template = partial if getattr(request, "htmx", False) else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
