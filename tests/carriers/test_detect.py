"""Tracking-number detection: shapes, check digits, normalisation and ranking."""

from __future__ import annotations

import importlib

import pytest

from carriers import Candidate, detect
from carriers.detect import RULES, detect_carriers, s10_check_digit


@pytest.mark.parametrize(
    ("number", "carrier", "kind", "normalised"),
    [
        ("1Z999AA10123456784", "ups", "ups_1z", "1Z999AA10123456784"),
        ("1z 999 aa1 0123 4567 84", "ups", "ups_1z", "1Z999AA10123456784"),
        ("H1234567890"[:-1] + "1", None, None, None),
        ("986578788855", "fedex", "fedex_express_12", "986578788855"),
        ("4771-7908-1230", "fedex", "fedex_express_12", "477179081230"),
        ("449044304137821", "fedex", "fedex_ground_15", "449044304137821"),
        ("9611020987654312345672", "fedex", "fedex_ground_96", "9611020987654312345672"),
        ("EA 123 456 785 US", "usps", "upu_s10", "EA123456785US"),
        ("RR123456785CN", "usps", "upu_s10_inbound", "RR123456785CN"),
        ("3318810025", "dhl", "dhl_express", "3318810025"),
        ("73891051146", "dhl", "dhl_express", "73891051146"),
    ],
)
def test_known_numbers(number, carrier, kind, normalised):
    found = detect(number)
    if carrier is None:
        assert found == []
    else:
        assert found[0] == Candidate(carrier, kind, normalised)


def test_ups_waybill_uses_the_1z_mod_10_over_its_nine_digits():
    from carriers.detect import ups_check_digit

    body = "123456789"
    number = f"K{body}{ups_check_digit(body)}"
    assert detect(number) == [Candidate("ups", "ups_waybill", number)]
    assert detect("B" + number[1:]) == []  # only A, H, J, K, T and V start a waybill


def test_usps_impb_with_and_without_the_420_zip_prefix():
    from carriers.detect import gs1_check_digit

    data = "940011189922303300528"
    impb = data + str(gs1_check_digit(data))
    for prefix in ("", "42011201", "420112011234"):
        assert detect(prefix + impb) == [Candidate("usps", "usps_impb", impb)]
    for length in (20, 21):
        short = "92" + "3" * (length - 3)
        short += str(gs1_check_digit(short))
        assert detect(short)[0].kind == "usps_impb"


def test_s10_check_digit_special_cases():
    # r = 0 → 5 and r = 1 → 0 (carriers.md)
    remainders = {s10_check_digit(f"{n:08d}") for n in range(0, 3000, 7)}
    assert remainders <= set(range(10))
    assert s10_check_digit("12345678") == 5  # UPU's own example EA 12345678 5 US


def test_ambiguous_numbers_return_every_candidate_in_rule_order(monkeypatch):
    # `carriers.detect` the attribute is the function; the module is in sys.modules.
    detection = importlib.import_module("carriers.detect")
    rules = (("usps", "usps_impb", lambda n: n), ("dhl", "dhl_express", lambda n: n + "!"))
    monkeypatch.setattr(detection, "RULES", rules)

    assert detect("123") == [
        Candidate("usps", "usps_impb", "123"),
        Candidate("dhl", "dhl_express", "123!"),
    ]
    assert detect_carriers("123") == ["usps", "dhl"]


def test_rules_rank_prefix_anchored_shapes_before_bare_digit_counts():
    kinds = [kind for _, kind, _ in RULES]
    bare = kinds.index("fedex_express_12")
    assert {"ups_1z", "ups_waybill", "fedex_ground_96", "usps_impb", "upu_s10"} == set(kinds[:bare])
    assert kinds[-1] == "upu_s10_inbound"


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "hello world", "1Z999AA1012345678", "12345", "ñ1234567890", "1Z999AA1/123456784"],
)
def test_garbage_detects_nothing(garbage):
    assert detect(garbage) == []
