"""Widget answers (layer 7): validating a reply to `ask … expecting: input_method(kind, …)` on the
server, never trusting the client (SPEC §8).

The text forms of the kinds a user types (text, numbers, choices, yes/no, durations, dates) are
checked here, and the helpers here are shared by `widget_values.py`, which checks a control's
typed value (`AnswerInput`) and the text forms of `location`, `upload`, `multi_values` and `form`.
An invalid reply raises `WidgetRejected` with a message in words, and the question is asked
again. `captcha` needs the conversation's state and is answered in `widget_answers.py`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pendulum
import regex

from ..checks.durations import parse_duration
from ..limits import DEFAULT_LIMITS
from ..runtime.script_errors import ScriptError
from ..runtime.values import REDACTED, Record, Text, plain_text, to_text
from .pattern_match import fold

YES_WORDS = {"yes", "y", "true", "ok", "sure", "yep", "1"}
NO_WORDS = {"no", "n", "false", "nope", "0"}


#: What `is_identifier: true` accepts (the seed's check): a name as in most programming languages.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_SHORT_LENGTH = 200
SHORT_ANSWERS = {
    "int": "Please type a whole number.", "number": "Please type a number.",
    "duration": 'Please give a duration like "2h 30m" or "1d".',
    "datetime": 'Please give a date and time, like "tomorrow at 18:00".', "confirm": "Please answer yes or no.",
}


class WidgetRejected(Exception):
    """The reply does not fit the widget; `message` tells the user why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _items(widget: Record) -> list[tuple[str, Any]]:
    """(title, value) of each item."""
    items = widget.fields.get("items") or []
    result = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            title = to_text(item.get("title", item.get("value")))
            result.append((title, item))
        else:
            result.append((to_text(item), plain_text(item)))
    return result


def pick_item(widget: Record, text: str, *, prefix: bool = False) -> tuple[str, Any] | None:
    wanted = fold(text)
    for title, value in _items(widget):
        plain = to_text(value.get("value", title)) if isinstance(value, dict) else to_text(value)
        if wanted in (fold(title), fold(plain)):
            return title, value
    if prefix:
        found = [(t, v) for t, v in _items(widget) if fold(t).startswith(wanted)]
        if len(found) == 1:
            return found[0]
    return None


def choices_text(widget: Record) -> str:
    return ", ".join(title for title, _ in _items(widget))


def answer_widget(widget: Record, text: str, now: pendulum.DateTime, timezone: str = "UTC") -> Any:
    """The answer for a reply, or `WidgetRejected`. Its type is the kind's answer in SPEC §8: text for
    text and choice kinds (with `answer.data`), a number, a list, `true`/`false`, a date-time or
    a duration for the others."""
    options = widget.fields
    kind = to_text(options.get("kind"))
    if kind in SHORT_ANSWERS and len(text) > _SHORT_LENGTH:
        # A number, a date or a yes/no is never this long; parsing a megabyte of digits as one
        # took a minute (SPEC §13: widget answers are checked at the edge too).
        raise WidgetRejected(SHORT_ANSWERS[kind])
    if kind in ("text", "secret", "multiline"):
        return text_answer(options, text, kind)
    if kind in ("int", "number"):
        return number_answer(options, text, kind)
    if kind in ("single_choice", "dropdown", "autocomplete", "item_picker"):
        if kind == "item_picker" and to_text(options.get("mode", "single")) == "multiple":
            return picker_answer(widget, typed_parts(text))
        found = pick_item(widget, text, prefix=kind == "autocomplete")
        if found is None:
            raise WidgetRejected(f"Please choose one of: {choices_text(widget)}.")
        title, value = found
        return Text(title, {"text": title, "data": value})
    if kind in ("multi_choice", "multi_list_choice"):
        return multi_answer(widget, text)
    if kind == "confirm":
        folded = fold(text)
        if folded in YES_WORDS:
            return True  # type: ignore[return-value]
        if folded in NO_WORDS:
            return False  # type: ignore[return-value]
        raise WidgetRejected("Please answer yes or no.")
    if kind == "duration":
        seconds = parse_duration(text)
        if seconds is None or not seconds <= DEFAULT_LIMITS.duration_seconds:
            raise WidgetRejected(SHORT_ANSWERS["duration"])
        check_range(options, seconds, "duration", duration_seconds)
        return pendulum.duration(seconds=seconds)  # type: ignore[return-value]
    if kind == "datetime":
        return datetime_answer(options, text, now, timezone)
    # Only a `captcha` mixed into an `expecting:` list gets here: it needs the ask to itself.
    raise ScriptError(f"a `{kind}` widget cannot be one item of an `expecting:` list",
                      f'ask with `expecting: input_method("{kind}", …)` alone')


