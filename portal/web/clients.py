"""Who is asking: the machine at the other end of the socket, not what a proxy header claims."""

from __future__ import annotations

import ipaddress

from flask import request

# Headers a reverse proxy adds; a request carrying one came through a proxy, even one on
# this machine, so its socket peer says nothing about the visitor.
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def peer_address() -> str:
    """The socket peer's address, before ProxyFix replaced it with a forwarded one."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR") or ""


def from_loopback() -> bool:
    """True for a request from this machine itself: a loopback peer, relayed by no proxy.

    For developer pages (/dev/*) and the landing page's demo links: a local reverse proxy
    relays the whole internet from 127.0.0.1, so any forwarding header disqualifies.
    """
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(peer_address()).is_loopback
    except ValueError:
        return False
