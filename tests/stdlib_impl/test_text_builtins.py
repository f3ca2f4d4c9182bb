"""Text builtins: values, messages and captures as text, errors in house style."""

from __future__ import annotations

import pendulum
import pytest

from bubble_lang.runtime.values import Atom, Captured, Record, Text
from bubble_lang.stdlib_impl import Context

from .helpers import call, fails


def test_length_counts_characters_items_and_entries(ctx: Context) -> None:
    assert call(ctx, "length", "héllo") == 5
    assert call(ctx, "length", "😀") == 1
    assert call(ctx, "length", []) == 0
    assert call(ctx, "length", {"a": 1, "b": 2}) == 2
    assert call(ctx, "length", None) == 0
    assert call(ctx, "length", Text("hi there", {"intent": None})) == 8
    assert call(ctx, "length", Captured("ann@example.com", "ann@example.com", "email")) == 15


def test_length_of_a_number_is_a_type_error(ctx: Context) -> None:
    error = fails(ctx, "length", 5, code="B401")
    assert error.message == "`length` needs a text, a list or a map, got an integer"
    assert "got a boolean" in fails(ctx, "length", True).message


@pytest.mark.parametrize(("name", "given", "expected"), [
    ("upcase", "straße", "STRASSE"),
    ("downcase", "ÉCOLE", "école"),
    ("capitalize", "élan VITAL", "Élan vital"),
    ("capitalize", "", ""),
    ("trim", "\t hi there \r\n", "hi there"),
    ("trim", "   ", ""),
])
def test_case_and_trim(ctx: Context, name: str, given: str, expected: str) -> None:
    assert call(ctx, name, given) == expected
    assert call(ctx, name, Text(given)) == expected


@pytest.mark.parametrize("name", ["upcase", "downcase", "capitalize", "trim", "starts_with"])
def test_text_functions_refuse_other_types(ctx: Context, name: str) -> None:
    args = [42] if name != "starts_with" else [42, "4"]
    error = fails(ctx, name, *args, code="B401")
    assert error.message.startswith(f"`{name}` needs a text")
    assert error.message.endswith("got an integer")


def test_nil_gets_a_hint_about_unset_variables(ctx: Context) -> None:
    assert "never set" in fails(ctx, "upcase", None).hint


def test_split(ctx: Context) -> None:
    assert call(ctx, "split", "a,,b", ",") == ["a", "", "b"]
    assert call(ctx, "split", "a b", "") == ["a", " ", "b"]
    assert call(ctx, "split", "") == []
    assert call(ctx, "split", "one\ttwo\nthree") == ["one", "two", "three"]
    assert call(ctx, "split", Text("x-y"), Captured("-")) == ["x", "y"]
    assert fails(ctx, "split", "a", 1).message == "`split` needs a text for `separator`, got an integer"


def test_join_writes_items_as_string_does(ctx: Context) -> None:
    assert call(ctx, "join", []) == ""
    assert call(ctx, "join", ["a"], "-") == "a"
    assert call(ctx, "join", [1, 2.5, True, None, Atom("x")], " ") == "1 2.5 true  x"
    assert call(ctx, "join", [[1, "a"], {"k": "v"}], "; ") == '[1, "a"]; %{k: "v"}'
    assert call(ctx, "join", [Text("hi"), Captured("you")], " ") == "hi you"
    assert fails(ctx, "join", "abc").message == "`join` needs a list, got a text"


def test_join_and(ctx: Context) -> None:
    assert call(ctx, "join_and", []) == ""
    assert call(ctx, "join_and", ["tea"]) == "tea"
    assert call(ctx, "join_and", ["a", "b"]) == "a and b"
    assert call(ctx, "join_and", [{"title": "Pizza"}, {"title": "Pasta"}, "salad"], "or") == "Pizza, Pasta or salad"
    assert call(ctx, "join_and", [1, 2, 3]) == "1, 2 and 3"
    assert call(ctx, "join_and", [Record("intent", {"label": "Yes"}), "no"]) == "Yes and no"


def test_replace(ctx: Context) -> None:
    assert call(ctx, "replace", "aaa", "a", "bb") == "bbbbbb"
    assert call(ctx, "replace", "Hello", "h", "J") == "Hello"
    assert call(ctx, "replace", "ab", "", "-") == "-a-b-"
    assert call(ctx, "replace", "a.b", ".", "") == "ab"
    assert fails(ctx, "replace", "a", "a", None).message == "`replace` needs a text for `replacement`, got nil"


