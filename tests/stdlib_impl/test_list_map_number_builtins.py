"""List, map and number builtins: ordering, field queries, copies, rounding, integer division."""

from __future__ import annotations

import pendulum
import pytest

from bubble_lang.runtime.values import Atom, Captured, Record, Text
from bubble_lang.stdlib_impl import Context

from .helpers import call, fails

MENU = [
    {"title": "Pizza", "price": 12, "veggie": True},
    {"title": "Steak", "price": 25, "veggie": False},
    {"title": "Soup", "price": 7.5},
    {"title": "Salad", "price": 12, "veggie": True},
]


def test_first_last_and_count(ctx: Context) -> None:
    assert call(ctx, "first", [None, 1]) is None
    assert call(ctx, "last", []) is None
    assert call(ctx, "count", []) == 0
    assert call(ctx, "count", [1, 1.0, "1", True], 1) == 2
    assert call(ctx, "count", [None, 1, None], None) == 2
    assert call(ctx, "count", ["a", Text("a")], "a") == 2
    assert fails(ctx, "first", "abc").message == "`first` needs a list, got a text"
    assert fails(ctx, "last", None).message == "`last` needs a list, got nil"


def test_sort_orders_each_kind(ctx: Context) -> None:
    assert call(ctx, "sort", [2.5, -1, 2]) == [-1, 2, 2.5]
    assert call(ctx, "sort", ["b", "a", "B", "A"]) == ["a", "A", "b", "B"]
    assert call(ctx, "sort", ["b", Text("a"), Atom("c")]) == [Text("a"), "b", Atom("c")]
    assert call(ctx, "sort", [None, 3, None, 1]) == [None, None, 1, 3]
    assert call(ctx, "sort", [3, None, 1], Atom("desc")) == [3, 1, None]
    assert call(ctx, "sort", [True, False]) == [False, True]
    early = pendulum.datetime(2024, 1, 1, tz="UTC")
    late = pendulum.datetime(2024, 1, 1, 5, tz="Asia/Tokyo")  # earlier instant, later wall clock
    assert call(ctx, "sort", [early, late]) == [late, early]
    assert call(ctx, "sort", [pendulum.duration(hours=1), pendulum.duration(minutes=5)])[0] == pendulum.duration(minutes=5)
    assert call(ctx, "sort", [], "desc") == []


def test_sort_errors(ctx: Context) -> None:
    error = fails(ctx, "sort", [1, "a"], code="B401")
    assert error.message == "`sort` cannot order a text among numbers (item 2)"
    assert fails(ctx, "sort", [{"a": 1}]).message == "`sort` cannot order a map (item 1)"
    assert fails(ctx, "sort", [1], Atom("up"), code="B403").message == "`sort` has no order `up`"


def test_sort_by_is_stable_both_ways(ctx: Context) -> None:
    up = call(ctx, "sort_by", MENU, "price")
    assert [m["title"] for m in up] == ["Soup", "Pizza", "Salad", "Steak"]
    down = call(ctx, "sort_by", MENU, Atom("price"), Atom("desc"))
    assert [m["title"] for m in down] == ["Steak", "Pizza", "Salad", "Soup"]
    missing = call(ctx, "sort_by", MENU, "veggie")
    assert missing[0]["title"] == "Soup"  # nil first
    records = [Record("x", {"n": 2}), Record("x", {"n": 1})]
    assert call(ctx, "sort_by", records, "n")[0].fields["n"] == 1
    assert fails(ctx, "sort_by", [1, 2], "n").message == "`sort_by` needs a list of maps, item 1 is an integer"
    assert fails(ctx, "sort_by", MENU, 3).message == "`sort_by` needs a text or an atom for `field`, got an integer"


