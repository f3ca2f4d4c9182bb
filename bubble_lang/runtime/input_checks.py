"""Inputs checked at the edge (layer 6, SPEC §13): what a user or channel sends, before a turn.

Input: a step input (a message, an event with its payload, a location, an attachment). Output:
the same input made safe — text is valid Unicode (a lone surrogate, which no store or socket can
encode, becomes U+FFFD) and a message is cut to the string limit — or `InputRejected`, a clear
diagnostic (B520), when it cannot be played: a payload nested too deep or too big, a number that
is not finite, a location off the globe, an unknown attachment kind. A rejected input changes
nothing: the turn never starts.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pendulum

from ..diagnostics import BubbleUsageError, make_diagnostic
from ..checks.headers import ATTACHMENT_KINDS
from ..limits import Limits
from .inputs import AnswerInput, AttachmentInput, EventInput, LocationInput, StepInput, TextInput
from .script_errors import LimitError
from .value_bounds import ValueMeter
from .values import Atom, Captured, Record, Text

_SURROGATES = re.compile("[\ud800-\udfff]")


class InputRejected(BubbleUsageError):
    """An input that cannot be played; nothing of the conversation changed."""


def clean_text(text: str) -> str:
    """Text made valid Unicode: lone surrogates (from JSON escapes, broken clients) become U+FFFD."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def holds_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value has a lone surrogate in a text or a key (`"\\ud800"` decodes to
    one): no socket or response can encode it."""
    if isinstance(value, str):
        return _SURROGATES.search(value) is not None
    if isinstance(value, list):
        return any(holds_surrogate(item) for item in value)
    if isinstance(value, dict):
        return any(holds_surrogate(key) or holds_surrogate(item) for key, item in value.items())
    return False


def reject(message: str, hint: str) -> InputRejected:
    return InputRejected([make_diagnostic("B520", message, None, hint=hint)])


def check_input(input: StepInput, limits: Limits) -> StepInput:
    """The input made safe, or `InputRejected` (see the module docstring)."""
    if isinstance(input, TextInput):
        text = clean_text(input.text[: limits.string_bytes])
        return input if text == input.text else TextInput(text=text)
    if isinstance(input, EventInput):
        name = clean_text(str(input.name))
        if not name or len(name) > 200:
            raise reject("an event needs a name of 1 to 200 characters", "send `/event NAME` with a short name")
        return EventInput(name=name, payload=clean_value(input.payload, limits, "the event payload"))
    if isinstance(input, LocationInput):
        lat, lon = input.lat, input.lon
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lat, lon)) \
                or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise reject(f"a location needs a latitude from -90 to 90 and a longitude from -180 to 180, "
                         f"got {lat!r}, {lon!r}", "send a point on the globe, like `/location 52.37 4.89`")
        return LocationInput(lat=float(lat), lon=float(lon))
    if isinstance(input, AttachmentInput):
        if input.kind not in ATTACHMENT_KINDS:
            raise reject(f"unknown attachment kind `{clean_text(str(input.kind))[:40]}`",
                         "send one of " + ", ".join(f"`{kind}`" for kind in ATTACHMENT_KINDS))
        data = clean_value(input.data, limits, "the attachment's details")
        if not isinstance(data, dict):
            raise reject("an attachment's details must be a map", "send fields like `url`, `name`, `type`")
        return AttachmentInput(kind=input.kind, data=data)
    if isinstance(input, AnswerInput):
        return AnswerInput(value=clean_value(input.value, limits, "the answer"))
    return input


def clean_value(value: Any, limits: Limits, what: str) -> Any:
    """A value from outside, measured within the limits (nesting, size, finite numbers) and with
    its texts made valid Unicode; `InputRejected` naming `what` otherwise."""
    try:
        ValueMeter(limits, outside=True).check(value)
    except LimitError as error:
        raise reject(f"{what} cannot be used: {error.message}", error.hint or "send smaller, flatter data") from None
    return clean_json(value)


def clean_json(value: Any) -> Any:
    """Plain data (a decoded JSON value, a text with fields) with every lone surrogate in its texts
    and keys made U+FFFD; `InputRejected` for a value of another type. Recursion is bounded by
    the caller: the meter checked the depth, or the JSON decoder read a bounded body."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(str(key)): clean_json(item) for key, item in value.items()}
    if isinstance(value, Text):
        return Text(clean_text(value.text), clean_json(value.fields))
    if value is None or isinstance(value, _PLAIN):
        return value
    raise reject(f"a value of type `{type(value).__name__}` cannot be sent to a bot",
                 "send plain data: text, numbers, true/false, nil, lists and maps")


_PLAIN = (bool, int, float, Atom, Captured, Record, pendulum.DateTime, pendulum.Duration)


def check_advance(seconds: float, now: pendulum.DateTime, limits: Limits) -> float:
    """A move of a conversation's clock (`/time`, `advance`): forward, at most the longest
    duration, and staying in the calendar; `InputRejected` otherwise."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= limits.duration_seconds:
        raise reject(f"the clock can move forward by at most {limits.duration_seconds / (366 * 24 * 3600):g} years "
                     f"at a time, not {seconds!r} seconds", "move it by a duration like `15m` or `2d`")
    try:
        moved = now.add(seconds=seconds)
    except (OverflowError, ValueError):
        moved = None
    if moved is None or moved.year > 9000:
        raise reject("the clock cannot move past the year 9000", "restart the conversation to reset its clock")
    return float(seconds)
