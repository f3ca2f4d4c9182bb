"""Size and range budgets for builtin results (layer 6, SPEC §13).

Input: a value, or the size a value would have, and the `Limits`. Output: nothing, or a
`LimitError` (B450). Builtins check the size of what they are about to build arithmetically
where they can (`range`, `replace`, `join`), so a runaway script is stopped before the memory
is spent, not after.
"""

from __future__ import annotations

import math
from typing import Any

import pendulum

from ..limits import Limits
from ..runtime.script_errors import LimitError
from ..runtime.values import Captured, Record, Text

_MIB = 1024 * 1024


def _amount(size: int) -> str:
    """Bytes in the unit an author thinks in: "1.5 MiB", "900 KiB", "12 bytes"."""
    if size >= _MIB:
        return f"{size / _MIB:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


def text_bytes(text: str) -> int:
    """The UTF-8 size of a text; lone surrogates (possible in JSON input) count as 3 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


def check_text_size(size: int, limits: Limits) -> None:
    """Refuse a text of `size` UTF-8 bytes when it is over the string limit."""
    if size > limits.string_bytes:
        raise LimitError(
            f"the text would be {_amount(size)}, over the limit of {_amount(limits.string_bytes)}",
            "work on smaller pieces of text, or raise `string_bytes` in bubble.toml",
        )


def check_text(text: str, limits: Limits) -> str:
    """Refuse a text over the string limit; gives the text back for chaining."""
    # A code point is at most 4 bytes, so short texts need no encoding to be measured.
    if len(text) * 4 > limits.string_bytes:
        check_text_size(text_bytes(text), limits)
    return text


def check_items(count: int, limits: Limits) -> None:
    """Refuse a list or map of `count` items when it is over the collection limit."""
    if count > limits.collection_items:
        raise LimitError(
            f"the list or map would have {count:,} items, over the limit of {limits.collection_items:,}",
            "work on smaller lists, or raise `collection_items` in bubble.toml",
        )


def check_integer(value: int, limits: Limits) -> int:
    """Refuse an integer beyond ±`integer_magnitude` (2^53 by default, exact in JSON)."""
    if abs(value) > limits.integer_magnitude:
        raise LimitError(
            f"the integer {_short_digits(value)} is out of range: the limit is ±{limits.integer_magnitude:,}",
            "keep numbers smaller, or keep long identifiers as text",
        )
    return value


def check_float(value: float) -> float:
    """Refuse a float that overflowed to infinity (or is not a number at all)."""
    if not math.isfinite(value):
        raise LimitError("the number is too large to compute", "keep numbers smaller")
    return value


def check_number(value: int | float, limits: Limits) -> int | float:
    """`check_integer` for integers, `check_float` for floats."""
    if isinstance(value, int):
        return check_integer(value, limits)
    return check_float(value)


def _short_digits(value: int) -> str:
    """An integer for a message, shortened when it is very long (Python refuses to print an int
    with more than 4 300 digits)."""
    if value.bit_length() > 200:
        return "with about {:,} digits".format(int(value.bit_length() * 0.30103) + 1)
    return f"{value:,}"


def check_depth(depth: int, limits: Limits) -> None:
    """Refuse a value nested deeper than the JSON nesting limit."""
    if depth > limits.json_nesting:
        raise LimitError(
            f"the value is nested more than {limits.json_nesting} levels deep",
            "flatten the data, or raise `json_nesting` in bubble.toml",
        )


def validate_value(value: Any, limits: Limits) -> None:
    """Raise `LimitError` when a value, or anything inside it, is over a size limit: a text over
    `string_bytes`, a list or map over `collection_items`, an integer over
    `integer_magnitude`, or nesting deeper than `json_nesting`. For values from outside a
    builtin (data files, extension replies, widget options) whose size nobody checked yet."""
    _validate(value, limits, 0)


def _validate(value: Any, limits: Limits, depth: int) -> None:
    check_depth(depth, limits)
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        check_integer(value, limits)
    elif isinstance(value, str):
        check_text(value, limits)
    elif isinstance(value, list):
        check_items(len(value), limits)
        for item in value:
            _validate(item, limits, depth + 1)
    elif isinstance(value, dict):
        check_items(len(value), limits)
        for key, item in value.items():
            check_text(str(key), limits)
            _validate(item, limits, depth + 1)
    elif isinstance(value, Text):
        check_text(value.text, limits)
        _validate(value.fields, limits, depth + 1)
    elif isinstance(value, Captured):
        check_text(value.text, limits)
        _validate(value.value, limits, depth + 1)
    elif isinstance(value, Record):
        _validate(value.fields, limits, depth + 1)
    elif isinstance(value, (float, pendulum.DateTime, pendulum.Duration)):
        return
