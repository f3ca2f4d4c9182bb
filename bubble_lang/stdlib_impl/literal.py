"""Values written as text the way `string` and `join` do (layer 6).

Input: a value and the limits. Output: its text: a text as itself, `nil` as "", numbers and
booleans as written, lists and maps as bubble literals (`[1, "a"]`, `%{title: "x"}`),
date-times in ISO 8601, durations as `"1h30m"`. The writer counts bytes as it goes and stops
with a `LimitError` as soon as the text would pass the string limit, so rendering a huge nested
value never builds the whole of it first.
"""

from __future__ import annotations

import re
from typing import Any

import pendulum

from ..limits import Limits
from ..runtime.values import Atom, Captured, Record, Text, format_number, to_text
from .guards import check_depth, check_text_size, text_bytes

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\n\t]|#\{')


def duration_text(duration: pendulum.Duration) -> str:
    """A duration as a bubble duration literal: `"1h30m"`, `"2d"`, `"45s"`, `"0s"`."""
    total = duration.total_seconds()
    sign = "-" if total < 0 else ""
    total = abs(total)
    whole = int(total)
    fraction = total - whole
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        amount, whole = divmod(whole, size)
        if amount:
            parts.append(f"{amount}{unit}")
    seconds = whole + fraction
    if seconds or not parts:
        parts.append(f"{format_number(round(seconds, 6))}s")
    return sign + "".join(parts)


def quote(text: str) -> str:
    """A text as a bubble string literal, with `\\"`, `\\\\`, `\\n`, `\\t` and `\\#{` escaped."""
    def escape(match: re.Match[str]) -> str:
        found = match.group(0)
        return "\\#{" if found == "#{" else _ESCAPES[found]

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


class _Writer:
    """Collects pieces of text and their UTF-8 size, refusing to pass the string limit."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.pieces: list[str] = []
        self.size = 0

    def add(self, piece: str) -> None:
        self.size += len(piece) if piece.isascii() else text_bytes(piece)
        check_text_size(self.size, self.limits)
        self.pieces.append(piece)

    def text(self) -> str:
        return "".join(self.pieces)


def render_text(value: Any, limits: Limits) -> str:
    """What `string(value)` gives: texts as themselves, other values as described above."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (Text, Captured)):
        return value.text
    if isinstance(value, Atom):
        return value.name
    if isinstance(value, Record):
        return to_text(value)
    writer = _Writer(limits)
    _write(writer, value, 0)
    return writer.text()


def _write(writer: _Writer, value: Any, depth: int) -> None:
    check_depth(depth, writer.limits)
    if value is None:
        writer.add("nil")
    elif value is True:
        writer.add("true")
    elif value is False:
        writer.add("false")
    elif isinstance(value, (int, float)):
        writer.add(format_number(value))
    elif isinstance(value, str):
        writer.add(quote(value))
    elif isinstance(value, (Text, Captured)):
        writer.add(quote(value.text))
    elif isinstance(value, Atom):
        writer.add(":" + value.name if _IDENTIFIER.match(value.name) else ":" + quote(value.name))
    elif isinstance(value, list):
        writer.add("[")
        for position, item in enumerate(value):
            if position:
                writer.add(", ")
            _write(writer, item, depth + 1)
        writer.add("]")
    elif isinstance(value, dict):
        writer.add("%{")
        for position, (key, item) in enumerate(value.items()):
            if position:
                writer.add(", ")
            key = str(key)
            writer.add(key + ": " if _IDENTIFIER.match(key) else quote(key) + ": ")
            _write(writer, item, depth + 1)
        writer.add("}")
    elif isinstance(value, pendulum.DateTime):
        writer.add(value.to_iso8601_string())
    elif isinstance(value, pendulum.Duration):
        writer.add(duration_text(value))
    else:
        writer.add(quote(to_text(value)))
