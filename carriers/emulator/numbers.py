"""Tracking-number codecs: scenario, start minute and sequence packed into a valid number."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
PERIOD_MINUTES = 10**6  # six digits of minutes: the start time repeats every ~694 days
# The shipper-account field picks the scenario family; the scenario digit picks within it.
UPS_SHIPPERS = ("PLDEMO", "PLFALT")
_UPS_NUMBER = re.compile(r"^1Z([0-9A-Z]{6})(\d{2})(\d)(\d{6})(\d)$")


def ups_check_digit(body: str) -> str:
    """Return the 1Z check digit over the 15 characters after "1Z" (carriers.md rule)."""
    total = 0
    for position, char in enumerate(body):
        value = int(char) if char.isdigit() else (ord(char) - 3) % 10
        total += value * 2 if position % 2 else value
    return str((10 - total % 10) % 10)


def ups_check_digit_ok(number: str) -> bool:
    """Return True when an 18-character 1Z number's last character is its check digit."""
    number = number.upper()
    if not re.fullmatch(r"1Z[0-9A-Z]{16}", number):
        return False
    return ups_check_digit(number[2:17]) == number[17]


def start_minutes(started_at: datetime) -> int:
    """Return the start as minutes since EPOCH modulo PERIOD_MINUTES; needs an aware time."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    return int((started_at - EPOCH).total_seconds() // 60) % PERIOD_MINUTES


def nearest_start(minutes: int, now: datetime) -> datetime:
    """Return the start time with these encoded minutes closest to `now`."""
    elapsed = (now - EPOCH).total_seconds() / 60
    cycles = round((elapsed - minutes) / PERIOD_MINUTES)
    return EPOCH + timedelta(minutes=minutes + cycles * PERIOD_MINUTES)


def encode_ups(index: int, started_at: datetime, seq: int) -> str:
    """Return "1Z" + shipper(6) + seq(2) + scenario digit + start minutes(6) + check digit.

    Raises ValueError when seq is not 0–99 or the scenario index has no shipper family.
    """
    family, digit = divmod(index, 10)
    if not 0 <= seq <= 99:
        raise ValueError("seq must be between 0 and 99")
    if family >= len(UPS_SHIPPERS):
        raise ValueError(f"scenario index {index} does not fit a UPS number")
    body = f"{UPS_SHIPPERS[family]}{seq:02d}{digit}{start_minutes(started_at):06d}"
    return "1Z" + body + ups_check_digit(body)


def decode_ups(number: str, now: datetime) -> tuple[int, datetime, int] | None:
    """Return (scenario index, started_at, seq) for an emulator 1Z number, else None."""
    number = number.replace(" ", "").upper()
    match = _UPS_NUMBER.match(number)
    if not match or not ups_check_digit_ok(number):
        return None
    shipper, seq, digit, minutes, _check = match.groups()
    if shipper not in UPS_SHIPPERS:
        return None
    index = UPS_SHIPPERS.index(shipper) * 10 + int(digit)
    return index, nearest_start(int(minutes), now), int(seq)
