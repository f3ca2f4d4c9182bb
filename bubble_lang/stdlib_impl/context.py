"""What a builtin may know about the conversation it runs in (layer 6).

Input: nothing. Output: `Context`, the one argument every builtin implementation gets besides its
own arguments. Builtins never read the system clock, the global `random` module, environment
variables or files: everything that varies between conversations comes through here, so a test
with a fixed clock and a seeded generator replays exactly, and the VM decides what "now" is.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import attrs
import pendulum

from ..limits import DEFAULT_LIMITS, Limits
from ..runtime.script_errors import ScriptError


def _same_text(text: str) -> str:
    """The default translation: none, so `_("Hello")` is "Hello"."""
    return text


def _no_matcher(pattern: str, text: str) -> dict[str, Any] | None:
    """The default `match_text` until the VM wires the BML matcher in; failing loudly is better
    than guessing at BML semantics here."""
    raise ScriptError(
        "matching is not available in this context",
        "run the script in the bubble VM, which provides the BML matcher",
        code="B403",
    )


def _fresh_rng() -> random.Random:
    """A generator seeded with 0: a context built without one is still reproducible."""
    return random.Random(0)


@attrs.frozen(kw_only=True)
class Context:
    """The conversation a builtin call belongs to.

    `now` is the conversation clock (fixed in tests, moved by `advance`); `timezone` is the
    conversation's IANA zone and `locale` its language (`"en"`, `"nl"`, `"en_GB"`); `rng` is
    the conversation's seeded generator, the only source of randomness; `limits` are the SPEC
    §13 budgets; `translate` looks a text up in the bot's translations (identity by default);
    `match_text(pattern, text)` runs a BML pattern and gives the captures or None (wired by the
    VM to `runtime.matching`).
    """

    now: pendulum.DateTime
    timezone: str = "UTC"
    locale: str = "en"
    rng: random.Random = attrs.field(factory=_fresh_rng)
    limits: Limits = DEFAULT_LIMITS
    translate: Callable[[str], str] = _same_text
    match_text: Callable[[str, str], dict[str, Any] | None] = _no_matcher
