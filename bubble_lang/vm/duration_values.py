"""Durations (layer 7): a number of seconds, or text like "90s", "15m", "2h", "1d", "1h30m" (SPEC §2)."""

from __future__ import annotations

from typing import Any

import pendulum

from ..checks.durations import parse_duration as parse_text_duration
from ..runtime.script_errors import ScriptError
from ..runtime.values import plain_text



def parse_duration(value: Any) -> float:
    """Seconds in a duration value; a malformed one is a runtime error (literals are checked earlier)."""
    value = plain_text(value)
    if isinstance(value, pendulum.Duration):
        return value.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ScriptError("a duration cannot be negative", "write a number of seconds like `2`")
        return float(value)
    if isinstance(value, str):
        seconds = parse_text_duration(value)  # the same reading the compile-time check uses
        if seconds is not None:
            return float(seconds)
    raise ScriptError(f"not a duration: `{plain_text(value)}`", 'write seconds (`2`) or text like "90s", "15m", "1h30m"')
