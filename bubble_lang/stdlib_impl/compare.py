"""Equality and ordering of values for the list builtins (layer 6).

Input: values. Output: `values_equal` (the `==` of `contains`, `count`, `filter`, `find`),
`identity_key` (a hashable stand-in, so `uniq` is linear) and `sort_keys` (what `sort`,
`sort_by`, `min` and `max` compare). Equality follows the VM's `==`: a message or capture
equals its text, an integer equals the float of the same value, and otherwise values of
different types differ (`1 != "1"`, `true != 1`, `:a != "a"`).
"""

from __future__ import annotations

from typing import Any

import pendulum

from ..limits import Limits
from ..runtime.script_errors import ScriptError
from ..runtime.values import Atom, Captured, Record, Text
from .args import TYPE_ERROR, describe, is_number
from .guards import check_depth


def values_equal(left: Any, right: Any, limits: Limits) -> bool:
    """Whether two values are equal as the script's `==` says."""
    return identity_key(left, limits) == identity_key(right, limits)


def identity_key(value: Any, limits: Limits, depth: int = 0) -> Any:
    """A hashable key that is equal exactly when the values are equal."""
    check_depth(depth, limits)
    if isinstance(value, (Text, Captured)):
        return ("text", value.text)
    if isinstance(value, str):
        return ("text", value)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        # 1 == 1.0 in Python, with equal hashes, which is the rule we want.
        return ("number", value)
    if value is None:
        return ("nil",)
    if isinstance(value, list):
        return ("list", tuple(identity_key(item, limits, depth + 1) for item in value))
    if isinstance(value, dict):
        return ("map", frozenset((key, identity_key(item, limits, depth + 1)) for key, item in value.items()))
    if isinstance(value, Atom):
        return ("atom", value.name)
    if isinstance(value, Record):
        return ("record", value.kind, identity_key(value.fields, limits, depth + 1))
    if isinstance(value, pendulum.DateTime):
        return ("datetime", value.timestamp())
    if isinstance(value, pendulum.Duration):
        return ("duration", value.total_seconds(), value.years, value.months)
    return ("other", id(value))


#: How values of each comparable type are ordered; values of different classes cannot be
#: compared, except `nil`, which sorts before everything.
def _sort_class(value: Any) -> str | None:
    if is_number(value):
        return "number"
    if isinstance(value, (str, Text, Captured, Atom)):
        return "text"
    if isinstance(value, pendulum.DateTime):
        return "date-time"
    if isinstance(value, pendulum.Duration):
        return "duration"
    if isinstance(value, bool):
        return "boolean"
    return None


def _key(value: Any) -> Any:
    if isinstance(value, (str, Text, Captured, Atom)):
        # Case is ignored entirely; texts equal but for case keep their order (a stable sort).
        return str(value).casefold()
    if isinstance(value, pendulum.DateTime):
        return value.timestamp()
    if isinstance(value, pendulum.Duration):
        return value.total_seconds()
    return value


def sort_keys(function: str, values: list[Any]) -> list[tuple[int, Any]]:
    """A key per value, in order, for `sorted`: nil first, then the values of the one class
    the list holds. Numbers by value, texts alphabetically ignoring case, date-times by time,
    durations by length; mixing classes (numbers and texts) is an error."""
    seen: str | None = None
    keys: list[tuple[int, Any]] = []
    for position, value in enumerate(values, 1):
        if value is None:
            keys.append((0, 0))
            continue
        kind = _sort_class(value)
        if kind is None:
            raise ScriptError(
                f"`{function}` cannot order {describe(value)} (item {position})",
                "order numbers, texts, date-times or durations; for maps use `sort_by` with a field",
                code=TYPE_ERROR,
            )
        if seen is None:
            seen = kind
        elif kind != seen:
            raise ScriptError(
                f"`{function}` cannot order {describe(value)} among {seen}s (item {position})",
                "make the values the same type first, for example with `number(…)` or `string(…)`",
                code=TYPE_ERROR,
            )
        keys.append((1, _key(value)))
    return keys