def text_answer(options: dict[str, Any], text: str, kind: str) -> Text:
    value = text if kind == "multiline" else text.strip()
    if not value and options.get("required", True) is not False:
        raise WidgetRejected("Please type an answer.")
    minimum, maximum = options.get("min_length"), options.get("max_length")
    if isinstance(minimum, int) and value and len(value) < minimum:
        raise WidgetRejected(f"Please type at least {minimum} characters.")
    if isinstance(maximum, int) and len(value) > maximum:
        raise WidgetRejected(f"Please keep it to {maximum} characters at most.")
    if options.get("is_identifier") is True and value and not IDENTIFIER.fullmatch(value):
        raise WidgetRejected("Please use only letters, digits and `_`, not starting with a digit.")
    refused = options.get("not_allowed")
    if isinstance(refused, list) and value and fold(value) in {fold(to_text(item)) for item in refused}:
        raise WidgetRejected("That value is not allowed; please choose another.")
    pattern = options.get("pattern")
    if isinstance(pattern, str) and value:
        try:
            if not regex.fullmatch(pattern, value, timeout=0.05):
                raise WidgetRejected("That does not have the expected format.")
        except TimeoutError:
            raise WidgetRejected("That does not have the expected format.") from None
    if kind == "secret":
        return Text(value, {"text": REDACTED, "data": REDACTED, "secret": True})
    return Text(value, {"text": value, "data": value})


def number_answer(options: dict[str, Any], text: str, kind: str) -> Text:
    raw = text.strip().replace(",", ".") if kind == "number" else text.strip()
    try:
        number: int | float = int(raw) if kind == "int" else float(raw)
        if not math.isfinite(number):
            raise ValueError(raw)
        if kind == "number" and float(number).is_integer():
            number = int(number)
    except (ValueError, OverflowError):
        raise WidgetRejected(SHORT_ANSWERS[kind]) from None
    if abs(number) > DEFAULT_LIMITS.integer_magnitude:
        raise WidgetRejected("Please type a smaller number.")
    check_range(options, number, "number", lambda v: v)
    return number  # type: ignore[return-value]


def duration_seconds(bound: Any) -> Any:
    """A duration bound in seconds: `input_method` stores `min:`/`max:` as durations (comparing
    one with the answer's seconds crashed before)."""
    if isinstance(bound, pendulum.Duration):
        return bound.total_seconds()
    return parse_duration(to_text(bound)) if isinstance(bound, str) else bound


def check_range(options: dict[str, Any], value: Any, what: str, convert: Any) -> None:
    low, high = options.get("min"), options.get("max")
    low = convert(low) if low is not None else None
    high = convert(high) if high is not None else None
    if low is not None and high is not None and not low <= value <= high:
        raise WidgetRejected(f"Please give a {what} between {to_text(low)} and {to_text(high)}.")
    if low is not None and value < low:
        raise WidgetRejected(f"Please give a {what} of at least {to_text(low)}.")
    if high is not None and value > high:
        raise WidgetRejected(f"Please give a {what} of at most {to_text(high)}.")


def multi_answer(widget: Record, text: str) -> Text:
    return pick_items(widget, typed_parts(text))


def typed_parts(text: str) -> list[str | None]:
    """The items a typed multi-choice answer names: `tea, coffee`, `tea and coffee`; `none`."""
    if fold(text) in ("", "none", "nothing"):
        return []
    return [part.strip() for part in re.split(r",|\band\b", text) if part.strip()]