def test_reverse_uniq_flatten(ctx: Context) -> None:
    original = [1, 2, 3]
    assert call(ctx, "reverse", original) == [3, 2, 1] and original == [1, 2, 3]
    assert call(ctx, "uniq", [1, 1.0, True, "1", None, None, [1], [1.0], {"a": 1}, {"a": 1}]) == \
        [1, True, "1", None, [1], {"a": 1}]
    assert call(ctx, "uniq", ["a", Text("a"), Captured("a")]) == ["a"]
    assert call(ctx, "flatten", []) == []
    assert call(ctx, "flatten", [[], [[]], [1, [2, [3, [4]]]], {"a": [1]}]) == [1, 2, 3, 4, {"a": [1]}]


@pytest.mark.parametrize(("name", "n", "expected"), [
    ("take", 0, []), ("take", 10, [1, 2, 3]), ("take", -2, [2, 3]), ("take", -10, [1, 2, 3]),
    ("drop", 0, [1, 2, 3]), ("drop", 5, []), ("drop", -1, [1, 2]), ("drop", -10, []),
])
def test_take_and_drop(ctx: Context, name: str, n: int, expected: list) -> None:
    assert call(ctx, name, [1, 2, 3], n) == expected


def test_take_needs_an_integer(ctx: Context) -> None:
    assert fails(ctx, "take", [1], 1.0).message == "`take` needs an integer for `n`, got a number"
    assert fails(ctx, "drop", [1], True).message == "`drop` needs an integer for `n`, got a boolean"


def test_pluck_filter_find(ctx: Context) -> None:
    assert call(ctx, "pluck", MENU, Atom("veggie")) == [True, False, None, True]
    assert [m["title"] for m in call(ctx, "filter", MENU, "price", 12.0)] == ["Pizza", "Salad"]
    assert call(ctx, "filter", MENU, "veggie", None) == [MENU[2]]
    assert call(ctx, "find", MENU, "title", Text("Soup")) is MENU[2]
    assert call(ctx, "find", MENU, "title", "Fish") is None
    assert call(ctx, "filter", [], "x", 1) == []
    assert fails(ctx, "find", [MENU[0], "x"], "title", "nope").message == "`find` needs a list of maps, item 2 is a text"


def test_sum_min_max(ctx: Context) -> None:
    assert call(ctx, "sum", []) == 0
    assert type(call(ctx, "sum", [1, 2])) is int
    assert call(ctx, "sum", [0.1, 0.2, 1]) == pytest.approx(1.3)
    assert fails(ctx, "sum", [1, "2"]).message == "`sum` needs a list of numbers, item 2 is a text"
    assert fails(ctx, "sum", [True]).message == "`sum` needs a list of numbers, item 1 is a boolean"
    assert call(ctx, "min", []) is None
    assert call(ctx, "max", 7) == 7
    assert call(ctx, "min", ["b", "A", "c"]) == "A"
    assert call(ctx, "max", [1, 2.5, 2]) == 2.5
    assert fails(ctx, "max", [1, 2], [3]).message == "`max` cannot order a list (item 1)"
    assert fails(ctx, "max", 1, "a").message == "`max` cannot order a text among numbers (item 2)"


def test_range(ctx: Context) -> None:
    assert call(ctx, "range", 5, 5) == [5]
    assert call(ctx, "range", -2, 2) == [-2, -1, 0, 1, 2]
    assert call(ctx, "range", 10, 0, -5) == [10, 5, 0]
    assert call(ctx, "range", 0, 10, 3) == [0, 3, 6, 9]
    assert fails(ctx, "range", 0, 5, 0, code="B403").message == "`range` cannot count with a step of 0"
    assert fails(ctx, "range", 5, 0, 1, code="B403").message == "`range` with step 1 never gets from 5 to 0"
    assert fails(ctx, "range", 0, 1.5).message == "`range` needs an integer for `to`, got a number"


