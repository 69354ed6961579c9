"""Headers on every response: a strict CSP with a nonce, signed-in pages never cached, and more."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request, session


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    production = app.config["PORCHLIGHT_ENV"] == "production"

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        if "Content-Security-Policy" not in response.headers:
            nonce = csp_nonce()
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{nonce}'; "
                f"style-src 'self' 'nonce-{nonce}'; "
                "img-src 'self' https: data:; "
                "font-src 'self'; connect-src 'self'; "
                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static" and "_user_id" in session:
            # Console pages hold shoppers' personal data: no shared computer's back button and
            # no proxy may keep a copy. A view that chose its own policy keeps it.
            response.headers.setdefault("Cache-Control", "private, no-store")
        if production and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