def test_contains(ctx: Context) -> None:
    assert call(ctx, "contains", "Hello", "hell") is False
    assert call(ctx, "contains", Text("hello"), "ell") is True
    assert call(ctx, "contains", [1, 2.0], 2) is True
    assert call(ctx, "contains", ["1"], 1) is False
    assert call(ctx, "contains", [True], 1) is False
    assert call(ctx, "contains", ["yes"], Text("yes")) is True
    assert call(ctx, "contains", [[1, 2]], [1, 2]) is True
    assert call(ctx, "contains", {"a": 1}, "a") is True
    assert call(ctx, "contains", {"a": 1}, Atom("a")) is True
    assert call(ctx, "contains", {"a": 1}, 1) is False
    assert call(ctx, "contains", None, "x") is False
    assert fails(ctx, "contains", 12, 1).message == "`contains` needs a text, a list or a map, got an integer"
    assert fails(ctx, "contains", "12", 1).message == "`contains` needs a text for `part`, got an integer"


def test_starts_and_ends_with(ctx: Context) -> None:
    assert call(ctx, "starts_with", "hello", "") is True
    assert call(ctx, "starts_with", "hello", "He") is False
    assert call(ctx, "ends_with", Text("photo.PNG"), ".png") is False
    assert call(ctx, "ends_with", "photo.png", Captured(".png")) is True


@pytest.mark.parametrize(("given", "expected"), [
    ("0", 0), ("-17", -17), ("+5", 5), ("007", 7), ("1,234", 1234), ("1,234,567.5", 1234567.5),
    ("1_000_000", 1000000), (".5", 0.5), ("3.0", 3.0), ("  12  ", 12), ("\n-0.25\t", -0.25),
    ("1,23", None), ("12,3456", None), ("1__0", None), ("1.2.3", None), ("", None), ("-", None),
    ("1e3", None), ("١٢", None), ("0x10", None), ("ten", None), ("NaN", None), ("inf", None),
])
def test_number_reads_text(ctx: Context, given: str, expected: object) -> None:
    result = call(ctx, "number", given)
    assert result == expected and type(result) is type(expected)


def test_number_passes_numbers_and_gives_nil_for_the_rest(ctx: Context) -> None:
    assert call(ctx, "number", 42) == 42
    assert call(ctx, "number", 2.5) == 2.5
    assert call(ctx, "number", True) is None
    assert call(ctx, "number", None) is None
    assert call(ctx, "number", [1]) is None
    assert call(ctx, "number", Captured("twelve", 12, "number")) == 12
    assert call(ctx, "number", Text("3")) == 3


@pytest.mark.parametrize(("given", "expected"), [
    (None, ""), ("text", "text"), (Text("msg"), "msg"), (Atom("ok"), "ok"), (True, "true"),
    (3.0, "3"), (0.1, "0.1"), (-7, "-7"), ([], "[]"), ({}, "%{}"),
    ([None, True, Atom("a"), 1.5], "[nil, true, :a, 1.5]"),
    ({"title": "x", "two words": [1]}, '%{title: "x", "two words": [1]}'),
    (['say "hi"\n', "#{x}"], '["say \\"hi\\"\\n", "\\#{x}"]'),
    (pendulum.duration(seconds=5400), "1h30m"),
    (pendulum.duration(days=1, seconds=5), "1d5s"),
    (pendulum.datetime(2024, 3, 5, 9, 5, 7, tz="Europe/Amsterdam"), "2024-03-05T09:05:07+01:00"),
    (Record("intent", {"label": "Yes"}), "Yes"),
])
def test_string(ctx: Context, given: object, expected: str) -> None:
    assert call(ctx, "string", given) == expected


@pytest.mark.parametrize(("args", "options", "expected"), [
    ((1234567,), {}, "1,234,567"),
    ((-1234.5,), {}, "-1,234.5"),
    ((999,), {}, "999"),
    ((1000.0,), {}, "1,000"),
    ((0.1,), {}, "0.1"),
    ((2.675, 2), {}, "2.68"),
    ((-2.5, 0), {}, "-3"),
    ((-0.001, 2), {}, "0.00"),
    ((5, 2), {}, "5.00"),
    ((1234.5, 1), {"thousands": " ", "decimal": ","}, "1 234,5"),
    ((1234567,), {"thousands": ""}, "1234567"),
    ((1e21,), {}, "1,000,000,000,000,000,000,000"),
])
def test_format_number(ctx: Context, args: tuple, options: dict, expected: str) -> None:
    assert call(ctx, "format_number", *args, **options) == expected


def test_format_number_errors(ctx: Context) -> None:
    assert fails(ctx, "format_number", "12", code="B401").hint.startswith("read a number")
    assert fails(ctx, "format_number", 1, 2.5).message == "`format_number` needs an integer for `decimals`, got a number"
    assert fails(ctx, "format_number", 1, -1, code="B403").message == "`format_number` cannot show -1 decimals"
    assert fails(ctx, "format_number", 1, 99, code="B403")
    assert fails(ctx, "format_number", 1, thousands=1).message.endswith("for `thousands`, got an integer")
