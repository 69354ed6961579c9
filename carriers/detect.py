"""Which carrier a tracking number belongs to, from its shape and check digit (carriers.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from carriers.base import normalize_number


@dataclass(frozen=True)
class Candidate:
    """A carrier whose number rule holds: `kind` names the rule, `number` is what to send
    the carrier (normalised; for USPS without the 420+ZIP routing prefix)."""

    carrier: str
    kind: str
    number: str


def gs1_check_digit(data: str) -> int:
    """Return the GS1 mod-10 check digit of a digit string (weights 3,1,… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data)))
    return (10 - total % 10) % 10


def ups_check_digit(body: str) -> int:
    """Return the UPS mod-10 check digit: letters as (ord - 3) % 10, odd positions doubled."""
    total = 0
    for position, char in enumerate(body):
        value = int(char) if char.isdigit() else (ord(char) - 3) % 10
        total += value * 2 if position % 2 else value
    return (10 - total % 10) % 10


def fedex_express_check_digit(data: str) -> int:
    """Return the FedEx Express check digit of 11 digits (weights 3,1,7 from the left)."""
    weights = (3, 1, 7)
    return sum(int(d) * weights[i % 3] for i, d in enumerate(data)) % 11 % 10


def s10_check_digit(serial: str) -> int:
    """Return the UPU S10 check digit of 8 serial digits (weights 8,6,4,2,3,5,9,7)."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def dhl_check_digit(data: str) -> int:
    """Return the DHL Express mod-7 check digit of the leading digits."""
    return int(data) % 7


def _ok(data: str, check: str, rule: Callable[[str], int]) -> bool:
    return check.isdigit() and rule(data) == int(check)


def _ups_1z(n: str) -> str | None:
    return (
        n if re.fullmatch(r"1Z[0-9A-Z]{16}", n) and _ok(n[2:17], n[17], ups_check_digit) else None
    )


def _ups_waybill(n: str) -> str | None:
    if re.fullmatch(r"[AHJKTV]\d{10}", n) and _ok(n[1:10], n[10], ups_check_digit):
        return n
    return None


def _fedex_96(n: str) -> str | None:
    if re.fullmatch(r"96\d{20}", n) and _ok(n[7:21], n[21], gs1_check_digit):
        return n
    return None


def _usps_impb(n: str) -> str | None:
    # The optional routing prefix is 420 + ZIP5 or ZIP9; try each split, shortest prefix first.
    for prefix in (0, 8, 12):
        if prefix and not n.startswith("420"):
            break
        rest = n[prefix:]
        if prefix and not n[:prefix].isdigit():
            continue
        if re.fullmatch(r"9[1-5]\d{18,20}", rest) and _ok(rest[:-1], rest[-1], gs1_check_digit):
            return rest
    return None


def _s10_us(n: str) -> str | None:
    return n if _s10(n) and n.endswith("US") else None


def _s10_inbound(n: str) -> str | None:
    return n if _s10(n) and not n.endswith("US") else None


def _s10(n: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2}\d{9}[A-Z]{2}", n)) and _ok(n[2:10], n[10], s10_check_digit)


def _fedex_12(n: str) -> str | None:
    return (
        n if re.fullmatch(r"\d{12}", n) and _ok(n[:11], n[11], fedex_express_check_digit) else None
    )


def _fedex_15(n: str) -> str | None:
    return n if re.fullmatch(r"\d{15}", n) and _ok(n[:14], n[14], gs1_check_digit) else None


def _dhl_express(n: str) -> str | None:
    return n if re.fullmatch(r"\d{10,11}", n) and _ok(n[:-1], n[-1], dhl_check_digit) else None


# Best first: shapes anchored by a prefix (1Z, a letter, 96, 420/9x, S10's letters) are more
# specific than bare digit counts, so they rank ahead when one number fits several rules.
# A UPU S10 number is international post: ending in US it is USPS's own; from another
# post, USPS still tracks it once it enters the US, so it is offered last, as a weaker guess.
RULES: tuple[tuple[str, str, Callable[[str], str | None]], ...] = (
    ("ups", "ups_1z", _ups_1z),
    ("ups", "ups_waybill", _ups_waybill),
    ("fedex", "fedex_ground_96", _fedex_96),
    ("usps", "usps_impb", _usps_impb),
    ("usps", "upu_s10", _s10_us),
    ("fedex", "fedex_express_12", _fedex_12),
    ("fedex", "fedex_ground_15", _fedex_15),
    ("dhl", "dhl_express", _dhl_express),
    ("usps", "upu_s10_inbound", _s10_inbound),
)


def detect(number: str) -> list[Candidate]:
    """Return every carrier whose shape and check digit the number satisfies, best first.

    Spaces and dashes are ignored and letters upper-cased. An empty list means no rule
    holds (a typo, or a carrier Porchlight does not know); never raises.
    """
    normalised = normalize_number(number or "")
    if not normalised.isascii() or not normalised.isalnum():
        return []
    candidates: list[Candidate] = []
    for carrier, kind, rule in RULES:
        matched = rule(normalised)
        if matched is not None:
            candidates.append(Candidate(carrier, kind, matched))
    return candidates


def detect_carriers(number: str) -> list[str]:
    """Return the carrier codes `detect` finds, best first, each once."""
    return list(dict.fromkeys(candidate.carrier for candidate in detect(number)))
