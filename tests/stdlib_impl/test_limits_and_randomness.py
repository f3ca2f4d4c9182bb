"""SPEC §13 budgets in the builtins, and randomness only from the conversation's generator."""

from __future__ import annotations

import random

import pendulum
import pytest

from bubble_lang.limits import Limits
from bubble_lang.runtime.script_errors import LimitError
from bubble_lang.runtime.values import Captured, Record, Text
from bubble_lang.stdlib_impl import Context, call_builtin, validate_value

from .helpers import assert_house_style, call, make_ctx


def limit_error(ctx: Context, name: str, /, *args: object, **kwargs: object) -> LimitError:
    with pytest.raises(LimitError) as caught:
        call_builtin(ctx, name, list(args), kwargs)
    assert caught.value.code == "B450"
    assert_house_style(caught.value)
    return caught.value


def deep_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_range_is_refused_before_it_is_built(ctx: Context) -> None:
    error = limit_error(ctx, "range", 1, 10_000_000)
    assert error.message == "`range` would give 10,000,000 numbers, over the limit of 100,000"
    limit_error(ctx, "range", -(2**52), 2**52)
    limit_error(ctx, "range", 0, 2**60)  # the end itself is beyond the integer limit
    assert len(call(ctx, "range", 1, 100_000)) == 100_000
    small = make_ctx(limits=Limits(range_items=10))
    assert call(small, "range", 1, 10) == list(range(1, 11))
    limit_error(small, "range", 1, 11)
    assert call(small, "range", 0, 900, 100)[-1] == 900


def test_join_and_replace_growth_is_refused(ctx: Context) -> None:
    chunk = "x" * 100_000
    assert "over the limit of 1.0 MiB" in limit_error(ctx, "join", [chunk] * 11).message
    limit_error(ctx, "join", ["a"] * 10_000, "-" * 200)
    limit_error(ctx, "join_and", [chunk] * 11)
    limit_error(ctx, "replace", "a" * 100_000, "a", "b" * 12)
    limit_error(ctx, "replace", "a" * 200_000, "", "bcdefg")
    assert len(call(ctx, "join", [chunk] * 10)) == 1_000_000
    limit_error(ctx, "string", [chunk] * 11)
    limit_error(ctx, "format_number", 10**15, thousands="x" * 300_000)
    limit_error(ctx, "date_format", call(ctx, "date_now"), "{ISO}" * 50_000)


def test_string_limit_counts_utf8_bytes() -> None:
    small = make_ctx(limits=Limits(string_bytes=100))
    assert call(small, "join", ["é"] * 50) == "é" * 50  # 100 bytes: at the limit
    limit_error(small, "join", ["é"] * 51)
    limit_error(small, "upcase", "ŉ" * 40)  # 80 bytes become 120


def test_collections_are_refused_when_too_large(ctx: Context) -> None:
    limit_error(ctx, "split", "," * 20_000, ",")
    limit_error(ctx, "split", "a" * 20_000, "")
    limit_error(ctx, "split", "a " * 20_000)
    assert len(call(ctx, "split", "a " * 9_999)) == 9_999
    limit_error(ctx, "flatten", [[1] * 6_000, [2] * 6_000])
    full = {str(i): i for i in range(10_000)}
    limit_error(ctx, "put", full, "new", 1)
    assert len(call(ctx, "put", full, "0", 1)) == 10_000  # replacing a key does not grow it
    limit_error(ctx, "merge", {str(i): i for i in range(6_000)}, {f"k{i}": i for i in range(6_000)})


def test_integers_beyond_the_limit_are_refused(ctx: Context) -> None:
    assert call(ctx, "sum", [2**52, 2**52]) == 2**53
    limit_error(ctx, "sum", [2**53, 1])
    limit_error(ctx, "round", 1e300)
    limit_error(ctx, "floor", -1e17)
    limit_error(ctx, "number", "9007199254740993")
    assert call(ctx, "number", "9007199254740992") == 2**53
    limit_error(ctx, "number", "1" * 5_000)  # refused before Python's int() sees it
    limit_error(ctx, "number", "1" * 400 + ".5")  # a float that overflows
    limit_error(ctx, "abs", -(2**60))
    limit_error(ctx, "div", 2**60, 2)


def test_deep_nesting_is_refused_not_a_recursion_error(ctx: Context) -> None:
    deep = deep_list(5_000)
    for name, args in (("string", [deep]), ("join", [[deep]]), ("flatten", [deep]),
                       ("uniq", [[deep]]), ("contains", [[deep], 1])):
        message = limit_error(ctx, name, *args).message
        assert message == "the value is nested more than 64 levels deep"
    assert call(ctx, "flatten", deep_list(60)) == []


def test_validate_value() -> None:
    limits = Limits(string_bytes=10, collection_items=3, json_nesting=3)
    validate_value({"a": ["ok", 1, 2.5], "b": None}, limits)
    validate_value(Record("x", {"t": Text("hi"), "c": Captured("c", 1)}), limits)
    for bad in ("x" * 11, [1, 2, 3, 4], {"a": [[["deep"]]]}, {"k": "é" * 6}, 2**60,
                Text("y" * 11), Record("x", {"list": [1, 2, 3, 4]}), Captured("c", "z" * 20)):
        with pytest.raises(LimitError):
            validate_value(bad, limits)


def test_seeded_randomness_is_reproducible() -> None:
    def draws(seed: int) -> list:
        ctx = make_ctx(seed=seed)
        return [call(ctx, "random_int", 1, 1_000_000), call(ctx, "random_item", list(range(100))),
                call(ctx, "shuffle", list(range(20))), call(ctx, "random_int", -5, 5)]

    assert draws(42) == draws(42)
    assert draws(42) != draws(43)


def test_randomness_never_touches_the_global_generator() -> None:
    state = random.getstate()
    ctx = make_ctx(seed=1)
    items = [1, 2, 3, 4, 5]
    shuffled = call(ctx, "shuffle", items)
    call(ctx, "random_item", items)
    call(ctx, "random_int", 1, 6)
    assert random.getstate() == state
    assert items == [1, 2, 3, 4, 5] and sorted(shuffled) == items
    assert call(ctx, "random_item", []) is None
    assert call(ctx, "random_int", 3, 3) == 3


def test_random_draws_cover_their_range() -> None:
    ctx = make_ctx(seed=5)
    assert {call(ctx, "random_int", 1, 6) for _ in range(200)} == {1, 2, 3, 4, 5, 6}
    assert {call(ctx, "random_item", ["a", "b", "c"]) for _ in range(100)} == {"a", "b", "c"}


def test_the_clock_is_the_contexts() -> None:
    past = make_ctx(pendulum.datetime(1999, 12, 31, 23, 59, tz="UTC"), timezone="UTC")
    assert call(past, "date_format", call(past, "date_now"), "{YYYY}") == "1999"
