"""Constants are measured once per bot (SPEC §13) and every turn's meter trusts those sizes: a
value built from constants is still held to the limits, and only the very objects measured are
trusted (a different object with the same contents is measured afresh)."""

from __future__ import annotations

import pytest

from bubble_lang.limits import Limits
from bubble_lang.runtime.script_errors import LimitError
from bubble_lang.runtime.value_bounds import ValueMeter, constant_sizes

LIMITS = Limits(value_bytes=10_000)


def test_a_value_built_from_constants_is_still_held_to_the_limit():
    big = ["x" * 1000 for _ in range(6)]  # about 6 KB: within the limit
    shared = constant_sizes({"big": big}, LIMITS)
    meter = ValueMeter(LIMITS, shared)
    size, depth = meter.measure({"a": big})
    assert size > 6000 and depth == 2
    with pytest.raises(LimitError):
        meter.measure([big, big])  # 12 KB written out


def test_only_the_measured_objects_are_trusted():
    big = ["x" * 1000 for _ in range(6)]
    shared = constant_sizes({"big": big}, LIMITS)
    lookalike = list(big) + ["y" * 9000]  # not the constant: measured for what it is
    with pytest.raises(LimitError):
        ValueMeter(LIMITS, shared).measure(lookalike)


def test_a_constant_over_a_limit_is_left_to_the_turn_that_uses_it():
    huge = ["x" * 6000, "y" * 6000]
    assert id(huge) not in constant_sizes({"huge": huge}, LIMITS)
    with pytest.raises(LimitError):
        ValueMeter(LIMITS, constant_sizes({"huge": huge}, LIMITS)).measure({"h": huge})
