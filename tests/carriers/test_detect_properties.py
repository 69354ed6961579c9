"""Detection properties: each rule's valid numbers are found; corrupted ones are rejected."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from carriers import detect
from carriers.detect import (
    dhl_check_digit,
    fedex_express_check_digit,
    gs1_check_digit,
    s10_check_digit,
    ups_check_digit,
)

DIGITS = "0123456789"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def digits(n: int, m: int | None = None):
    return st.text(DIGITS, min_size=n, max_size=m if m is not None else n)


@st.composite
def ups_1z(draw):
    body = draw(st.text(ALNUM, min_size=15, max_size=15))
    return "1Z" + body + str(ups_check_digit(body))


@st.composite
def ups_waybill(draw):
    body = draw(digits(9))
    return draw(st.sampled_from("AHJKTV")) + body + str(ups_check_digit(body))


@st.composite
def fedex_12(draw):
    data = draw(digits(11))
    return data + str(fedex_express_check_digit(data))


@st.composite
def fedex_15(draw):
    data = draw(digits(14))
    return data + str(gs1_check_digit(data))


@st.composite
def fedex_96(draw):
    head, data = draw(digits(5)), draw(digits(14))
    return "96" + head + data + str(gs1_check_digit(data))


@st.composite
def usps_impb(draw):
    data = draw(st.sampled_from(["91", "92", "93", "94", "95"])) + draw(digits(17, 19))
    return data + str(gs1_check_digit(data))


@st.composite
def upu_s10(draw):
    serial = draw(digits(8))
    service = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2))
    return service + serial + str(s10_check_digit(serial)) + "US"


@st.composite
def dhl_express(draw):
    data = draw(digits(9, 10))
    return data + str(dhl_check_digit(data))


# kind → (carrier, strategy, positions a GS1 check covers or None for "check digit only")
RULES = {
    "ups_1z": ("ups", ups_1z(), None),
    "ups_waybill": ("ups", ups_waybill(), None),
    "fedex_express_12": ("fedex", fedex_12(), None),
    "fedex_ground_15": ("fedex", fedex_15(), range(0, 15)),
    "fedex_ground_96": ("fedex", fedex_96(), range(7, 22)),
    "usps_impb": ("usps", usps_impb(), "all"),
    "upu_s10": ("usps", upu_s10(), None),
    "dhl_express": ("dhl", dhl_express(), None),
}
KINDS = st.sampled_from(sorted(RULES))


def kinds_of(number: str) -> set[tuple[str, str]]:
    return {(c.carrier, c.kind) for c in detect(number)}


@st.composite
def valid(draw):
    kind = draw(KINDS)
    carrier, strategy, _ = RULES[kind]
    return kind, carrier, draw(strategy)


@settings(max_examples=300, database=None)
@given(valid(), st.lists(st.sampled_from([" ", "-"]), max_size=3), st.booleans())
def test_numbers_built_by_each_rule_are_detected_for_their_carrier(rule, separators, lower):
    kind, carrier, number = rule
    spaced = number
    for index, separator in enumerate(separators):
        cut = (index * 5 + 3) % len(spaced)
        spaced = spaced[:cut] + separator + spaced[cut:]
    if lower:
        spaced = spaced.lower()
    found = detect(spaced)

    assert (carrier, kind) in {(c.carrier, c.kind) for c in found}
    assert next(c for c in found if c.kind == kind).number == number


@settings(max_examples=300, database=None)
@given(
    st.sampled_from(["fedex_ground_15", "fedex_ground_96", "usps_impb"]),
    st.data(),
)
def test_any_single_digit_change_breaks_the_gs1_shapes(kind, data):
    carrier, strategy, positions = RULES[kind]
    number = data.draw(strategy)
    checked = range(len(number)) if positions == "all" else positions
    position = data.draw(st.sampled_from(list(checked)))
    digit = data.draw(st.sampled_from(DIGITS.replace(number[position], "")))
    changed = number[:position] + digit + number[position + 1 :]

    assert (carrier, kind) not in kinds_of(changed)


@settings(max_examples=300, database=None)
@given(
    st.sampled_from(["ups_1z", "ups_waybill", "fedex_express_12", "upu_s10", "dhl_express"]),
    st.data(),
)
def test_a_wrong_check_digit_is_rejected(kind, data):
    carrier, strategy, _ = RULES[kind]
    number = data.draw(strategy)
    at = len(number) - 3 if kind == "upu_s10" else len(number) - 1
    digit = data.draw(st.sampled_from(DIGITS.replace(number[at], "")))
    wrong = number[:at] + digit + number[at + 1 :]
    assume(wrong != number)

    assert (carrier, kind) not in kinds_of(wrong)


@settings(max_examples=200, database=None)
@given(st.text(max_size=40))
def test_detect_never_raises_and_candidates_are_normalised(text):
    for candidate in detect(text):
        assert candidate.number == candidate.number.upper().replace(" ", "").replace("-", "")
        assert candidate.carrier in {"ups", "fedex", "usps", "dhl"}