def pick_items(widget: Record, parts: list[str | None]) -> Any:
    """The items named by `parts`, as a list (see `chosen_items`)."""
    return [value for _, value in chosen_items(widget, parts)]


def chosen_items(widget: Record, parts: list[str | None]) -> list[tuple[str, Any]]:
    """(title, item) of the items named by `parts` (each a title or value; None for something
    that names none), once each, in order, within `min_items`/`max_items`; the text and the
    control's path alike."""
    chosen: list[tuple[str, Any]] = []
    for part in parts:
        found = pick_item(widget, part) if part is not None else None
        if found is None:
            raise WidgetRejected(f"{'`' + part + '`' if part is not None else 'That'} is not one of: "
                                 f"{choices_text(widget)}.")
        if found not in chosen:
            chosen.append(found)
    low, high = widget.fields.get("min_items"), widget.fields.get("max_items")
    if isinstance(low, int) and len(chosen) < low:
        raise WidgetRejected(f"Please choose at least {low}.")
    if isinstance(high, int) and len(chosen) > high:
        raise WidgetRejected(f"Please choose at most {high}.")
    return chosen


def picker_answer(widget: Record, parts: list[str | None]) -> Text:
    """`item_picker` in `mode: "multiple"` answers as the original does: the titles picked as the
    answer's text (`answer.text`), the items themselves in `answer.data` (a list)."""
    chosen = chosen_items(widget, parts)
    shown = ", ".join(title for title, _ in chosen)
    return Text(shown, {"text": shown, "data": [value for _, value in chosen]})


_ISO_START = re.compile(r"\s*[+-]?\d{4,}-\d{2}-\d{2}T", re.IGNORECASE)


def datetime_answer(options: dict[str, Any], text: str, now: pendulum.DateTime, timezone: str) -> Text:
    from ..runtime.matching import extract_entities
    from ..stdlib_impl.date_text import read_iso, zone_named

    if _ISO_START.match(text):  # ISO text is read as ISO, or refused: never a time found inside it
        zone = zone_named(timezone, "input_method")
        moment = read_iso(text.strip(), zone)
        if moment is None:
            raise WidgetRejected(SHORT_ANSWERS["datetime"])
        return check_moment(options, moment.in_timezone(zone), now)  # in the conversation's zone, as dates found in words
    moment = None
    for entity in extract_entities(text, now=now, timezone=timezone, kinds=frozenset({"time"})):
        if entity.kind == "time" and isinstance(entity.value, pendulum.DateTime):
            moment = entity.value
            break
    if moment is None:
        try:
            parsed = pendulum.parse(text.strip(), tz=timezone, strict=False)
            moment = parsed if isinstance(parsed, pendulum.DateTime) else None
        except (ValueError, OverflowError, TypeError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
            moment = None
    if moment is None:
        raise WidgetRejected(SHORT_ANSWERS["datetime"])
    return check_moment(options, moment, now)


def check_moment(options: dict[str, Any], moment: pendulum.DateTime, now: pendulum.DateTime) -> pendulum.DateTime:
    """A date-time answer within `min:`/`max:`, and after now with `future: true`, at least
    `min_time:` from now when given (the seed's datetime checks)."""
    if options.get("future") is True and moment <= now:
        raise WidgetRejected("Please pick a moment in the future.")
    ahead = options.get("min_time")
    if isinstance(ahead, pendulum.Duration) and moment < now + ahead:
        raise WidgetRejected(f"Please pick a moment after {(now + ahead).format('D MMMM HH:mm')}.")
    low, high = options.get("min"), options.get("max")
    if isinstance(low, pendulum.DateTime) and moment < low:
        raise WidgetRejected(f"Please pick a moment after {low.format('D MMMM HH:mm')}.")
    if isinstance(high, pendulum.DateTime) and moment > high:
        raise WidgetRejected(f"Please pick a moment before {high.format('D MMMM HH:mm')}.")
    return moment  # type: ignore[return-value]
