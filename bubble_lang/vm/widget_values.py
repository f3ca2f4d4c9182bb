"""Widget answers as values (layer 7): a control's typed value (`AnswerInput`) checked for its
widget kind, and the plain-text forms of `location`, `upload`, `multi_values` and `form`.

Input: a widget record (`input_method(kind, …)`) and what the user gave: a value (text, number,
`true`/`false`, list, map, date-time, duration) or a text. Output: the answer, typed as SPEC §8
says (the same value whichever way it came), or `WidgetRejected` with a message in words. A
control's value is never trusted: it is checked here exactly like typed text (SPEC §8, and
unlike the seed, whose checks ran only in the browser). `captcha` needs the conversation's state
and is answered in `widget_answers.py`; everything here is pure.

Plain-text forms (text channels and piped terminals send only text):

- `location`: `52.37, 4.89` (latitude first), or `{"lat": 52.37, "lon": 4.89}`;
- `upload`: the attachment record as a JSON object (a channel bridge); people get told to upload;
- `multi_values`: `name=Ann, city=Paris` (`;` or new lines also separate), or a JSON object;
- `form`: a JSON object, or `field: value; field: value` (a field by its name or its label).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pendulum

from ..limits import DEFAULT_LIMITS
from ..runtime.upload_rules import MAX_NAME, upload_problem
from ..runtime.values import Record, Text, plain_text, to_text
from .answer_checks import (
    SHORT_ANSWERS,
    WidgetRejected,
    answer_widget,
    check_moment,
    check_range,
    duration_seconds,
    choices_text,
    pick_item,
    pick_items,
    picker_answer,
    text_answer,
)
from .pattern_match import fold

#: Kinds answered with one item, and with several.
SINGLE_CHOICE = frozenset({"single_choice", "dropdown", "autocomplete", "item_picker"})
MULTI_CHOICE = frozenset({"multi_choice", "multi_list_choice"})
TEXT_KINDS = frozenset({"text", "secret", "multiline"})
#: The longest text form of a structured kind that is parsed (a form is a few fields, not a book).
_MAX_FORM_TEXT = 20_000
_UPLOAD_KEY = re.compile(r"[A-Za-z0-9_-]{8,128}")


def kind_of(widget: Record) -> str:
    return to_text(widget.fields.get("kind"))


def _optional(widget: Record) -> bool:
    return widget.fields.get("required", True) is False


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


# ---------------------------------------------------------------------------------- entry points
def answer_text(widget: Record, text: str, now: pendulum.DateTime, timezone: str = "UTC") -> Any:
    """The answer for typed text (the text path of every kind but `captcha`). An empty answer
    takes the widget's `default:` when it has one: the seed pre-filled the control with it, so
    sending the control untouched means the default, on every channel alike."""
    kind = kind_of(widget)
    default = widget.fields.get("default")
    if not text.strip() and default is not None:
        return answer_value(widget, default, now, timezone) if not isinstance(default, str) or default.strip() \
            else answer_widget(widget, text, now, timezone)
    if kind not in TEXT_KINDS and _optional(widget) and not text.strip():
        return None  # `required: false`: the user skipped it
    if kind == "location":
        return location_value(widget, _read_location_text(text))
    if kind == "upload":
        return upload_value(widget, _read_json_object(text, _upload_hint(widget)))
    if kind == "multi_values":
        return multi_values_value(widget, _read_pairs(text, "="), now, timezone)
    if kind == "form":
        return form_value(widget, _read_pairs(text, ":"), now, timezone)
    return answer_widget(widget, text, now, timezone)


def answer_value(widget: Record, value: Any, now: pendulum.DateTime, timezone: str = "UTC") -> Any:
    """The answer for a control's value (`AnswerInput`), checked for the widget's kind. A text is
    read like typed text; anything else must have the kind's type."""
    kind = kind_of(widget)
    value = plain_text(value) if isinstance(value, Text) else value
    if isinstance(value, str):
        return answer_text(widget, value, now, timezone)
    if value is None and widget.fields.get("default") is not None:
        return answer_value(widget, widget.fields["default"], now, timezone)
    if kind not in TEXT_KINDS and _optional(widget) and _empty(value):
        return None
    checker = _CHECKERS.get(kind)
    if checker is None:
        return answer_widget(widget, to_text(value), now, timezone)  # refused with its reason
    return checker(widget, value, now, timezone)


