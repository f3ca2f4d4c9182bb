"""The widget builtin (layer 6): `input_method(kind, options…)` for `ask … expecting:`.

Input: a widget kind of `WIDGET_KINDS` and its options, as keywords, as a map or keyword list
(often a data-file constant), or both, the keywords winning. Output: a `widget` record,
`Record("widget", {"kind": …, <option>: <value>…})`, holding only the options given, each
checked and normalised (a duration bound as a duration, a date-time bound as a date-time,
`types:` as a list). The compiler checks literal kinds and option names; this checks them
again at run time, when a kind or an option map comes from a variable, and checks the values,
so a channel and the server-side answer check can trust the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import pendulum
import regex

from ..checks.durations import DURATION_HINT, parse_duration
from ..runtime.values import Atom, Record
from ..stdlib import check_widget_options
from ..stdlib.decl_widgets import OPTION_ALIASES
from .args import bad_argument, describe, is_integer, is_number, is_text, map_arg, text_arg
from .binding import builtin
from .compare import identity_key
from .context import Context
from .date_text import read_iso, zone_named
from .guards import check_items, check_text, validate_value

#: Kinds whose answer is one or several of `items`.
_CHOICE_KINDS = frozenset({"single_choice", "multi_choice", "multi_list_choice", "dropdown",
                           "autocomplete", "item_picker"})
_MULTI_KINDS = frozenset({"multi_choice", "multi_list_choice"})

#: Kinds a `fields:` entry of a form may not have: they are forms themselves, or need a
#: conversation turn of their own.
_NOT_A_FIELD = frozenset({"form", "multi_values", "captcha", "upload"})

Checker = Callable[[str, str, Any, Context], Any]


def _fail(kind: str, option: str, wanted: str, value: Any, hint: str) -> NoReturn:
    bad_argument(f'widget `"{kind}"` needs {wanted} for `{option}:`, got {describe(value)}', hint)


def _text(kind: str, option: str, value: Any, ctx: Context) -> str:
    if not is_text(value):
        _fail(kind, option, "a text", value, f'write it as a text, like `{option}: "…"`')
    return check_text(str(value), ctx.limits)


def _boolean(kind: str, option: str, value: Any, ctx: Context) -> bool:
    if not isinstance(value, bool):
        _fail(kind, option, "`true` or `false`", value, f"write `{option}: true` or `{option}: false`")
    return value


def _count(kind: str, option: str, value: Any, ctx: Context) -> int:
    if not is_integer(value) or value < 0:
        _fail(kind, option, "a whole number, 0 or more", value, f"write it as an integer, like `{option}: 3`")
    return value


def _positive(kind: str, option: str, value: Any, ctx: Context) -> int:
    if not is_integer(value) or value < 1:
        _fail(kind, option, "a whole number, 1 or more", value, f"write it as an integer, like `{option}: 3`")
    return value


def _pattern(kind: str, option: str, value: Any, ctx: Context) -> str:
    source = _text(kind, option, value, ctx)
    if len(source) > ctx.limits.trigger_regex_chars:
        bad_argument(f'widget `"{kind}"` has a `pattern:` longer than {ctx.limits.trigger_regex_chars} characters',
                     "use a shorter regular expression")
    try:
        regex.compile(source)
    except (regex.error, ValueError, OverflowError, RecursionError) as problem:
        bad_argument(f'widget `"{kind}"` has an invalid `pattern:`: {problem}',
                     "fix the regular expression; `\\d+` matches digits, for example")
    return source


def _bound(kind: str, option: str, value: Any, ctx: Context) -> Any:
    """`min:`/`max:` in the widget's own terms."""
    if kind == "int":
        if not is_integer(value):
            _fail(kind, option, "an integer", value, f"write it as an integer, like `{option}: 10`")
        return value
    if kind == "number":
        if not is_number(value):
            _fail(kind, option, "a number", value, f"write it as a number, like `{option}: 2.5`")
        return value
    if kind == "datetime":
        if isinstance(value, pendulum.DateTime):
            return value
        parsed = read_iso(str(value), zone_named(ctx.timezone, "input_method")) if is_text(value) else None
        if parsed is None:
            _fail(kind, option, "a date-time", value,
                  'write it as `date_parse("2024-03-05T09:00")` or an ISO text')
        return parsed
    return _duration(kind, option, value, ctx)


