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


def test_the_meter_does_not_keep_every_value_of_a_turn_alive():
    """`m = put(m, k, v)` in a loop: remembering every map held 1.3 GB at 10,000 items."""
    import tracemalloc

    from bubble_lang.limits import DEFAULT_LIMITS

    meter = ValueMeter(DEFAULT_LIMITS)
    grown: dict[str, int] = {}
    tracemalloc.start()
    try:
        for i in range(3000):
            grown = {**grown, str(i): i}
            meter.check(grown)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 80 * 2**20, f"{peak / 2**20:.0f} MiB"


def test_forgetting_still_stops_a_value_that_doubles(monkeypatch):
    from bubble_lang.runtime import value_bounds

    monkeypatch.setattr(value_bounds, "_RETAINED_ITEMS", 3)
    meter = ValueMeter(LIMITS)
    x: list = ["x" * 100]
    with pytest.raises(LimitError):
        for _ in range(30):
            x = [x, x]
            meter.check(x)
