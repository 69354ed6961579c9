"""Merchant webhooks per Standard Webhooks 1.0, refused for private targets unless allowed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import certifi
import requests
import urllib3

from portal.notify import PermanentFailure, SendResult, TemporaryFailure
from portal.notify.http import CONNECT_TIMEOUT, READ_TIMEOUT, USER_AGENT, make_session, post

SECRET_PREFIX = "whsec_"
Resolver = Callable[[str, int], Iterable[str]]
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


class UnsafeWebhookTarget(ValueError):
    """The URL is not an acceptable webhook target; the message says why in plain words."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IP literals resolve to themselves)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise UnsafeWebhookTarget(f"the host {host} does not resolve") from error
    return sorted({info[4][0] for info in infos})


def _rfc6052_ipv4(ip: ipaddress.IPv6Address, prefix_length: int) -> ipaddress.IPv4Address:
    """The IPv4 address a NAT64 address carries after a prefix of this length (RFC 6052:
    bits 64-71 are reserved, so an IPv4 address that would cross them skips them)."""
    bits = int(ip)
    without_reserved = (bits >> 64) << 56 | (bits & ((1 << 56) - 1))  # 120 bits
    start = prefix_length if prefix_length <= 64 else prefix_length - 8
    return ipaddress.IPv4Address(without_reserved >> (120 - start - 32) & 0xFFFFFFFF)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped and IPv4-compatible,
    NAT64 (64:ff9b::/96, and every prefix length of the local-use 64:ff9b:1::/48), 6to4
    (2002::/16) and Teredo (2001::/32: its server and its XOR-ed client)."""
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    if ip in IPV4_COMPATIBLE:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip in NAT64:
        return [_rfc6052_ipv4(ip, 96)]
    if ip in NAT64_LOCAL:
        return [_rfc6052_ipv4(ip, length) for length in (48, 56, 64, 96)]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)
    return []


def is_public_address(address: str) -> bool:
    """True only for globally routable unicast addresses (no private, loopback, link-local,
    shared, reserved or multicast ones). An IPv6 address that embeds an IPv4 address
    (see embedded_ipv4) is public only when that IPv4 address is too: a relay or
    translator on the way would otherwise deliver to, say, 127.0.0.1."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if ip.ipv4_mapped or ip in IPV4_COMPATIBLE:
            ip = embedded[0]  # only another spelling of an IPv4 address
        elif ip in NAT64_LOCAL or not all(_is_public(v4) for v4 in embedded):
            return False  # local-use NAT64 is not globally reachable (RFC 8215)
    return _is_public(ip)


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


def check_target(url: str, allow_private: bool, resolver: Resolver | None = None) -> list[str]:
    """Raise UnsafeWebhookTarget unless every address the URL's host resolves to is public;
    returns those addresses, IPv4 first (none when private targets are allowed).

    https only, unless private targets are allowed (tests, intranets) which also allows http.
    """
    parts = urlsplit(url)
    allowed_schemes = ("http", "https") if allow_private else ("https",)
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise UnsafeWebhookTarget("the webhook URL must be an https:// URL")
    if parts.username or parts.password:
        raise UnsafeWebhookTarget("the webhook URL must not contain a user name or password")
    if allow_private:
        return []
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeWebhookTarget("the webhook URL has an invalid port") from error
    addresses = list((resolver or system_resolver)(parts.hostname, port))
    if not addresses:
        raise UnsafeWebhookTarget(f"the host {parts.hostname} does not resolve")
    for address in addresses:
        try:
            public = is_public_address(address)
        except ValueError as error:
            raise UnsafeWebhookTarget(f"{address} is not an IP address") from error
        if not public:
            raise UnsafeWebhookTarget(
                f"{parts.hostname} resolves to {address}, a private or local address"
            )
    return sorted(addresses, key=lambda address: (":" in address, address))


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part of a `whsec_…` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers, body: bytes, tolerance: int = 300, now: float | None = None):
    """True when a request carries a valid, fresh Standard Webhooks signature (for receivers)."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = (headers.get("webhook-signature") or "").split()
    if not message_id or not timestamp or not timestamp.isdigit():
        return False
    if abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    expected = sign(secret, message_id, int(timestamp), body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)


def tls_context() -> ssl.SSLContext:
    """The system's certificate authorities plus certifi's (what requests would trust)."""
    context = ssl.create_default_context()
    context.load_verify_locations(certifi.where())
    return context


def pinned_post(url: str, addresses: list[str], body: bytes, headers: dict[str, str]) -> int:
    """POST to the https URL through one of `addresses` (tried in order until one connects),
    with the URL's host name for SNI, certificate checks and the Host header; returns the
    status. Redirects are not followed and nothing is retried."""
    parts = urlsplit(url)
    port = parts.port or 443
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname if port == 443 else f"{parts.hostname}:{port}"
    headers = {**headers, "Host": host, "User-Agent": USER_AGENT}
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    for index, address in enumerate(addresses):
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            ssl_context=tls_context(),
        )
        try:
            answer = pool.urlopen("POST", path, body=body, headers=headers, redirect=False)
            return answer.status
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError):
            if index == len(addresses) - 1:
                raise
        finally:
            pool.close()
    raise urllib3.exceptions.HTTPError("no address to connect to")  # pragma: no cover


def encode_body(event_type: str, timestamp: str, data: dict) -> bytes:
    """The JSON body `{"type", "timestamp", "data"}`, compact and stable."""
    payload = {"type": event_type, "timestamp": timestamp, "data": data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


class WebhookSender:
    """Signs and POSTs webhook bodies; refuses private targets at send time too."""

    def __init__(self, allow_private: bool, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.session = make_session()

    def send(self, url: str, secret: str, message_id: str, body: bytes) -> SendResult:
        """POST one signed body; a 2xx answer is success, anything else raises.

        The connection goes to an address that was just checked, never to a second lookup
        of the name, so a DNS answer that changes in between (rebinding) cannot steer the
        request to a private address. TLS still verifies the certificate for the name.
        """
        try:
            addresses = check_target(url, self.allow_private, self.resolver)
        except UnsafeWebhookTarget as error:
            raise PermanentFailure(f"webhook target refused: {error}") from error
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body),
        }
        try:
            if addresses:
                status = pinned_post(url, addresses, body, headers)
            else:
                status = post(self.session, url, data=body, headers=headers).status_code
        except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
            raise TemporaryFailure(f"webhook unreachable: {error.__class__.__name__}") from error
        return self._outcome(status, message_id)

    @staticmethod
    def _outcome(status: int, message_id: str) -> SendResult:
        """A 2xx answer is success; a redirect or 410 is permanent; the rest is retried."""
        if 200 <= status < 300:
            return SendResult(provider_message_id=message_id)
        text = f"webhook answered {status}"
        if 300 <= status < 400:
            raise PermanentFailure(text + " (redirects are not followed)")
        if status == 410:
            raise PermanentFailure(text + " (gone)")
        raise TemporaryFailure(text)

    def close(self) -> None:
        self.session.close()
