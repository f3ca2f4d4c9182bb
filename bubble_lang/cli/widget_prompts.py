"""Widget questions in a terminal (layer 11): the instructions shown under a question, and the
translation of what the user typed into the text the server accepts.

Both front ends of `bubble run` use these pure functions: piped mode shows `widget_hint` and sends
`translate_answer(line)`; the interactive controls (`widget_controls.py`) show their own lists but
reuse the same parsing, defaults and encodings, so a number means the same in both. The server
still checks every answer (`vm/answer_checks.py`); `local_problem` only mirrors its checks for
kinds whose mistakes are worth catching before sending (numbers, dates, durations).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import re
from typing import Any

from ..engine.widget_words import STRUCTURED_KINDS, constraint_words, default_text, is_choice, is_multi, widget_kind
from ..runtime.values import to_text

__all__ = ["STRUCTURED_KINDS", "constraint_words", "default_text", "is_choice", "is_multi", "widget_kind"]  # re-used


def titles(choices: list[dict[str, Any]]) -> list[str]:
    return [to_text(choice.get("title", choice.get("value", ""))) for choice in choices]


CAPTCHA_WIDTH = 72
NO_CAPTCHA_IMAGE = "(captcha image: open the web chat)"
PIPED_CAPTCHA = "  (a captcha picture: it is drawn in an interactive terminal)"



def encode_structured(value: dict[str, Any]) -> str:
    """The text form of a `form`, `multi_values` or `location` answer: one JSON object. This is
    the only place that decides it, so the encoding the server reads changes here alone."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def parse_location(text: str) -> tuple[float, float] | None:
    """`52.37, 4.89` or `52.37 4.89` as (lat, lon), in range; None otherwise."""
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _number_or_title(token: str, names: list[str]) -> str | None:
    """The item `token` names: a number from 1, or a title (any case)."""
    token = token.strip()
    if token.isdigit() and token.isascii():
        number = int(token)
        return names[number - 1] if 1 <= number <= len(names) else None
    folded = token.casefold()
    for name in names:
        if name.casefold() == folded:
            return name
    return None


def parse_choice_input(text: str, names: list[str], *, multi: bool) -> str:
    """The choice text the server accepts for what the user typed.

    One item: a number picks the n-th title, a title picks itself; anything else is sent as
    typed (the server says why it is wrong, or matches an item's value). Several items: parts
    split on commas; a part that is not a number or a title is split on spaces when every
    piece then is one (`1 2`, `1 Fries`); the result is the titles joined with `, `, each once,
    in the order typed. A part that names nothing is kept as typed, so the server's message
    quotes it."""
    if not multi:
        found = _number_or_title(text, names)
        return found if found is not None else text
    picked: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found = _number_or_title(part, names)
        if found is not None:
            pieces = [found]
        else:
            tokens = part.split()
            named = [_number_or_title(t, names) for t in tokens]
            pieces = [n for n in named if n is not None] if len(tokens) > 1 and None not in named else [part]
        for piece in pieces:
            if piece not in picked:
                picked.append(piece)
    return ", ".join(picked)


def translate_answer(text: str, widget: dict[str, Any] | None, choices: list[dict[str, Any]]) -> str | None:
    """What to send for a line typed at an open question (piped mode, and the interactive
    fallback). None: nothing to send (an empty line and no default)."""
    kind = widget_kind(widget)
    if not text.strip():
        default = default_text(widget)
        if default is not None:
            return default
        return "" if kind in ("text", "multiline") and widget and widget.get("required") is False else None
    if widget is None:
        return pick_choice(text, choices)
    if is_choice(widget):
        return parse_choice_input(text, titles(choices), multi=is_multi(widget))
    if kind == "confirm":
        return {"1": "yes", "2": "no"}.get(text.strip(), text)
    if kind == "multiline":
        return text.replace("\\n", "\n")
    if kind == "location":
        point = parse_location(text)
        return encode_structured({"lat": point[0], "lon": point[1]}) if point else text
    return text


def pick_choice(text: str, choices: list[dict[str, Any]]) -> str:
    """Quick replies (no widget): a number picks the n-th offered choice's value; anything else
    is sent as typed."""
    stripped = text.strip()
    if stripped.isdigit() and stripped.isascii() and choices:
        number = int(stripped)
        if 1 <= number <= len(choices):
            return to_text(choices[number - 1]["value"])
    return text



def numbered(names: list[str]) -> str:
    return "  ".join(f"[{number}] {name}" for number, name in enumerate(names, 1))


def field_summary(fields: Any) -> str:
    """`name (text), age (int)`: the fields of a form, in words."""
    out = []
    for field in fields if isinstance(fields, list) else []:
        if isinstance(field, dict):
            out.append(f"{to_text(field.get('name', '?'))} ({to_text(field.get('kind', 'text'))})")
    return ", ".join(out)



