"""A widget's constraints in words (layer 9), for every channel that cannot draw a control: the
terminal's piped mode, BESSER's text box, Telegram. Pure functions of the widget's data as a
channel frame carries it (`engine/output_frames.py`): its kind, whether it takes several items,
its bounds, lengths, sizes and default.
"""

from __future__ import annotations

import re
from typing import Any

from ..runtime.values import to_text

SINGLE_KINDS = frozenset({"single_choice", "dropdown", "autocomplete", "item_picker"})
MULTI_KINDS = frozenset({"multi_choice", "multi_list_choice"})
STRUCTURED_KINDS = frozenset({"form", "multi_values"})


def widget_kind(widget: dict[str, Any] | None) -> str:
    return to_text(widget.get("kind", "")) if widget else ""


def is_multi(widget: dict[str, Any] | None) -> bool:
    """Whether the widget takes several items: multi_choice, multi_list_choice, or an
    item_picker in `mode: "multiple"`."""
    kind = widget_kind(widget)
    return kind in MULTI_KINDS or (kind == "item_picker" and to_text((widget or {}).get("mode", "")) == "multiple")


def is_choice(widget: dict[str, Any] | None) -> bool:
    return widget_kind(widget) in SINGLE_KINDS or is_multi(widget)


def default_text(widget: dict[str, Any] | None) -> str | None:
    """The widget's `default:` as the text that answers with it (None without one)."""
    if not widget or widget.get("default") is None:
        return None
    value = widget["default"]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(to_text(v) for v in value)
    return to_text(value)


def _range_words(widget: dict[str, Any], what: str, example: str = "", timezone: str = "UTC") -> str:
    low, high = (_bound(widget.get(key), timezone) for key in ("min", "max"))
    if low is not None and high is not None:
        what = f"{what} from {low} to {high}"
    elif low is not None:
        what = f"{what} from {low}" if what == "a date and time" else f"{what} of at least {low}"
    elif high is not None:
        what = f"{what} until {high}" if what == "a date and time" else f"{what} of at most {high}"
    return what + (f", like {example}" if example else "")


def _bound(value: Any, timezone: str) -> str | None:
    """A `min:`/`max:` in words: date-times (ISO text on the wire) in the bot's timezone."""
    if value is None:
        return None
    text = to_text(value)
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\dT", text):
        import pendulum

        try:
            moment = pendulum.parse(text)
            return moment.in_timezone(timezone).format("D MMMM HH:mm")  # type: ignore[union-attr]
        except (ValueError, TypeError, AttributeError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
            return text
    if hasattr(value, "in_timezone"):
        return value.in_timezone(timezone).format("D MMMM HH:mm")
    return text


def _length_words(widget: dict[str, Any]) -> str:
    low, high = widget.get("min_length"), widget.get("max_length")
    if isinstance(low, int) and isinstance(high, int):
        return f"{low} to {high} characters"
    if isinstance(low, int):
        return f"at least {low} characters"
    if isinstance(high, int):
        return f"at most {high} characters"
    return ""


def _items_words(widget: dict[str, Any]) -> str:
    low, high = widget.get("min_items"), widget.get("max_items")
    parts = []
    if isinstance(low, int) and low > 0:
        parts.append(f"at least {low}")
    if isinstance(high, int):
        parts.append(f"at most {high}")
    return " and ".join(parts)


def constraint_words(widget: dict[str, Any], timezone: str = "UTC") -> str:
    """The widget's constraints in words, without the list of items (the interactive controls
    print the items as a list of their own)."""
    kind = widget_kind(widget)
    words = {
        "int": lambda: _range_words(widget, "a whole number"),
        "number": lambda: _range_words(widget, "a number"),
        "datetime": lambda: _range_words(widget, "a date and time", '"tomorrow 18:00"', timezone),
        "duration": lambda: _range_words(widget, "a duration", '"2h 30m" or "1d"'),
        "confirm": lambda: "yes or no",
        "location": lambda: "a location: lat, lon, like 52.37, 4.89",
        "secret": lambda: "hidden: not echoed, not kept in history",
        "captcha": lambda: "type the characters in the picture",
        "upload": lambda: _upload_words(widget),
    }
    if kind in words:
        text = words[kind]()
    elif kind in ("text", "multiline"):
        text = _length_words(widget)
    elif is_multi(widget):
        limit = _items_words(widget)
        text = "choose any, comma-separated" + (f"; {limit}" if limit else "")
    elif kind == "autocomplete":
        text = "choose one, or type part of a name"
    elif kind in SINGLE_KINDS:
        text = "choose one"
    else:
        text = ""
    if kind in ("text", "multiline", "int", "number", "datetime", "duration") and widget.get("required") is False:
        text = (text + "; " if text else "") + "optional"
    default = default_text(widget)
    if default is not None and kind != "secret":
        text = (text + "; " if text else "") + f"Enter = {default}"
    return text


def _upload_words(widget: dict[str, Any]) -> str:
    types = widget.get("types")
    parts = ["a file"]
    if isinstance(types, list) and types:
        parts.append(", ".join(to_text(t) for t in types))
    if isinstance(widget.get("max_size"), int):
        parts.append(f"at most {human_size(widget['max_size'])}")
    return "; ".join(parts) + " — send it with /upload PATH"


def human_size(size: int) -> str:
    """1 byte, 512 bytes, 1.5 KB, 2.0 MB: what a person reads at a glance."""
    if size == 1:
        return "1 byte"
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size_f = size / 1024
        if size_f < 1024 or unit == "GB":
            return f"{size_f:.1f} {unit}"
        size = int(size_f)
    return f"{size} bytes"  # pragma: no cover