def _items(kind: str, option: str, value: Any, ctx: Context) -> list[Any]:
    if not isinstance(value, list) or not value:
        _fail(kind, option, "a non-empty list", value, 'list the choices, like `items: ["tea", "coffee"]`')
    check_items(len(value), ctx.limits)
    items: list[Any] = []
    for position, item in enumerate(value, 1):
        if is_text(item):
            items.append(check_text(str(item), ctx.limits))
        elif isinstance(item, dict) and is_text(item.get("title")):
            validate_value(item, ctx.limits)
            items.append(item)
        else:
            bad_argument(f'widget `"{kind}"` needs texts or maps with a `title` in `items:`, '
                         f"item {position} is {describe(item)}",
                         'write each item as a text or as `%{title: "…", value: …}`')
    return items


def _types(kind: str, option: str, value: Any, ctx: Context) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(is_text(item) and str(item).strip() for item in values):
        _fail(kind, option, "a file type or a list of them", value,
              'write extensions or MIME types, like `types: [".pdf", "image/*"]`')
    return [str(item).strip() for item in values]


def _texts(kind: str, option: str, value: Any, ctx: Context) -> list[str]:
    if not isinstance(value, list) or not all(is_text(item) for item in value):
        _fail(kind, option, "a list of texts", value, f'list them, like `{option}: ["admin", "root"]`')
    check_items(len(value), ctx.limits)
    return [check_text(str(item), ctx.limits) for item in value]


def _duration(kind: str, option: str, value: Any, ctx: Context) -> Any:
    """A duration option (`min_time:`): a duration, seconds, or a text like "2h"."""
    if isinstance(value, pendulum.Duration):
        return value
    seconds = value if is_number(value) else parse_duration(str(value)) if is_text(value) else None
    if seconds is None or seconds < 0:
        _fail(kind, option, "a duration", value, DURATION_HINT)
    return pendulum.duration(seconds=seconds)


def _data(kind: str, option: str, value: Any, ctx: Context) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(kind, option, "a map", value, "write it as `%{name: value}`")
    validate_value(value, ctx.limits)
    return value


def _mode(kind: str, option: str, value: Any, ctx: Context) -> str:
    if not is_text(value) or str(value) not in ("single", "multiple"):
        shown = f'`"{value}"`' if is_text(value) else describe(value)
        bad_argument(f'widget `"{kind}"` has no mode {shown}',
                     'use `mode: "single"` or `mode: "multiple"`')
    return str(value)


def _default(kind: str, option: str, value: Any, ctx: Context) -> Any:
    validate_value(value, ctx.limits)
    return value


def _fields(kind: str, option: str, value: Any, ctx: Context) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        _fail(kind, option, "a non-empty list of maps", value,
              'describe each field, like `fields: [%{name: "age", kind: "int"}]`')
    check_items(len(value), ctx.limits)
    seen: set[str] = set()
    fields = []
    for position, entry in enumerate(value, 1):
        if kind == "multi_values" and is_text(entry):
            entry = {"name": str(entry), "required": False}  # a name alone: an optional text value
        if not isinstance(entry, dict) or not is_text(entry.get("name")) or not str(entry["name"]).strip():
            bad_argument(f'widget `"{kind}"` needs maps with a `name` in `fields:`, item {position} has none',
                         'describe each field, like `%{name: "age", label: "Age", kind: "int"}`')
        name = str(entry["name"]).strip()
        if name in seen:
            bad_argument(f'widget `"{kind}"` has two fields named `{name}`', "give each field its own name")
        seen.add(name)
        field_kind = _kind_name(entry.get("kind", "text"))
        if field_kind in _NOT_A_FIELD:
            bad_argument(f'a field of widget `"{kind}"` cannot be of kind `"{field_kind}"`',
                         'use a simple kind such as "text", "int", "single_choice" or "datetime"')
        options = {k: v for k, v in entry.items() if k not in ("name", "label", "kind")}
        checked = build_options(field_kind, options, ctx)
        field: dict[str, Any] = {"name": name, "kind": field_kind, **checked}
        if entry.get("label") is not None:
            field["label"] = _text(kind, "label", entry["label"], ctx)
        fields.append(field)
    return fields


