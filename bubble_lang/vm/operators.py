"""Operator semantics (layer 7): SPEC §3, with errors in an author's words, never Python's.

One function per operator opcode (`ADD`, `COMPARE_LESS`, …), so the VM dispatches on the opcode
instead of comparing operator strings. `+` adds numbers, joins text (a number beside text becomes
text) and concatenates lists; `/` on two integers that divide exactly gives an integer. Comparing
a message or answer with an intent constant is true when that intent matched (`answer == @yes`).
"""

from __future__ import annotations

import math
from typing import Any

import pendulum

from ..limits import Limits
from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.values import Captured, Record, Text, plain_text, to_text, type_name

_NUMBER = (int, float)


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, Text, Captured))


def _valued(value: Any) -> Any:
    """A capture of a number, date or duration entity (`[number=a]`, `[time]`) as its value, for
    arithmetic and comparison: "add five and 5" makes `message.a + message.b` 10, not "five5";
    beside text it stays its text (`"you said " + message.a`)."""
    if isinstance(value, Captured):
        found = value.value
        if _is_number(found) or isinstance(found, (pendulum.DateTime, pendulum.Duration)):
            return found
    return value


def _quantities(a: Any, b: Any) -> bool:
    """Two numbers, or two date-times: what compares by value."""
    return (_is_number(a) and _is_number(b)) or (isinstance(a, pendulum.DateTime) and isinstance(b, pendulum.DateTime))


def check_integer(value: Any, limits: Limits) -> Any:
    """A computed number within range: integers within ±2^53, floats finite (SPEC §13)."""
    if type(value) is float:
        if not math.isfinite(value):
            raise LimitError("number out of range: the result is too large to compute",
                             "keep numbers smaller")
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limits.integer_magnitude:
        raise LimitError(f"integer out of range: the limit is 2^53 ({limits.integer_magnitude})",
                         "keep numbers smaller, or use text for identifiers")
    return value


def _type_error(op: str, left: Any, right: Any) -> ScriptError:
    if left is None or right is None:  # most often a variable never set (`counter + 1` in a first event)
        hint = ("a variable that was never set reads as `nil`: set it first (say `counter = 0` in `main`), "
                "or give a default where it is read, like `(counter || 0) + 1`")
    else:
        hint = "convert one side first, e.g. with `number(x)` or `string(x)`"
    return ScriptError(f"cannot use `{op}` on {type_name(left)} and {type_name(right)}", hint)


def equals(left: Any, right: Any) -> bool:
    """`==`: numbers by value, text by text, lists and maps item by item; an answer equals an
    intent constant when that intent matched."""
    if isinstance(right, Record) and right.kind == "intent" and isinstance(left, Text):
        return left.fields.get("intent") == right
    if isinstance(left, Record) and left.kind == "intent" and isinstance(right, Text):
        return right.fields.get("intent") == left
    valued_left, valued_right = _valued(left), _valued(right)
    if _quantities(valued_left, valued_right):
        return bool(valued_left == valued_right)  # `message.number == 3`
    left, right = plain_text(left), plain_text(right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(equals(a, b) for a, b in zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(equals(left[key], right[key]) for key in left)
    if type(left) is not type(right) and not (isinstance(left, str) and isinstance(right, str)):
        return False
    return bool(left == right)


def add(left: Any, right: Any, limits: Limits) -> Any:
    """`+`: numbers, text (with anything beside it), lists, a date-time plus a duration."""
    valued_left, valued_right = _valued(left), _valued(right)
    if _is_number(valued_left) and _is_number(valued_right):
        return check_integer(valued_left + valued_right, limits)
    if isinstance(valued_left, pendulum.DateTime) and isinstance(valued_right, pendulum.Duration):
        return _moment(lambda: valued_left + valued_right)
    if _is_text(left) or _is_text(right):
        result = to_text(left) + to_text(right)
        if len(result) > limits.string_bytes:
            raise LimitError(f"text too long: more than {limits.string_bytes} characters", "build shorter messages")
        return result
    if isinstance(left, list) and isinstance(right, list):
        if len(left) + len(right) > limits.collection_items:
            raise LimitError(f"list too long: more than {limits.collection_items} items", "keep lists smaller")
        return left + right
    if isinstance(left, pendulum.DateTime) and isinstance(right, pendulum.Duration):
        return _moment(lambda: left + right)
    raise _type_error("+", left, right)


def _moment(compute: Any) -> Any:
    """Date arithmetic that may leave the calendar (year 1 to 9999) is a limit, not a crash."""
    try:
        return compute()
    except (OverflowError, ValueError):
        raise LimitError("the date is out of range (years 1 to 9999)", "use smaller durations") from None


def subtract(left: Any, right: Any, limits: Limits) -> Any:
    """`-`: numbers; a date-time minus a duration or another date-time."""
    left, right = _valued(left), _valued(right)
    if isinstance(left, pendulum.DateTime) and isinstance(right, (pendulum.Duration, pendulum.DateTime)):
        return _moment(lambda: left - right)
    if not (_is_number(left) and _is_number(right)):
        raise _type_error("-", left, right)
    return check_integer(left - right, limits)


def multiply(left: Any, right: Any, limits: Limits) -> Any:
    left, right = _valued(left), _valued(right)
    if not (_is_number(left) and _is_number(right)):
        raise _type_error("*", left, right)
    return check_integer(left * right, limits)


def divide(left: Any, right: Any, limits: Limits) -> Any:
    """`/`: an integer when two integers divide exactly, else a float; by zero is an error."""
    left, right = _valued(left), _valued(right)
    if not (_is_number(left) and _is_number(right)):
        raise _type_error("/", left, right)
    if right == 0:
        raise ScriptError("division by zero", "check the divisor before dividing", code="B402")
    if isinstance(left, int) and isinstance(right, int) and left % right == 0:
        return left // right
    try:
        return check_integer(left / right, limits)
    except OverflowError:  # an integer too large to turn into a float
        raise LimitError("number out of range: the result is too large to compute", "keep numbers smaller") from None


def _comparable(op: str, left: Any, right: Any) -> tuple[Any, Any]:
    a, b = _valued(left), _valued(right)
    if _quantities(a, b):
        return a, b
    a, b = plain_text(left), plain_text(right)
    if _quantities(a, b) or (isinstance(a, str) and isinstance(b, str)):
        return a, b
    raise _type_error(op, left, right)


def less(left: Any, right: Any, limits: Limits) -> bool:
    a, b = _comparable("<", left, right)
    return bool(a < b)


def less_equal(left: Any, right: Any, limits: Limits) -> bool:
    a, b = _comparable("<=", left, right)
    return bool(a <= b)


def greater(left: Any, right: Any, limits: Limits) -> bool:
    a, b = _comparable(">", left, right)
    return bool(a > b)


def greater_equal(left: Any, right: Any, limits: Limits) -> bool:
    a, b = _comparable(">=", left, right)
    return bool(a >= b)


def member_of(left: Any, right: Any, limits: Limits) -> bool:
    """`a in b`: an item of a list, a part of a text, a key of a map."""
    container = plain_text(right)
    if isinstance(container, list):
        return any(equals(left, item) for item in container)
    if isinstance(container, str):
        if not _is_text(left):
            raise _type_error("in", left, right)
        return plain_text(left) in container
    if isinstance(container, dict):
        return to_text(left) in container
    raise _type_error("in", left, right)


def negate(value: Any, limits: Limits) -> Any:
    if _is_number(value):
        return check_integer(-value, limits)
    raise ScriptError(f"cannot negate {type_name(value)}", "use `-` only on numbers")
