"""Tracking-number codecs: scenario, start minute and sequence packed into valid numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from carriers.detect import (
    dhl_check_digit,
    fedex_express_check_digit,
    gs1_check_digit,
)
from carriers.detect import (
    ups_check_digit as _ups_check,
)

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
PERIOD_MINUTES = 10**6  # six digits of minutes: the start time repeats every ~694 days
DHL_PERIOD_MINUTES = 10**5  # DHL's ten digits leave five for minutes: every ~69 days
# The shipper-account field picks the scenario family; the scenario digit picks within it.
UPS_SHIPPERS = ("PLDEMO", "PLFALT")
FEDEX_PREFIX = "7"  # many FedEx Express numbers start with 7
USPS_PREFIX = "94001" + "202555"  # IMpb: channel 94, service type 001, mailer id 202555
EASYPOST_PREFIX = "92055" + "397976"  # a USPS IMpb too (EasyPost tracks USPS for us)
_UPS_NUMBER = re.compile(r"^1Z([0-9A-Z]{6})(\d{2})(\d)(\d{6})(\d)$")
_MAX_INDEX = 99

Decoded = tuple[int, datetime, int]  # (scenario index, started_at, seq)


def ups_check_digit(body: str) -> str:
    """Return the 1Z check digit over the 15 characters after "1Z" (carriers.md rule)."""
    return str(_ups_check(body))


def ups_check_digit_ok(number: str) -> bool:
    """Return True when an 18-character 1Z number's last character is its check digit."""
    number = number.upper()
    if not re.fullmatch(r"1Z[0-9A-Z]{16}", number):
        return False
    return ups_check_digit(number[2:17]) == number[17]


def start_minutes(started_at: datetime, period: int = PERIOD_MINUTES) -> int:
    """Return the start as minutes since EPOCH modulo `period`; needs an aware time."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    return int((started_at - EPOCH).total_seconds() // 60) % period


def nearest_start(minutes: int, now: datetime, period: int = PERIOD_MINUTES) -> datetime:
    """Return the start time with these encoded minutes closest to `now`."""
    elapsed = (now - EPOCH).total_seconds() / 60
    cycles = round((elapsed - minutes) / period)
    return EPOCH + timedelta(minutes=minutes + cycles * period)


def _check_seq(seq: int) -> None:
    if not 0 <= seq <= 99:
        raise ValueError("seq must be between 0 and 99")


def encode_ups(index: int, started_at: datetime, seq: int) -> str:
    """Return "1Z" + shipper(6) + seq(2) + scenario digit + start minutes(6) + check digit.

    Raises ValueError when seq is not 0–99 or the scenario index has no shipper family.
    """
    family, digit = divmod(index, 10)
    _check_seq(seq)
    if family >= len(UPS_SHIPPERS):
        raise ValueError(f"scenario index {index} does not fit a UPS number")
    body = f"{UPS_SHIPPERS[family]}{seq:02d}{digit}{start_minutes(started_at):06d}"
    return "1Z" + body + ups_check_digit(body)


def decode_ups(number: str, now: datetime) -> Decoded | None:
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


def _digits(index: int, started_at: datetime, seq: int, period: int) -> str:
    _check_seq(seq)
    if not 0 <= index <= _MAX_INDEX:
        raise ValueError(f"scenario index {index} does not fit two digits")
    width = len(str(period - 1))
    return f"{index:02d}{start_minutes(started_at, period):0{width}d}{seq:02d}"


def _undigits(body: str, now: datetime, period: int) -> Decoded:
    index, minutes, seq = int(body[:2]), int(body[2:-2]), int(body[-2:])
    return index, nearest_start(minutes, now, period), seq


def encode_fedex(index: int, started_at: datetime, seq: int) -> str:
    """Return a 12-digit FedEx Express number: "7" + scenario(2) + minutes(6) + seq(2) +
    check digit (weights 3,1,7; sum % 11 % 10)."""
    body = FEDEX_PREFIX + _digits(index, started_at, seq, PERIOD_MINUTES)
    return body + str(fedex_express_check_digit(body))


def decode_fedex(number: str, now: datetime) -> Decoded | None:
    """Return (scenario index, started_at, seq) for an emulator FedEx number, else None."""
    number = number.replace(" ", "")
    if not re.fullmatch(r"7\d{11}", number):
        return None
    if fedex_express_check_digit(number[:11]) != int(number[11]):
        return None
    return _undigits(number[1:11], now, PERIOD_MINUTES)


def _encode_impb(prefix: str, index: int, started_at: datetime, seq: int) -> str:
    body = prefix + _digits(index, started_at, seq, PERIOD_MINUTES)
    return body + str(gs1_check_digit(body))


def _decode_impb(prefix: str, number: str, now: datetime) -> Decoded | None:
    number = number.replace(" ", "")
    if len(number) != 22 or not number.isdigit() or not number.startswith(prefix):
        return None
    if gs1_check_digit(number[:21]) != int(number[21]):
        return None
    return _undigits(number[len(prefix) : 21], now, PERIOD_MINUTES)


def encode_usps(index: int, started_at: datetime, seq: int) -> str:
    """Return a 22-digit USPS IMpb: "94001" + mailer "202555" + scenario(2) + minutes(6) +
    seq(2) + GS1 mod-10 check digit."""
    return _encode_impb(USPS_PREFIX, index, started_at, seq)


def decode_usps(number: str, now: datetime) -> Decoded | None:
    """Return (scenario index, started_at, seq) for an emulator USPS number, else None."""
    return _decode_impb(USPS_PREFIX, number, now)


def encode_easypost(index: int, started_at: datetime, seq: int) -> str:
    """Return the USPS-shaped IMpb EasyPost numbers use: "92055" + mailer "397976" + the
    same fields as USPS's + GS1 check digit."""
    return _encode_impb(EASYPOST_PREFIX, index, started_at, seq)


def decode_easypost(number: str, now: datetime) -> Decoded | None:
    """Return (scenario index, started_at, seq) for an emulator EasyPost number, else None."""
    return _decode_impb(EASYPOST_PREFIX, number, now)


def encode_dhl(index: int, started_at: datetime, seq: int) -> str:
    """Return a 10-digit DHL Express number: scenario(2) + minutes mod 10^5 (5) + seq(2) +
    mod-7 check digit."""
    body = _digits(index, started_at, seq, DHL_PERIOD_MINUTES)
    return body + str(dhl_check_digit(body))


def decode_dhl(number: str, now: datetime) -> Decoded | None:
    """Return (scenario index, started_at, seq) for an emulator DHL number, else None."""
    number = number.replace(" ", "")
    if not re.fullmatch(r"\d{10}", number) or dhl_check_digit(number[:9]) != int(number[9]):
        return None
    return _undigits(number[:9], now, DHL_PERIOD_MINUTES)


CODECS: dict[
    str, tuple[Callable[[int, datetime, int], str], Callable[[str, datetime], Decoded | None]]
] = {
    "ups": (encode_ups, decode_ups),
    "fedex": (encode_fedex, decode_fedex),
    "usps": (encode_usps, decode_usps),
    "dhl": (encode_dhl, decode_dhl),
    "easypost": (encode_easypost, decode_easypost),
}
