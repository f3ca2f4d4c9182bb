"""The `/ws` protocol's client frames (layer 10): their JSON Schemas, and reading one frame.

Input: the text of one WebSocket message. Output: a checked frame (a dict whose `type` names a
client frame and whose fields match that frame's schema), or `FrameError` with a code and a
message a client can show. It never raises anything else for any text, and never recurses per
nesting level of the text: the nesting is measured before `json.loads` sees it (the decoder
recurses once per level, so 32 000 brackets in 64 KiB would be a `RecursionError`).

The schemas are real JSON Schema (draft 2020-12) documents, listed in `docs/protocol.md`; they
are checked here by a small validator for the part of JSON Schema they use (`type`, `const`,
`required`, `properties`, `additionalProperties: false`, string lengths, number bounds), so the
server needs no schema library and a schema can never use a keyword that is silently ignored
(`check_schema_keywords`).

SPEC §15 writes `file {id, name, type, base64}` and `voice {id, type, base64}`, but `type` names
the frame in every frame; the MIME type is therefore the `mime` field.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import attrs

from ..runtime.input_checks import holds_surrogate

PROTOCOL_VERSION = 1

_ID = {"type": "string", "minLength": 1, "maxLength": 128}
_ANY = {}  # any JSON value (its nesting is bounded before parsing)


def _frame(frame_type: str, required: tuple[str, ...], **properties: dict[str, Any]) -> dict[str, Any]:
    """A client frame's schema: an object with its `type`, these fields, and nothing else."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"client frame `{frame_type}`",
        "type": "object",
        "required": ["type", *required],
        "properties": {"type": {"const": frame_type}, **properties},
        "additionalProperties": False,
    }


CLIENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "hello": _frame("hello", ("v",), v={"type": "integer", "minimum": 1},
                    session_id={"type": "string", "minLength": 1, "maxLength": 64},
                    token={"type": "string", "minLength": 1, "maxLength": 256},
                    last_seq={"type": "integer", "minimum": 0}),
    "message": _frame("message", ("id", "text"), id=_ID, text={"type": "string"}),
    "choice": _frame("choice", ("id", "value"), id=_ID, value={"type": ["string", "number", "boolean"]}),
    "submit": _frame("submit", ("id", "data"), id=_ID, data=_ANY),
    "back": _frame("back", ("id",), id=_ID, first={"type": "boolean"}),
    "event": _frame("event", ("id", "name"), id=_ID, name={"type": "string", "minLength": 1, "maxLength": 128},
                    payload=_ANY),
    "location": _frame("location", ("id", "lat", "lon"), id=_ID,
                       lat={"type": "number", "minimum": -90, "maximum": 90},
                       lon={"type": "number", "minimum": -180, "maximum": 180}),
    "file": _frame("file", ("id", "name", "mime", "base64"), id=_ID,
                   name={"type": "string", "minLength": 1, "maxLength": 255},
                   mime={"type": "string", "minLength": 1, "maxLength": 127}, base64={"type": "string"}),
    "voice": _frame("voice", ("id", "mime", "base64"), id=_ID,
                    mime={"type": "string", "minLength": 1, "maxLength": 127}, base64={"type": "string"}),
}

HTTP_SCHEMAS: dict[str, dict[str, Any]] = {
    "message": {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "HTTP message body",
                "type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "id": _ID},
                "additionalProperties": False},
    "event": {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "HTTP event body",
              "type": "object", "required": ["name"],
              "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 128}, "payload": _ANY, "id": _ID},
              "additionalProperties": False},
}

_KNOWN_KEYWORDS = {"$schema", "title", "type", "const", "required", "properties", "additionalProperties",
                   "minLength", "maxLength", "minimum", "maximum"}
_STRUCTURE = re.compile(r'\\.|["\[\]{}]', re.DOTALL)  # escapes, quotes and brackets, in order


@attrs.frozen
class FrameError(Exception):
    """A frame the server will not act on: `code` for programs, `message` for people."""

    code: str
    message: str


