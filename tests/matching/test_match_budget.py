"""Regex time limits (SPEC §13) and the step cap: a clear error or a bounded no-match."""

from __future__ import annotations

import time

import pytest
from matching_helpers import run

from bubble_lang.limits import Limits
from bubble_lang.runtime.matching import MAX_STEPS, MatchBudgetExceeded, RegexBudget

CATASTROPHIC = "a" * 30 + "b"


def test_nested_plus_does_not_hang() -> None:
    """`(a+)+$` is the textbook case; the `regex` module handles it, so it just fails."""
    started = time.perf_counter()
    assert run("/(a+)+$/", CATASTROPHIC) is None
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("pattern", ["/(a|aa)+$/", "hi /(a|a)+$/", "#<x:(a|aa)+$>"])
def test_catastrophic_regex_raises_a_clear_error(pattern: str) -> None:
    budget = RegexBudget()
    started = time.perf_counter()
    with pytest.raises(MatchBudgetExceeded) as info:
        run(pattern, "hi " + CATASTROPHIC, budget=budget)
    assert time.perf_counter() - started < 1
    error = info.value
    assert error.pattern == pattern and error.per == "call" and error.seconds == 0.05
    assert str(error) == f"the regex in pattern `{pattern}` ran longer than 50 ms"
    assert "nested repeats" in error.hint
    assert budget.used >= 0.05


def test_the_turn_budget_is_shared_by_all_matches() -> None:
    limits = Limits(regex_seconds_per_call=0.05, regex_seconds_per_turn=0.08)
    budget = RegexBudget(limits)
    with pytest.raises(MatchBudgetExceeded):
        run("/(a|aa)+$/", CATASTROPHIC, budget=budget)
    # 30 ms left: the next slow regex stops at the turn limit, not the call limit
    with pytest.raises(MatchBudgetExceeded) as info:
        run("/(a|a)+$/", CATASTROPHIC, budget=budget)
    assert info.value.per == "turn" and "this turn" in str(info.value)
    # and once the turn is spent, any regex is refused at once
    with pytest.raises(MatchBudgetExceeded) as info:
        run("/quit/", "quit", budget=budget)
    assert info.value.per == "turn"


def test_patterns_without_regexes_never_touch_the_budget() -> None:
    budget = RegexBudget()
    budget.used = 10.0
    assert run("hello", "hello", budget=budget) is not None


def test_step_cap_gives_up_with_a_flag() -> None:
    budget = RegexBudget()
    message = " ".join(["w"] * 300)
    started = time.perf_counter()
    assert run("[0+] [0+] [0+] x", message, budget=budget) is None
    assert time.perf_counter() - started < 2
    assert budget.gave_up == ["[0+] [0+] [0+] x"]
    # the same pattern on a short message is fine
    assert run("[0+] [0+] [0+] x", "a b x") is not None


def test_step_cap_is_configurable() -> None:
    budget = RegexBudget()
    assert run("a b c d", "x y z a b c d", budget=budget, max_steps=5) is None
    assert budget.gave_up == ["a b c d"]
    assert MAX_STEPS == 100_000


def test_long_messages_are_cut() -> None:
    """Only the first `match_text_chars` characters are matched."""
    budget = RegexBudget(Limits(match_text_chars=20))
    assert run("hello", "x " * 20 + "hello", budget=budget) is None
    assert run("hello", "x " * 5 + "hello", budget=budget) is not None