def widget_hint(widget: dict[str, Any] | None, choices: list[dict[str, Any]], timezone: str = "UTC", *,
                pictures: bool = False) -> list[str]:
    """The plain lines under a widget question (piped mode): the items numbered inside the
    instructions, like `  (choose one: [1] A  [2] B)`. Quick replies without a widget keep the
    bare `  [1] Yes  [2] No`. A captcha's picture is drawn only with `pictures` (the interactive
    terminal): its noise is random, so a piped transcript would never be the same twice."""
    if widget is None:
        return ["  " + numbered(titles(choices))] if choices else []
    kind = widget_kind(widget)
    lines: list[str] = []
    if kind == "captcha":
        lines.extend(captcha_lines(widget.get("image")) if pictures else [PIPED_CAPTCHA])
    if kind in STRUCTURED_KINDS:
        example = encode_structured({to_text(f.get("name", "?")): "…" for f in widget.get("fields") or []
                                     if isinstance(f, dict)})
        lines.append(f"  (a form: {field_summary(widget.get('fields'))}; answer with one JSON object, like {example})")
        return lines
    words = constraint_words(widget, timezone)
    if is_choice(widget) and choices:
        first, *rest = words.split(";")
        words = f"{first}: {numbered(titles(choices))}" + "".join(f";{more}" for more in rest)
    if kind == "confirm":
        words = "yes or no: [1] Yes  [2] No" + words[len("yes or no"):]
        lines.extend("  " + line for line in _confirm_table(widget))
    if kind == "multiline":
        words = (words + "; " if words else "") + "one line here: type \\n for a line break"
    if words:
        lines.append(f"  ({words})")
    return lines


def control_lines(widget: dict[str, Any] | None, choices: list[dict[str, Any]], timezone: str = "UTC") -> list[str]:
    """The lines under a widget question in the interactive terminal: choices as a radio list
    `( ) 1. A` or a checkbox list `[ ] 1. A` (the default marked), then what to type."""
    kind = widget_kind(widget)
    if widget is None or not is_choice(widget):
        if kind == "multiline":  # the toolbar says how to break a line and send
            words = constraint_words(widget, timezone)
            return [f"  ({words})"] if words else []
        return widget_hint(widget, choices, timezone, pictures=True)
    default = default_text(widget)
    marked = {name.strip().casefold() for name in (default or "").split(",")} if default else set()
    multi = is_multi(widget)
    lines = []
    for number, name in enumerate(titles(choices), 1):
        on = name.casefold() in marked
        box = ("[x]" if on else "[ ]") if multi else ("(*)" if on else "( )")
        lines.append(f"  {box} {number}. {name}")
    how = "numbers or names, like 1, 2 or 1 2" if multi else "a number or a name"
    first, *rest = constraint_words(widget).split(";")
    lines.append(f"  ({first}: type {how}" + "".join(f";{more}" for more in rest) + ")")
    return lines


def _confirm_table(widget: dict[str, Any]) -> list[str]:
    from .content_text import confirm_data_lines

    return confirm_data_lines(widget.get("data"))


def local_problem(widget: dict[str, Any] | None, text: str, now: Any, timezone: str) -> str | None:
    """Why the server would refuse `text` for a text, number, date-time, duration or location
    widget, checked before sending (the same rules, so the message is the server's); None when
    it looks right or the kind is left to the server."""
    kind = widget_kind(widget)
    if widget is None or not text.strip():
        return None
    if kind == "location":
        return None if parse_location(text) else "Please give a location as lat, lon, like 52.37, 4.89."
    if kind not in ("int", "number", "datetime", "duration", "text", "multiline"):
        return None
    from ..runtime.values import Record
    from ..vm.answer_checks import WidgetRejected, answer_widget

    try:
        answer_widget(Record("widget", dict(widget)), text, now, timezone)
    except WidgetRejected as rejected:
        return rejected.message
    except Exception:  # noqa: BLE001 - a kind this mirror cannot judge is left to the server
        return None
    return None


def captcha_lines(image: Any, width: int = CAPTCHA_WIDTH) -> list[str]:
    """A captcha's `data:image/png;base64,…` picture in half-block characters (two pixel rows a
    line), or one line saying where to see it when Pillow is missing or the image is not one."""
    if not isinstance(image, str) or not image.startswith("data:image/") or ";base64," not in image:
        return [NO_CAPTCHA_IMAGE]
    try:
        from PIL import Image
    except ImportError:
        return [NO_CAPTCHA_IMAGE]
    try:
        raw = base64.b64decode(image.split(";base64,", 1)[1], validate=True)
        picture = Image.open(io.BytesIO(raw))
        picture.load()
    except (binascii.Error, ValueError, OSError, Image.DecompressionBombError):
        return [NO_CAPTCHA_IMAGE]
    gray = picture.convert("L")
    columns = min(width, gray.width)
    rows = max(2, round(gray.height * columns / gray.width / 2) * 2)  # a character cell is ~2:1
    gray = gray.resize((columns, rows))
    pixels = gray.load()
    values = [pixels[x, y] for y in range(rows) for x in range(columns)]
    threshold = (min(values) + max(values)) / 2
    lines = []
    for y in range(0, rows, 2):
        line = []
        for x in range(columns):
            top, bottom = pixels[x, y] < threshold, pixels[x, y + 1] < threshold
            line.append("█" if top and bottom else "▀" if top else "▄" if bottom else " ")
        lines.append(("  " + "".join(line)).rstrip())
    return lines