def read_frame(text: str, *, max_nesting: int = 64) -> dict[str, Any]:
    """One client frame, checked (see the module docstring)."""
    frame = parse_json(text, max_nesting)
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("bad_frame", "a frame is a JSON object with a `type` field")
    schema = CLIENT_SCHEMAS.get(frame["type"])
    if schema is None:
        known = ", ".join(CLIENT_SCHEMAS)
        raise FrameError("unknown_type", f"unknown frame type `{frame['type'][:40]}` (known: {known})")
    problem = schema_problem(frame, schema, "")
    if problem is not None:
        raise FrameError("bad_frame", f"`{frame['type']}` frame: {problem}")
    return frame


def read_body(text: str, kind: str, *, max_nesting: int = 64) -> dict[str, Any]:
    """An HTTP API body (`message` or `event`), checked against its schema in `HTTP_SCHEMAS`."""
    body = parse_json(text, max_nesting)
    problem = schema_problem(body, HTTP_SCHEMAS[kind], "")
    if problem is not None:
        raise FrameError("bad_request", problem)
    return body


def parse_json(text: str, max_nesting: int) -> Any:
    """JSON text to a value, its nesting measured first (never a `RecursionError`)."""
    depth = nesting_depth(text)
    if depth > max_nesting:
        raise FrameError("too_deep", f"the frame is nested {depth} levels deep, over the limit of {max_nesting}")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise FrameError("bad_json", "the frame is not JSON") from None
    if holds_surrogate(value):  # an id echoed in its ack could not be sent: refuse it whole
        raise FrameError("bad_json", "the frame holds a lone surrogate (like `\\ud800`), which is not text")
    return value


def frame_text(frame: Any) -> str:
    """A frame as JSON text that every socket can send: a lone surrogate that reached a value is
    written as a `\\u` escape, never an encoding error that would stop the socket's writer."""
    text = json.dumps(frame, ensure_ascii=False, default=str)
    return json.dumps(frame, default=str) if holds_surrogate(text) else text


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), without recursion,
    in one pass: a regular expression for whole strings restarted at every quote of an
    unclosed one (`"\\"\\"\\"…`), and one 64 KiB frame held the event loop for seconds."""
    depth = deepest = 0
    in_string = False
    for found in _STRUCTURE.finditer(text):
        mark = found.group()
        if mark == '"':
            in_string = not in_string
        elif in_string:
            continue  # an escape (`\\"`) or a bracket inside a string
        elif mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity are Python's, not JSON's


def schema_problem(value: Any, schema: dict[str, Any], where: str) -> str | None:
    """The first way `value` breaks `schema` (the subset of JSON Schema above), or None."""
    place = f"`{where}` " if where else ""
    if "const" in schema and value != schema["const"]:
        return f"{place}must be {json.dumps(schema['const'])}"
    wanted = schema.get("type")
    if wanted is not None:
        types = wanted if isinstance(wanted, list) else [wanted]
        if not any(_has_type(value, kind) for kind in types):
            return f"{place}must be {' or '.join(_ARTICLE.get(kind, kind) for kind in types)}"
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return f"{place}must not be empty" if schema["minLength"] == 1 else f"{place}is too short"
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"{place}must be at most {schema['maxLength']} characters"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{place}must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{place}must be at most {schema['maximum']}"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                return f"`{key}` is missing"
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key not in properties:
                if schema.get("additionalProperties", True) is False:
                    return f"unknown field `{str(key)[:40]}`"
                continue
            problem = schema_problem(item, properties[key], key)
            if problem is not None:
                return problem
    return None


_ARTICLE = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
            "object": "an object", "array": "an array", "null": "null"}


def _has_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    return kind == "null" and value is None


def check_schema_keywords(schema: dict[str, Any]) -> set[str]:
    """Keywords a schema uses that `schema_problem` does not check (a test keeps this empty)."""
    unknown = set(schema) - _KNOWN_KEYWORDS
    for item in schema.get("properties", {}).values():
        unknown |= check_schema_keywords(item)
    return unknown
