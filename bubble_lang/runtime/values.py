"""Runtime values (layer 6).

Input: nothing. Output: the value model every runtime module shares, and its conversions.

A value is plain data — `None`, `bool`, `int`, `float`, `str`, `list`, `dict` with `str` keys —
or one of the frozen records below. Nothing else ever reaches a script: no Python objects, no
callables, no attribute access by script names (DESIGN §5). Conversation state stores values with
`to_plain` (JSON types, records tagged with `"$type"`) and reads them back with `from_plain`;
never pickle.
"""

from __future__ import annotations

import math
from typing import Any, Union

import attrs
import pendulum


@attrs.frozen
class Atom:
    """`:name`."""

    name: str

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class Text:
    """A user message or answer: stringifies to its text and carries fields (SPEC §4):
    `.text`, `.intent`, captures and entities by name, widget data `.data`."""

    text: str
    fields: dict[str, Any] = attrs.field(factory=dict, eq=False)

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class Captured:
    """A BML capture or entity: stringifies to the covered text; `.value` is the normalised value."""

    text: str
    value: Any = None
    kind: str | None = None

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class Record:
    """Structured values built by builtins: intents, entity matchers, widgets, content, events.

    `kind` names the record (`intent`, `entity_matcher`, `widget`, `content`, `event_pattern`,
    `attachment`, ...); `fields` are plain values reachable with `.name`.
    """

    kind: str
    fields: dict[str, Any] = attrs.field(factory=dict)


Value = Union[None, bool, int, float, str, list, dict, Atom, Text, Captured, Record,
              pendulum.DateTime, pendulum.Duration]

MISSING = object()


def type_name(value: Any) -> str:
    """The author's word for a value's type, used in runtime error messages."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, (str, Text, Captured)):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, Atom):
        return "atom"
    if isinstance(value, pendulum.DateTime):
        return "date-time"
    if isinstance(value, pendulum.Duration):
        return "duration"
    if isinstance(value, Record):
        return value.kind.replace("_", " ")
    return "value"


def truthy(value: Any) -> bool:
    """Only `nil` and `false` are falsy (SPEC §3)."""
    return value is not None and value is not False


def format_number(value: int | float) -> str:
    """Integers as digits; floats without a trailing `.0` when integral, else the shortest repr."""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value)


def to_text(value: Any) -> str:
    """How `say`, interpolation and `+` with a string render a value."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (Text, Captured, Atom)):
        return str(value)
    if isinstance(value, list):
        return ", ".join(to_text(item) for item in value)
    if isinstance(value, dict):
        if "title" in value:
            return to_text(value["title"])
        return "%{" + ", ".join(f"{key}: {to_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, pendulum.DateTime):
        return value.to_iso8601_string()
    if isinstance(value, pendulum.Duration):
        return value.in_words()
    if isinstance(value, Record):
        label = value.fields.get("label") or value.fields.get("text") or value.fields.get("title")
        return to_text(label) if label is not None else f"<{type_name(value)}>"
    return str(value)


def plain_text(value: Any) -> Any:
    """`Text`/`Captured` read as their text where a plain value is needed (comparison, keys)."""
    if isinstance(value, (Text, Captured)):
        return value.text
    return value


def get_field(value: Any, name: str) -> Any:
    """`value.name`: maps, keyword lists (lists of pairs are maps already), records; missing -> nil."""
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, Text):
        if name in value.fields:
            return value.fields[name]
        return value.text if name == "text" else None
    if isinstance(value, Captured):
        if name == "value":
            return value.value
        if name == "text":
            return value.text
        if name == "kind":
            return value.kind
        return None
    if isinstance(value, Record):
        return value.fields.get(name)
    if isinstance(value, pendulum.DateTime):
        return {"year": value.year, "month": value.month, "day": value.day, "hour": value.hour,
                "minute": value.minute, "second": value.second, "weekday": value.isoweekday(),
                "timezone": value.timezone_name}.get(name)
    if isinstance(value, pendulum.Duration):
        return {"seconds": int(value.total_seconds()), "minutes": value.total_minutes(),
                "hours": value.total_hours(), "days": value.total_days()}.get(name)
    return None


_PLAIN_LEAVES = frozenset((str, int, bool, type(None)))


def to_plain(value: Any) -> Any:
    """JSON-ready data: records tagged with `$type`; used for stored state and the wire.

    Every stored turn runs this over the whole state, so the common exact types are tried first
    by identity (no `isinstance` chain); subclasses fall through to the general checks."""
    kind = type(value)
    if kind in _PLAIN_LEAVES:
        return value
    if kind is list:
        return [item if type(item) in _PLAIN_LEAVES else to_plain(item) for item in value]
    if kind is dict:
        return {key if type(key) is str else str(key): item if type(item) in _PLAIN_LEAVES else to_plain(item)
                for key, item in value.items()}
    if kind is Text:
        return {"$type": "text", "text": value.text, "fields": to_plain(value.fields)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, Atom):
        return {"$type": "atom", "name": value.name}
    if isinstance(value, Text):
        return {"$type": "text", "text": value.text, "fields": to_plain(value.fields)}
    if isinstance(value, Captured):
        return {"$type": "captured", "text": value.text, "value": to_plain(value.value), "kind": value.kind}
    if isinstance(value, Record):
        return {"$type": "record", "kind": value.kind, "fields": to_plain(value.fields)}
    if isinstance(value, pendulum.DateTime):
        return {"$type": "datetime", "iso": value.to_iso8601_string(), "tz": value.timezone_name}
    if isinstance(value, pendulum.Duration):
        return {"$type": "duration", "seconds": value.total_seconds()}
    raise TypeError(f"not a bubble value: {type(value).__name__}")


def from_plain(data: Any) -> Any:
    """The inverse of `to_plain`; unknown tags are kept as maps (forward compatible)."""
    if isinstance(data, list):
        return [from_plain(item) for item in data]
    if not isinstance(data, dict):
        return data
    tag = data.get("$type")
    if tag == "atom":
        return Atom(data["name"])
    if tag == "text":
        return Text(data["text"], from_plain(data.get("fields") or {}))
    if tag == "captured":
        return Captured(data["text"], from_plain(data.get("value")), data.get("kind"))
    if tag == "record":
        return Record(data["kind"], from_plain(data.get("fields") or {}))
    if tag == "datetime":
        parsed = pendulum.parse(data["iso"])
        zone = data.get("tz")
        # A fixed offset (`+01:00`, from `date_parse` of a text with an offset) is no zone name
        # pendulum can look up; the ISO text already carries it, so the parsed value is exact.
        return parsed.in_timezone(zone) if zone and zone[0] not in "+-" else parsed
    if tag == "duration":
        return pendulum.duration(seconds=data["seconds"])
    return {key: from_plain(item) for key, item in data.items()}


REDACTED = "[redacted]"


def is_secret(value: Any) -> bool:
    """An answer to a `secret` widget (SPEC §8): shown as `[redacted]` everywhere but the
    variable the script reads."""
    return isinstance(value, Text) and value.fields.get("secret") is True


def redacted(value: Any, depth: int = 0) -> Any:
    """`value` for people to see (`/state`, `log`, reports): secret answers replaced by
    `[redacted]`. Values are at most `json_nesting` deep, so the recursion is bounded."""
    if is_secret(value):
        return REDACTED
    if depth > 100:
        return value
    if isinstance(value, list):
        return [redacted(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {key: redacted(item, depth + 1) for key, item in value.items()}
    return value
