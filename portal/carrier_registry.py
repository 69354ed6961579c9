"""One carrier client per code and process, built from the validated settings."""

from __future__ import annotations

from flask import Flask, current_app

from carriers import Carrier, get_carrier


def init_carriers(app: Flask) -> None:
    app.extensions["carriers"] = {}


def carrier_for(code: str) -> Carrier:
    """Return this process's client for a carrier code (tokens and rate limits are shared)."""
    clients = current_app.extensions["carriers"]
    if code not in clients:
        clients[code] = get_carrier(code, current_app.config["CARRIERS"][code])
    return clients[code]
