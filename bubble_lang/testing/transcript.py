"""The conversation of one test, as lines a person reads (layer 11).

Input: what the test user sent and the bot's `Output` records. Output: `Line`s (`U:` the user,
`B:` a bot message, `(…)` everything that is not a message) and their text. A failure prints them
under the diagnostic, marking the bot messages no `expect` has read yet, so the author sees what
the bot actually said next to what the test expected. Never includes Python reprs.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pendulum

from ..runtime.outputs import Output
from ..runtime.values import Atom, Captured, Record, Text, to_text

# Output kinds that are messages an `expect` can read; the others are shown in brackets.
MESSAGE_KINDS = frozenset({"text", "ask", "show"})


@attrs.define(eq=False)
class Line:
    """One transcript line; `output` links a bot line to its record, so a failure can mark it."""

    who: str  # "user" | "bot" | "note" | "error"
    text: str
    output: Output | None = None


def show_value(value: Any) -> str:
    """A value the way a test author writes it: `"text"`, `nil`, `[1, 2]`, `%{a: 1}`, `:atom`."""
    if value is None:
        return "nil"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (str, Text, Captured)):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, (int, float)):
        return to_text(value)
    if isinstance(value, Atom):
        return f":{value.name}"
    if isinstance(value, list):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "%{" + ", ".join(f"{key}: {show_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, pendulum.DateTime):
        return value.to_iso8601_string()
    if isinstance(value, pendulum.Duration):
        return f"{value.total_seconds():g}s"
    if isinstance(value, Record):
        return f"<{value.kind} {to_text(value)}>"
    return to_text(value)


def choices_of(output: Output) -> list[str]:
    """The titles offered with a message: an ask's choices, quick replies, or `buttons(…)`."""
    data = output.data
    items = data.get("choices") or data.get("quick_replies") or data.get("buttons") or []
    return [to_text(item.get("title", item.get("value"))) if isinstance(item, dict) else to_text(item)
            for item in items]


def widget_of(output: Output) -> str | None:
    widget = output.data.get("widget")
    return to_text(widget.get("kind")) if isinstance(widget, dict) else None


def describe_output(output: Output) -> str:
    """One bot output as transcript text (without the `B:` prefix)."""
    text = output.summary()
    if output.kind not in ("text", "ask", "show"):
        return text
    extras = []
    choices = choices_of(output)
    if choices:
        extras.append("choices: " + " | ".join(choices))
    widget = widget_of(output)
    if widget:
        extras.append(f"widget: {widget}")
    return text + (f"   ({'; '.join(extras)})" if extras else "")


def render_lines(lines: list[Line], unread: list[Output] | None = None) -> list[str]:
    """The transcript as text; bot messages in `unread` get a `<- unread` marker."""
    unread_ids = {id(output) for output in unread or ()}
    rendered: list[str] = []
    for line in lines:
        if line.who == "user":
            prefix = "U: "
        elif line.who == "bot" and line.output is not None and line.output.kind in MESSAGE_KINDS:
            prefix = "B: "
        else:
            prefix = "   "
        body = line.text.split("\n")
        marker = "   <- unread" if line.output is not None and id(line.output) in unread_ids else ""
        rendered.append(prefix + body[0] + (marker if len(body) == 1 else ""))
        for index, rest in enumerate(body[1:], 2):
            rendered.append("   " + rest + (marker if index == len(body) else ""))
    return rendered
