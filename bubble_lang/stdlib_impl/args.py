"""Reading builtin arguments (layer 6): type checks with errors in an author's words.

Input: the values a script passed. Output: the same values as the Python type an implementation
works with (`Text`/`Captured` read as their text where a text is wanted), or a `ScriptError`
(B401 wrong type, B403 bad value) that says which function and which argument, what it needs
and what it got, with a hint. Never a Python `TypeError` or `ValueError` reaches the VM.
"""

from __future__ import annotations

from typing import Any, NoReturn

import pendulum

from ..runtime.script_errors import ScriptError
from ..runtime.values import Atom, Captured, Record, Text, type_name

TYPE_ERROR = "B401"
BAD_ARGUMENT = "B403"

#: A hint per wanted type: how an author gets such a value.
_HINTS: dict[str, str] = {
    "a text": "convert it with `string(…)` first",
    "a list": "make a list with `[…]`, or check where the value came from",
    "a map": "write a map as `%{key: value}` or a keyword list `[key: value]`",
    "a number": "read a number from text with `number(…)` first",
    "an integer": "round it with `round(…)`, `floor(…)` or `ceil(…)` first",
    "a date-time": "read a date-time from text with `date_parse(…)` first",
    "a boolean": "write `true` or `false`",
}

class _Absent:
    """The default of an optional parameter for which `nil` is a meaningful argument
    (`count(list, nil)` counts the nils), so "not given" must differ from nil."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

_NIL_HINT = "check that the value was set; a variable that was never set reads as `nil`"


def describe(value: Any) -> str:
    """A value's type with an article, as an error message says it: `nil`, `an integer`."""
    if value is None:
        return "nil"
    name = type_name(value)
    article = "an" if name[0] in "aeiou" else "a"
    return f"{article} {name}"


def type_error(function: str, wanted: str, value: Any, param: str | None = None,
               hint: str | None = None) -> NoReturn:
    """Raise B401: "`join` needs a list, got a text" or, for a later argument,
    "`join` needs a text for `separator`, got an integer"."""
    where = "" if param is None else f" for `{param}`"
    if hint is None:
        hint = _NIL_HINT if value is None else _HINTS.get(wanted, f"pass {wanted}")
    raise ScriptError(f"`{function}` needs {wanted}{where}, got {describe(value)}", hint,
                      code=TYPE_ERROR)


def bad_argument(message: str, hint: str) -> NoReturn:
    """Raise B403: the type is right but the value cannot be used (an unknown unit, a step 0)."""
    raise ScriptError(message, hint, code=BAD_ARGUMENT)


def is_text(value: Any) -> bool:
    """Plain text, a message/answer, or a capture: all read as text."""
    return isinstance(value, (str, Text, Captured))


def is_number(value: Any) -> bool:
    """An integer or a float; booleans are not numbers in bubble."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_integer(value: Any) -> bool:
    """An integer, not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool)


def text_arg(function: str, value: Any, param: str | None = None) -> str:
    """The text of a text argument; a message or capture reads as the text it covers."""
    if isinstance(value, str):
        return value
    if isinstance(value, (Text, Captured)):
        return value.text
    type_error(function, "a text", value, param)


def optional_text(function: str, value: Any, param: str, default: str) -> str:
    """A text argument that may be left out (None means "not given")."""
    return default if value is None else text_arg(function, value, param)


def list_arg(function: str, value: Any, param: str | None = None) -> list[Any]:
    """A list argument, as is (implementations copy before changing)."""
    if isinstance(value, list):
        return value
    type_error(function, "a list", value, param)


def map_arg(function: str, value: Any, param: str | None = None) -> dict[str, Any]:
    """A map argument (keyword lists are maps at run time)."""
    if isinstance(value, dict):
        return value
    type_error(function, "a map", value, param)


def number_arg(function: str, value: Any, param: str | None = None) -> int | float:
    """An integer or float argument."""
    if is_number(value):
        return value
    type_error(function, "a number", value, param)


def integer_arg(function: str, value: Any, param: str | None = None) -> int:
    """An integer argument; a float is refused rather than silently truncated."""
    if is_integer(value):
        return value
    type_error(function, "an integer", value, param)


def datetime_arg(function: str, value: Any, param: str | None = None) -> pendulum.DateTime:
    """A date-time argument. A `[time]`/`[date]` entity capture (`message.when`) counts as its
    date-time (SPEC §7b: captures are usable by the date functions); other text is refused with
    a hint that works."""
    if isinstance(value, pendulum.DateTime):
        return value
    if isinstance(value, Captured) and isinstance(value.value, pendulum.DateTime):
        return value.value
    hint = None
    if isinstance(value, Captured):
        hint = ("this capture holds no date-time: capture an entity like `[date=day]` or `[time=at]`, "
                "or read the text with `date_parse(…)`")
    type_error(function, "a date-time", value, param, hint=hint)


def name_arg(function: str, value: Any, param: str | None = None) -> str:
    """A field, key or unit name: a text or an atom (`"price"` or `:price`)."""
    if isinstance(value, Atom):
        return value.name
    if is_text(value):
        return str(value)
    type_error(function, "a text or an atom", value, param,
               hint=_NIL_HINT if value is None else "write the name as a text or an atom, like `:price`")


def order_arg(function: str, value: Any, param: str = "order") -> bool:
    """`:asc` (False, the default) or `:desc` (True)."""
    if value is None:
        return False
    name = name_arg(function, value, param)
    if name in ("asc", "desc"):
        return name == "desc"
    bad_argument(f"`{function}` has no order `{name}`", "use `:asc` or `:desc`")


def field_of(function: str, item: Any, field: str, position: int) -> Any:
    """The field of one list item that must be a map (or a record); missing reads as nil."""
    if isinstance(item, dict):
        return item.get(field)
    if isinstance(item, Record):
        return item.fields.get(field)
    if isinstance(item, Text):
        return item.text if field == "text" else item.fields.get(field)
    raise ScriptError(
        f"`{function}` needs a list of maps, item {position} is {describe(item)}",
        "give a list of maps, such as `[%{title: \"a\"}]`",
        code=TYPE_ERROR,
    )
