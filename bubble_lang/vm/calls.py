"""Builtin calls from the VM (layer 7): the bridge to `stdlib_impl` with the conversation's context.

The context carries the turn's clock, the bot's timezone and locale, the conversation's seeded
random source (one fresh generator per draw, seeded by the conversation seed and the draw count,
so a stored conversation replays exactly), the limits and the BML matcher.
"""

from __future__ import annotations

import random
from typing import Any

from ..runtime.script_errors import ScriptError
from ..stdlib import lookup
from .pattern_match import match_text


class _NoDraws(random.Random):
    """The generator handed to builtins that are not random: drawing from it is a bug in bubble."""

    def random(self) -> float:  # pragma: no cover - guarded by the registry's `effectful` flag
        raise RuntimeError("a builtin not declared effectful drew a random number")


_NO_DRAWS = _NoDraws(0)


class BuiltinCaller:
    def __init__(self, machine: Any):
        self.machine = machine

    def rng(self) -> random.Random:
        state = self.machine.state
        generator = random.Random(f"{state.seed}:{state.random_calls}")
        state.random_calls += 1
        return generator

    def context(self, draws: bool) -> Any:
        """The call's context; only builtins that draw random numbers advance the conversation's
        draw count (so evaluating a constant, or any other call, never shifts `random`)."""
        from ..stdlib_impl import Context

        machine = self.machine
        rng = self.rng() if draws else _NO_DRAWS
        return Context(now=machine.now, timezone=machine.timezone(), locale=machine.locale(),
                       rng=rng, limits=machine.limits, translate=lambda text: _translated(machine, text),
                       match_text=lambda pattern, text: match_text(machine, pattern, text))

    def call(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        from ..stdlib_impl import call_builtin  # the implementations load on the first call

        declared = lookup(name)
        try:
            return call_builtin(self.context(declared is not None and declared.effectful), name, args, kwargs)
        except ScriptError:
            raise
        except RecursionError:
            raise ScriptError(f"`{name}` got a value nested too deeply", code="B450") from None


def _translated(machine: Any, text: str) -> str:
    """`_(text)` of a computed text: its translation when one has no placeholders, else the text."""
    found = machine.translation(text)
    return "".join(found) if found and all(isinstance(part, str) for part in found) else text
