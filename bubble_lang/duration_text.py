"""Duration texts (layer 1): the one reading of "90s", "15m", "1h30m" that every stage shares —
the checks of literals, `bubble.toml` (`[extensions.NAME] timeout`) and the runtime.

Input: the text of a duration. Output: its length in seconds, or None when malformed.
SPEC §2: a number is seconds; a text is one or more `<number><unit>` pieces with units `d`, `h`,
`m`, `s`, largest first, each at most once, optionally separated by spaces ("1h30m", "2h 30m").
A text holding only a number ("90") also means seconds. The runtime should parse through this
function so that what compiles also runs.
"""

from __future__ import annotations

import re

_PIECE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([dhms])")
_PLAIN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*")
_UNIT_SECONDS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_ORDER = "dhms"

DURATION_HINT = 'write a number of seconds or a text like "90s", "15m", "2h", "1d" or "1h30m"'


def parse_duration(text: str) -> float | None:
    """Seconds in `text`, or None when it is not a duration."""
    plain = _PLAIN.fullmatch(text)
    if plain:
        return _number(plain.group(1))
    position = 0
    total = 0.0
    last_rank = -1
    for match in _PIECE.finditer(text):
        if match.start() != position:
            return None
        rank = _ORDER.index(match.group(2))
        if rank <= last_rank:
            return None
        last_rank = rank
        total += _number(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position == 0 or text[position:].strip():
        return None
    return total


def _number(digits: str) -> float:
    value = float(digits)
    return int(value) if value.is_integer() else value
