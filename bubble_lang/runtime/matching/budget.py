"""Regex time budget of one turn (runtime matching): SPEC §13, 50 ms per call, 250 ms per turn.

Input: every regex search the matcher runs on a message (`/re/` rules, legacy triggers). Output:
the search result, or `MatchBudgetExceeded` naming the pattern when a call times out or the turn
has no regex time left. Pattern regexes are author-written and run on user text, so any of them
may backtrack catastrophically; the `regex` module's `timeout=` stops a single call, and this
object stops the sum. One `RegexBudget` is made per turn and passed to every match of that turn.

It also records the patterns whose match gave up on the step cap (`gave_up`), so the caller can
report "this trigger is too expensive" without the matcher raising for a merely slow pattern.
"""

from __future__ import annotations

import time

import attrs
import regex

from ...limits import DEFAULT_LIMITS, Limits


class MatchBudgetExceeded(Exception):
    """A pattern's regex ran out of time: `per` is "call" or "turn", `seconds` that limit.

    The VM turns it into a `LimitExceeded` at the script position of the trigger or ask.
    """

    def __init__(self, pattern: str, per: str, seconds: float) -> None:
        self.pattern = pattern
        self.per = per
        self.seconds = seconds
        millis = round(seconds * 1000)
        if per == "call":
            message = f"the regex in pattern `{pattern}` ran longer than {millis} ms"
        else:
            message = (
                f"regex matching used more than {millis} ms this turn "
                f"(stopped in pattern `{pattern}`)"
            )
        self.message = message
        self.hint = "simplify the regex: avoid nested repeats like `(a+)+` or `(a|aa)+`"
        super().__init__(message)


@attrs.define
class RegexBudget:
    """The regex seconds left in one turn, and the patterns that gave up on the step cap."""

    limits: Limits = DEFAULT_LIMITS
    used: float = 0.0
    gave_up: list[str] = attrs.Factory(list)

    @property
    def remaining(self) -> float:
        return self.limits.regex_seconds_per_turn - self.used

    def search(
        self, compiled: regex.Pattern[str], text: str, pattern: str
    ) -> regex.Match[str] | None:
        """`compiled.search(text)` within the per-call and per-turn limits.

        `pattern` is the pattern's text, for the error message.
        """
        per_call = self.limits.regex_seconds_per_call
        remaining = self.remaining
        if remaining <= 0:
            raise MatchBudgetExceeded(pattern, "turn", self.limits.regex_seconds_per_turn)
        timeout = min(per_call, remaining)
        started = time.perf_counter()
        try:
            return compiled.search(text, timeout=timeout)
        except TimeoutError:
            # the regex module's clock is not ours: a search it stopped used its whole allowance
            # even when perf_counter saw a hair less
            self.used += max(0.0, timeout - (time.perf_counter() - started))
            if per_call <= remaining:
                raise MatchBudgetExceeded(pattern, "call", per_call) from None
            raise MatchBudgetExceeded(
                pattern, "turn", self.limits.regex_seconds_per_turn
            ) from None
        finally:
            self.used += time.perf_counter() - started