def test_maps_are_copied_not_changed(ctx: Context) -> None:
    original = {"a": 1, "b": 2}
    assert call(ctx, "put", original, "c", 3) == {"a": 1, "b": 2, "c": 3}
    assert call(ctx, "put", original, Atom("a"), None) == {"a": None, "b": 2}
    assert call(ctx, "delete", original, "a") == {"b": 2}
    assert call(ctx, "delete", original, "zzz") == original
    assert call(ctx, "merge", original, {"b": 3}, {"c": 4}, {"a": 0}) == {"a": 0, "b": 3, "c": 4}
    assert original == {"a": 1, "b": 2}
    assert call(ctx, "keys", original) == ["a", "b"]
    assert call(ctx, "values", {}) == []


def test_get_reads_maps_lists_records_and_nil(ctx: Context) -> None:
    assert call(ctx, "get", {"a": None}, "a", 5) is None  # present, even if nil
    assert call(ctx, "get", {"1": "one"}, 1) == "one"
    assert call(ctx, "get", [10, 20], 0) == 10
    assert call(ctx, "get", [10, 20], 2, "none") == "none"
    assert call(ctx, "get", [10, 20], -1) is None
    assert call(ctx, "get", None, "a") is None
    assert call(ctx, "get", Record("intent", {"label": "Yes"}), Atom("label")) == "Yes"
    assert call(ctx, "get", Text("hi", {"email": "a@b.c"}), "email") == "a@b.c"
    assert fails(ctx, "get", [1], "a").message == "`get` needs an integer index for `key`, got a text"
    assert fails(ctx, "get", 5, "a").message == "`get` needs a map or a list, got an integer"
    assert fails(ctx, "put", {}, [1], 2).message == "`put` needs a text or an atom for `key`, got a list"
    assert fails(ctx, "keys", [["a", 1]]).message == "`keys` needs a map, got a list"
    assert fails(ctx, "merge", {}, {}, 3).message == "`merge` needs a map for `more`, got an integer"


@pytest.mark.parametrize(("args", "expected"), [
    ((0.5,), 1), ((1.5,), 2), ((-0.5,), -1), ((2.4999,), 2), ((7,), 7), ((2.675, 2), 2.68),
    ((1.005, 2), 1.01), ((-1.25, 1), -1.3), ((1234.5, -2), 1200.0), ((1250, -2), 1300), ((5, 2), 5),
])
def test_round_half_away_from_zero(ctx: Context, args: tuple, expected: object) -> None:
    result = call(ctx, "round", *args)
    assert result == expected and type(result) is type(expected)


def test_floor_ceil_abs(ctx: Context) -> None:
    assert call(ctx, "floor", 3) == 3
    assert call(ctx, "ceil", -2.5) == -2
    assert type(call(ctx, "ceil", 2.0)) is int
    assert call(ctx, "abs", -2.5) == 2.5
    assert call(ctx, "abs", 0) == 0
    assert fails(ctx, "abs", "-3").message == "`abs` needs a number, got a text"
    assert fails(ctx, "round", 1.5, 16, code="B403").message == "`round` cannot round to 16 digits"


@pytest.mark.parametrize(("a", "b", "quotient", "remainder"), [
    (7, 2, 3, 1), (-7, 2, -3, -1), (7, -2, -3, 1), (-7, -2, 3, -1), (6, 3, 2, 0), (0, 5, 0, 0),
])
def test_div_and_rem_truncate_toward_zero(ctx: Context, a: int, b: int, quotient: int, remainder: int) -> None:
    assert call(ctx, "div", a, b) == quotient
    assert call(ctx, "rem", a, b) == remainder
    assert call(ctx, "div", a, b) * b + call(ctx, "rem", a, b) == a


def test_div_errors(ctx: Context) -> None:
    error = fails(ctx, "rem", 1, 0, code="B402")
    assert error.message == "`rem` divides by zero"
    assert fails(ctx, "div", 7.0, 2, code="B401").message == "`div` needs an integer, got a number"
    assert fails(ctx, "random_int", 5, 1, code="B403")
