"""A merchant's own tracking host: claimed in branding, proven by a DNS TXT record, then served.

Saving a host gives the merchant a token to publish as `porchlight-verification=<token>` in
a TXT record at `_porchlight.<host>`. Only whoever controls the host's DNS can do that, so
until the record is found the host is neither served nor used in links, and a shop that
claims a host first cannot keep its real owner from using it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

import dns.exception
import dns.resolver
from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Merchant

RECORD_PREFIX = "_porchlight."
VALUE_PREFIX = "porchlight-verification="
DNS_TIMEOUT_SECONDS = 5.0

TxtResolver = Callable[[str], list[str]]


class DnsUnavailable(Exception):
    """DNS could not be asked (timeout, no nameserver answering): nothing was learnt."""


class HostNotVerified(ValueError):
    """The host could not be verified; the message says why and what to do, in plain words."""


def dns_txt_resolver(
    nameservers: list[str] | None = None, port: int = 53, timeout: float = DNS_TIMEOUT_SECONDS
) -> TxtResolver:
    """A resolver of a name's TXT strings through dnspython: the system's nameservers by
    default. It returns [] for a name with no TXT record and raises DnsUnavailable when no
    nameserver answers."""

    def resolve(name: str) -> list[str]:
        resolver = dns.resolver.Resolver(configure=nameservers is None)
        if nameservers is not None:
            resolver.nameservers = nameservers
            resolver.port = port
        resolver.lifetime = timeout
        try:
            answer = resolver.resolve(name, "TXT")
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as error:
            raise DnsUnavailable(str(error) or error.__class__.__name__) from error
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]

    return resolve


def record_name(host: str) -> str:
    return RECORD_PREFIX + host


def record_value(merchant: Merchant) -> str:
    return VALUE_PREFIX + (merchant.custom_host_token or "")


def claim_custom_host(merchant: Merchant, host: str | None) -> None:
    """Set (or with None remove) the merchant's host, unverified, with a fresh token."""
    merchant.custom_host = host or None
    merchant.custom_host_token = secrets.token_urlsafe(24) if host else None
    merchant.custom_host_verified_at = None
    db.session.flush()


def verified_elsewhere(merchant: Merchant, host: str) -> bool:
    """True when another shop has already proven `host` is theirs."""
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Merchant)
            .where(
                Merchant.custom_host == host,
                Merchant.custom_host_verified_at.is_not(None),
                Merchant.id != merchant.id,
            )
        )
    )


def verify_custom_host(merchant: Merchant, now: datetime, resolver: TxtResolver | None = None):
    """Mark the merchant's host verified when its TXT record holds the merchant's token.

    Raises HostNotVerified (nothing changed) when there is no host, another shop verified
    it, DNS can't be asked, or the record is missing or holds another value. The resolver
    defaults to the app's HOST_TXT_RESOLVER, else the system's DNS. Flushes.
    """
    host = merchant.custom_host
    if not host or not merchant.custom_host_token:
        raise HostNotVerified("Save a tracking host first, then verify it.")
    if merchant.custom_host_verified_at is not None:
        return
    if verified_elsewhere(merchant, host):
        raise HostNotVerified(f"Another shop has already verified {host}.")
    name = record_name(host)
    resolve = resolver or current_app.config.get("HOST_TXT_RESOLVER") or dns_txt_resolver()
    try:
        values = [value.strip() for value in resolve(name)]
    except DnsUnavailable:
        raise HostNotVerified(
            f"We couldn't ask DNS about {name} just now. Try again in a minute."
        ) from None
    if record_value(merchant) not in values:
        found = "has no TXT record" if not values else "has TXT records, but none with your token"
        raise HostNotVerified(
            f"{name} {found} yet. DNS changes can take from a few minutes to a few hours "
            "to show: check the record at your DNS provider and try again later."
        )
    merchant.custom_host_verified_at = now
    db.session.flush()


def merchant_slug_for_host(host: str) -> str | None:
    """The slug of the shop that verified `host`, else None (an unverified host is not served)."""
    return db.session.scalar(
        select(Merchant.slug).where(
            Merchant.custom_host == host, Merchant.custom_host_verified_at.is_not(None)
        )
    )
