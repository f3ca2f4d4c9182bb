"""Shared helpers of the matching tests: a fixed clock and one-call matching."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pendulum

from bubble_lang.runtime.matching import Match, RegexBudget, compile_text, match

TZ = "Europe/Amsterdam"
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz=TZ)  # a Tuesday
"""The clock of every matching test."""


def run(
    pattern: str,
    text: str,
    *,
    concepts: Mapping[str, Sequence[str]] | None = None,
    budget: RegexBudget | None = None,
    max_steps: int | None = None,
) -> Match | None:
    """Parse, compile and match `pattern` against `text` at `NOW`."""
    extra = {} if max_steps is None else {"max_steps": max_steps}
    return match(
        compile_text(pattern), text, now=NOW, timezone=TZ, budget=budget, concepts=concepts,
        **extra,
    )


def texts(found: Match | None) -> dict[str, str] | None:
    """The captures of a match as name -> text, or None when it did not match."""
    return None if found is None else {name: cap.text for name, cap in found.captures.items()}
