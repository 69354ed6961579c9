"""Error handlers: JSON for the API, a friendly page for people, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in to continue.",
    403: "You don't have access to this page.",
    404: "We couldn't find that page.",
    405: "That action isn't allowed here.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. Please try again in a moment.",
}


def wants_json() -> bool:
    """Whether this request is answered in JSON (the API and the hooks), not with a page."""
    return request.path.startswith("/api/") or request.path.startswith("/hooks/")


def json_error(status: int, code: str, message: str, fields: dict[str, str] | None = None):
    """A JSON error response: {"error": {"code", "message", "fields"?}} with a 4xx/5xx status."""
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):
        message = "Your form expired. Please reload the page and try again."
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        status = error.code or 500
        message = MESSAGES.get(status, error.description or "Error")
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            return json_error(status, code, message)
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return handle_http(InternalServerError())