# ---------------------------------------------------------------------------------- per kind
def _text_value(widget: Record, value: Any, now: Any, timezone: str) -> Any:
    if value is None:
        return text_answer(widget.fields, "", kind_of(widget))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return text_answer(widget.fields, to_text(value), kind_of(widget))  # a form's JSON `"zip": 1234`
    raise WidgetRejected("Please type a text.")


def _number_value(widget: Record, value: Any, now: Any, timezone: str) -> Any:
    kind = kind_of(widget)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WidgetRejected(SHORT_ANSWERS[kind])
    if kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise WidgetRejected(SHORT_ANSWERS["int"])
        value = int(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if abs(value) > DEFAULT_LIMITS.integer_magnitude:
        raise WidgetRejected("Please type a smaller number.")
    check_range(widget.fields, value, "number", lambda v: v)
    return value


def _item_text(value: Any) -> str | None:
    """What an item is picked by in a control's value: its text, number, or a map's value/title."""
    if isinstance(value, dict):
        value = value.get("value", value.get("title"))
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None
    return to_text(value)


def _single_value(widget: Record, value: Any, now: Any, timezone: str) -> Any:
    kind = kind_of(widget)
    if kind == "item_picker" and to_text(widget.fields.get("mode", "single")) == "multiple":
        return picker_answer(widget, _item_texts(value))
    text = _item_text(value)
    found = pick_item(widget, text) if text is not None else None
    if found is None:
        raise WidgetRejected(f"Please choose one of: {choices_text(widget)}.")
    title, item = found
    return Text(title, {"text": title, "data": item})


def _multi_value(widget: Record, value: Any, now: Any, timezone: str) -> Any:
    return pick_items(widget, _item_texts(value))


def _item_texts(value: Any) -> list[str | None]:
    return [_item_text(entry) for entry in (value if isinstance(value, list) else [value])]


def _confirm_value(widget: Record, value: Any, now: Any, timezone: str) -> Any:
    if isinstance(value, bool):
        return value
    raise WidgetRejected("Please answer yes or no.")


def _duration_value(widget: Record, value: Any, now: Any, timezone: str) -> Any:
    if isinstance(value, pendulum.Duration):
        seconds: float | None = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        seconds = float(value)
    else:
        seconds = None
    if seconds is None or not 0 <= seconds <= DEFAULT_LIMITS.duration_seconds:
        raise WidgetRejected(SHORT_ANSWERS["duration"])
    check_range(widget.fields, seconds, "duration", duration_seconds)
    return pendulum.duration(seconds=seconds)


def _datetime_value(widget: Record, value: Any, now: pendulum.DateTime, timezone: str) -> Any:
    if isinstance(value, pendulum.DateTime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
            and abs(value) < 253_402_300_800:  # epoch seconds (the seed's picker), before the year 10000
        moment = pendulum.from_timestamp(value, tz=timezone)
    else:
        raise WidgetRejected(SHORT_ANSWERS["datetime"])
    return check_moment(widget.fields, moment, now)


def location_value(widget: Record, value: Any, now: Any = None, timezone: str = "UTC") -> dict[str, float]:
    """`[lat:, lon:]`: a map with a latitude (−90..90) and a longitude (−180..180), finite."""
    hint = 'Please send a location as latitude and longitude, like "52.37, 4.89".'
    if isinstance(value, Record) and value.kind == "content":
        value = value.fields
    if not isinstance(value, dict):
        raise WidgetRejected(hint)
    lat, lon = value.get("lat"), value.get("lon", value.get("lng"))
    if not all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in (lat, lon)):
        raise WidgetRejected(hint)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        raise WidgetRejected("Please send a point on the globe: latitude from -90 to 90, longitude from -180 to 180.")
    return {"lat": float(lat), "lon": float(lon)}  # type: ignore[arg-type]


def _upload_hint(widget: Record) -> str:
    types = widget.fields.get("types")
    which = f" ({', '.join(types)})" if isinstance(types, list) and types else ""
    return f"Please upload a file{which}."


def upload_value(widget: Record, value: Any, now: Any = None, timezone: str = "UTC") -> dict[str, Any]:
    """An attachment record `{name, type, size, key}` (and `url` when a channel hosts the file),
    checked again for `types:` and `max_size:` (the host checked before storing; a client could
    send any record)."""
    if not isinstance(value, dict):
        raise WidgetRejected(_upload_hint(widget))
    name, kind, size = value.get("name"), value.get("type", ""), value.get("size")
    if not isinstance(name, str) or not isinstance(kind, str) or isinstance(size, bool) \
            or not isinstance(size, int) or size < 0 or len(kind) > MAX_NAME:
        raise WidgetRejected(_upload_hint(widget))
    problem = upload_problem(widget.fields, name, kind, size)
    if problem is not None:
        raise WidgetRejected(problem)
    record: dict[str, Any] = {"name": name, "type": kind, "size": size}
    key = value.get("key")
    if key is not None:
        if not isinstance(key, str) or not _UPLOAD_KEY.fullmatch(key):
            raise WidgetRejected(_upload_hint(widget))
        record["key"] = key
    url = value.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= 2000:
        record["url"] = url
    return record


def _field_widget(field: dict[str, Any]) -> Record:
    """A form field as a widget of its own kind (its options without name and label)."""
    return Record("widget", {k: v for k, v in field.items() if k not in ("name", "label")})


def _match_fields(widget: Record, value: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    """(fields, the value of each field by name, the keys no field has). A key names a field by
    its name, or by its label without case (typed text)."""
    fields = [f for f in widget.fields.get("fields") or [] if isinstance(f, dict)]
    by_name = {to_text(f.get("name")): f for f in fields}
    folded = {fold(to_text(f.get("label"))): to_text(f.get("name")) for f in fields if f.get("label")}
    folded.update({fold(name): name for name in by_name})
    given: dict[str, Any] = {}
    unknown: list[str] = []
    for key, item in value.items():
        name = key if key in by_name else folded.get(fold(to_text(key)))
        if name is None:
            unknown.append(to_text(key))
        else:
            given[name] = item
    return fields, given, unknown


def _check_fields(widget: Record, value: Any, now: Any, timezone: str, *, optional_missing: bool) -> dict[str, Any]:
    """Every field checked by its kind; all problems reported in one message (SPEC §8)."""
    if not isinstance(value, dict):
        raise WidgetRejected("Please fill in the fields: " + ", ".join(
            to_text(f.get("label", f.get("name"))) for f in widget.fields.get("fields") or [] if isinstance(f, dict))
                             + ".")
    fields, given, unknown = _match_fields(widget, value)
    problems = [f"`{key[:60]}` is not one of the fields" for key in unknown]
    answer: dict[str, Any] = {}
    for field in fields:
        name = to_text(field.get("name"))
        label = to_text(field.get("label", name))
        if name not in given and optional_missing and field.get("required") is not True:
            continue
        try:
            value = answer_value(_field_widget(field), given.get(name), now, timezone)
            # a plain text field is a plain text in the map; a secret stays marked (redacted when shown)
            answer[name] = value.text if isinstance(value, Text) and field.get("kind") in ("text", "multiline") \
                else value
        except WidgetRejected as rejected:
            problems.append(f"{label}: {rejected.message}")
    if problems:
        raise WidgetRejected("Please fix these fields:\n" + "\n".join(f"- {problem}" for problem in problems))
    return answer


def form_value(widget: Record, value: Any, now: Any = None, timezone: str = "UTC") -> dict[str, Any]:
    """A map of field name → answer: every field is checked by its kind (a missing field is an
    empty answer, so it must be `required: false`), unknown fields are refused."""
    return _check_fields(widget, value, now, timezone, optional_missing=False)


def multi_values_value(widget: Record, value: Any, now: Any = None, timezone: str = "UTC") -> dict[str, Any]:
    """A map of name → value. Without `fields:` the names are free (the seed's name/value rows) and
    values are texts; with `fields:` only those names, each checked by its kind, a missing one
    left out unless its field says `required: true`."""
    if widget.fields.get("fields"):
        answer = _check_fields(widget, value, now, timezone, optional_missing=True)
    else:
        if not isinstance(value, dict):
            raise WidgetRejected('Please give names and values, like "name=Ann, city=Paris".')
        answer = {}
        for key, item in value.items():
            name = to_text(key).strip()
            if not name or len(name) > 200:
                raise WidgetRejected("Please give each value a name of 1 to 200 characters.")
            if isinstance(item, (list, dict)):
                raise WidgetRejected(f"Please give `{name[:60]}` a single value.")
            answer[name] = "" if item is None else to_text(item)
    if not answer and not _optional(widget):
        raise WidgetRejected('Please give at least one name and value, like "name=Ann".')
    return answer


_CHECKERS: dict[str, Any] = {
    **{kind: _text_value for kind in TEXT_KINDS},
    "int": _number_value, "number": _number_value,
    **{kind: _single_value for kind in SINGLE_CHOICE},
    **{kind: _multi_value for kind in MULTI_CHOICE},
    "confirm": _confirm_value, "duration": _duration_value, "datetime": _datetime_value,
    "location": location_value, "upload": upload_value, "form": form_value, "multi_values": multi_values_value,
}


# ---------------------------------------------------------------------------------- text forms
def _read_json_object(text: str, hint: str) -> dict[str, Any]:
    stripped = text.strip()
    if not stripped.startswith("{") or len(stripped) > _MAX_FORM_TEXT:
        raise WidgetRejected(hint)
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        raise WidgetRejected(hint) from None
    if not isinstance(value, dict):
        raise WidgetRejected(hint)
    return value


_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_POINT = re.compile(rf"\s*\(?\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*\)?\s*")


def _read_location_text(text: str) -> Any:
    """`52.37, 4.89` (latitude first; `52.37 4.89`, `52,37; 4,89` too) or a JSON object."""
    if text.strip().startswith("{"):
        return _read_json_object(text, "Please send a location as latitude and longitude.")
    found = _POINT.fullmatch(text[:200])
    if found is None:
        return None
    try:
        return {"lat": float(found[1].replace(",", ".")), "lon": float(found[2].replace(",", "."))}
    except ValueError:
        return None


def _read_pairs(text: str, sign: str) -> Any:
    """A JSON object, or `name<sign>value` pairs separated by `;`, new lines (and `,` for `=`)."""
    stripped = text.strip()
    if stripped.startswith("{"):
        return _read_json_object(stripped, 'Please send a JSON object, like {"name": "Ann"}.')
    if len(stripped) > _MAX_FORM_TEXT:
        raise WidgetRejected("That is too long.")
    separators = r"[;\n,]" if sign == "=" else r"[;\n]"
    pairs: dict[str, Any] = {}
    for part in re.split(separators, stripped):
        if not part.strip():
            continue
        name, found, item = part.partition(sign)
        if not found and sign == ":":
            name, found, item = part.partition("=")
        if not found:
            raise WidgetRejected(f'Please write each value as `name{sign} value`; `{part.strip()[:60]}` has no `{sign}`.')
        pairs[name.strip()] = item.strip()
    return pairs
