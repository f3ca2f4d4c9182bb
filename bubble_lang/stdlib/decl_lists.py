"""Declarations of the list builtins (layer 4): data for the registry, no implementations.

Functions that look at a field (`sort_by`, `pluck`, `filter`, `find`) take its name as text or
an atom and read maps and keyword lists alike; a missing field reads as `nil`.
"""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_list = partial(declare, category="lists")

DECLARATIONS: tuple[Builtin, ...] = (
    _list(
        "first", "list", "any",
        """Gives the first item of a list, or `nil` when it is empty.""",
        'first(["a", "b"]) -> "a"',
        "first([]) -> nil",
    ),
    _list(
        "last", "list", "any",
        """Gives the last item of a list, or `nil` when it is empty.""",
        'last(["a", "b"]) -> "b"',
    ),
    _list(
        "count", "list, value?", "number",
        """Counts the items of a list; with a value, counts only the items equal to it.""",
        "count([1, 2, 1]) -> 3",
        "count([1, 2, 1], 1) -> 2",
    ),
    _list(
        "sort", "list, order?", "list",
        """Sorts a list: numbers by value, texts alphabetically ignoring case, date-times by
        time; `order` is `:asc` (default) or `:desc`. Mixing numbers and texts is an error.""",
        "sort([3, 1, 2]) -> [1, 2, 3]",
        'sort(["b", "A", "c"], :desc) -> ["c", "b", "A"]',
    ),
    _list(
        "sort_by", "list, field, order?", "list",
        """Sorts a list of maps by the value of one field, as `sort` compares values; items
        with equal values keep their order; `order` is `:asc` (default) or `:desc`.""",
        'sort_by([%{n: 2}, %{n: 1}], "n") -> [%{n: 1}, %{n: 2}]',
        'sort_by(@menu, :price, :desc) -> the most expensive first',
    ),
    _list(
        "reverse", "list", "list",
        """Gives the items of a list in the opposite order.""",
        "reverse([1, 2, 3]) -> [3, 2, 1]",
    ),
    _list(
        "uniq", "list", "list",
        """Removes repeated items, keeping the first occurrence of each, in order.""",
        'uniq(["a", "b", "a"]) -> ["a", "b"]',
    ),
    _list(
        "flatten", "list", "list",
        """Turns a list of lists, nested to any depth, into one flat list.""",
        "flatten([1, [2, [3]]]) -> [1, 2, 3]",
    ),
    _list(
        "take", "list, n", "list",
        """Gives the first `n` items of a list (all of them when it is shorter); a negative
        `n` gives the last items instead.""",
        "take([1, 2, 3], 2) -> [1, 2]",
        "take([1, 2, 3], -1) -> [3]",
    ),
    _list(
        "drop", "list, n", "list",
        """Gives the list without its first `n` items; a negative `n` drops the last items
        instead.""",
        "drop([1, 2, 3], 1) -> [2, 3]",
    ),
    _list(
        "pluck", "list, field", "list",
        """Gives, for each map of the list, the value of one field (`nil` where missing).""",
        'pluck([%{title: "a"}, %{title: "b"}], "title") -> ["a", "b"]',
    ),
    _list(
        "filter", "list, field, value", "list",
        """Keeps the maps of the list whose field equals the value, in order (the call form
        of the query `@menu[field: value]`).""",
        'filter([%{n: 1}, %{n: 2}], "n", 2) -> [%{n: 2}]',
        'filter(@menu, :veggie, true) -> the vegetarian items',
    ),
    _list(
        "find", "list, field, value", "any",
        """Gives the first map of the list whose field equals the value, or `nil`.""",
        'find([%{id: 1}, %{id: 2}], "id", 2) -> %{id: 2}',
    ),
    _list(
        "sum", "list", "number",
        """Adds up a list of numbers; an empty list gives 0.""",
        "sum([1, 2, 3.5]) -> 6.5",
    ),
    _list(
        "min", "values, more...", "any",
        """Gives the smallest value, compared as `sort` does: of one list argument, or of all
        the arguments; an empty list gives `nil`.""",
        "min([3, 1, 2]) -> 1",
        "min(3, 1, 2) -> 1",
    ),
    _list(
        "max", "values, more...", "any",
        """Gives the largest value, compared as `sort` does: of one list argument, or of all
        the arguments; an empty list gives `nil`.""",
        "max([3, 1, 2]) -> 3",
        "max(4, 9) -> 9",
    ),
    _list(
        "range", "from, to, step?", "list",
        """Gives the integers from `from` to `to`, both included, `step` apart (default 1, or
        -1 when `to` is below `from`); at most 100 000 items.""",
        "range(1, 5) -> [1, 2, 3, 4, 5]",
        "range(0, 10, 5) -> [0, 5, 10]",
        "range(3, 1) -> [3, 2, 1]",
    ),
    _list(
        "random_item", "list", "any",
        """Picks one item of the list at random (seeded in tests), or `nil` when it is
        empty.""",
        'random_item(["heads", "tails"]) -> "tails"',
        pure=False,
        effectful=True,
    ),
    _list(
        "shuffle", "list", "list",
        """Gives the items of the list in a random order (seeded in tests).""",
        "shuffle([1, 2, 3]) -> [2, 3, 1]",
        pure=False,
        effectful=True,
    ),
)
