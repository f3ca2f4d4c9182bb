"""Durations (layer 7): a number of seconds, or text like "90s", "15m", "2h", "1d", "1h30m" (SPEC §2)."""

from __future__ import annotations

from typing import Any

import pendulum

from ..checks.durations import parse_duration as parse_text_duration
from ..limits import DEFAULT_LIMITS
from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.values import plain_text


def parse_duration(value: Any, longest: float = DEFAULT_LIMITS.duration_seconds) -> float:
    """Seconds in a duration value; a malformed one is a runtime error (literals are checked
    earlier), and one longer than `longest` (100 years) a limit: a clock moved that far leaves
    the calendar."""
    value = plain_text(value)
    if isinstance(value, pendulum.Duration):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ScriptError("a duration cannot be negative", "write a number of seconds like `2`")
        seconds = float(value)
    else:
        found = parse_text_duration(value) if isinstance(value, str) else None  # as the compile-time check reads it
        if found is None:
            raise ScriptError(f"not a duration: `{str(plain_text(value))[:60]}`",
                              'write seconds (`2`) or text like "90s", "15m", "1h30m"')
        seconds = float(found)
    if not seconds <= longest:  # also false for NaN
        raise LimitError(f"the duration is longer than {longest / (366 * 24 * 3600):g} years",
                         "use a shorter duration, or raise `duration_seconds` in bubble.toml")
    return seconds
