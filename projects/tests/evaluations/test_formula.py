"""The formula's canonical JSON and decimal strings: the faster paths write exactly the bytes of the old ones,
so stored hashes stay reproducible without a new formula version."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from projects.services import evaluation_formula as formula
from projects.services.evaluation_inputs import _money


def _json_module(snapshot) -> bytes:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_canonical_json_is_the_json_module_s_bytes_for_every_code_point():
    for start in range(0, 0x110000, 4096):
        chars = "".join(chr(c) for c in range(start, min(start + 4096, 0x110000)) if not 0xD800 <= c <= 0xDFFF)
        snapshot = {"name": chars, chars[:8] or "k": [chars[-3:], 1, -7, None, True, False],
                    "b": {"z": [], "a": {}}, "a": 2**63 - 1}
        assert formula.canonical_json(snapshot) == _json_module(snapshot)


def test_canonical_json_falls_back_to_the_json_module_where_orjson_refuses():
    snapshot = {"big": 2**80, "nested": {"2": "x", "10": "y"}}
    assert formula.canonical_json(snapshot) == _json_module(snapshot)
    assert formula.canonical_json({1: "a"}) == _json_module({1: "a"})


@pytest.mark.parametrize("value", ["0", "-0", "0.005", "-0.005", "1.005", "2.675", "12345678901.994", "1E+3",
                                   "1E-9", "99.995", "-12.3", "7"])
def test_decimal_strings_are_the_fixed_point_form(value):
    number = Decimal(value)
    assert formula._s(number) == f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    assert _money(number) == f"{number.quantize(Decimal('0.01')):f}"