_CHECKS: dict[str, Checker] = {
    "caption": _text,
    "placeholder": _text,
    "required": _boolean,
    "default": _default,
    "min_length": _count,
    "max_length": _count,
    "pattern": _pattern,
    "min": _bound,
    "max": _bound,
    "items": _items,
    "min_items": _count,
    "max_items": _count,
    "types": _types,
    "max_size": _positive,
    "max_tries": _positive,
    "data": _data,
    "fields": _fields,
    "mode": _mode,
    "is_identifier": _boolean,
    "not_allowed": _texts,
    "future": _boolean,
    "min_time": _duration,
}


def _kind_name(kind: Any) -> str:
    """A widget kind from a text or an atom, known to `WIDGET_KINDS`."""
    if isinstance(kind, Atom):
        name = kind.name
    else:
        name = text_arg("input_method", kind)
    problem = check_widget_options(name, ())
    if problem is not None and problem.kind == "unknown":
        bad_argument(problem.message, problem.hint)
    return name


def build_options(kind: str, options: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The options of a widget (or a form field) of `kind`, checked and normalised."""
    problem = check_widget_options(kind, tuple(options), complete=True)
    if problem is not None:
        bad_argument(problem.message, problem.hint)
    options = _unalias(kind, options)
    checked = {name: _CHECKS[name](kind, name, value, ctx) for name, value in options.items()}
    _check_together(kind, checked, ctx)
    return checked


def _unalias(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The seed's option names (`min_options:`, `allowed_types:`…) under bubble's names; giving
    both spellings of one option is refused, since one would silently win."""
    renamed: dict[str, Any] = {}
    for name, value in options.items():
        canonical = OPTION_ALIASES.get(name, name)
        if canonical in renamed:
            bad_argument(f'widget `"{kind}"` has both `{name}:` and `{canonical}:`',
                         f"keep one of them (`{name}:` is the seed's name for `{canonical}:`)")
        renamed[canonical] = value
    return renamed


def _check_together(kind: str, options: dict[str, Any], ctx: Context) -> None:
    """Options that must agree: lower bounds not above upper bounds, a default among the items."""
    for low, high in (("min", "max"), ("min_length", "max_length"), ("min_items", "max_items")):
        if low in options and high in options and options[low] > options[high]:
            bad_argument(f'widget `"{kind}"` has `{low}:` above `{high}:`', f"make `{low}:` at most `{high}:`")
    items = options.get("items")
    if items is not None and options.get("min_items", 0) > len(items):
        bad_argument(f'widget `"{kind}"` asks for more items than it offers',
                     "lower `min_items:` or add items")
    if items is not None and "default" in options and kind in _CHOICE_KINDS:
        choices = {identity_key(v, ctx.limits) for item in items for v in _item_names(item)}
        defaults = options["default"] if kind in _MULTI_KINDS and isinstance(options["default"], list) \
            else [options["default"]]
        for value in defaults:
            if identity_key(value, ctx.limits) not in choices:
                bad_argument(f'widget `"{kind}"` has a `default:` that is not one of its items',
                             "use the title or value of one of the items")


def _item_names(item: Any) -> list[Any]:
    """What a default may name an item by: its text, or its title or value."""
    if isinstance(item, dict):
        return [item.get("title"), *([item["value"]] if "value" in item else [])]
    return [item]


@builtin("input_method")
def input_method(ctx: Context, kind: Any, options: Any = None, **keywords: Any) -> Record:
    """A widget record; keyword options win over the map's."""
    name = _kind_name(kind)
    merged: dict[str, Any] = {}
    if options is not None:
        merged.update(map_arg("input_method", options, "options"))
    merged.update(keywords)
    return Record("widget", {"kind": name, **build_options(name, merged, ctx)})
