"""Lint rules (layer 4): warnings about code that runs but is likely wrong (B3xx).

Input: a `Program` from `resolve.resolve_bot`. Output: `run_checks(program)`, every warning of every
rule, sorted by position. Each rule is a function `check_xxx(program) -> Iterable[Diagnostic]` in the
module of its family; none needs the VM and none changes the program. The resolver's helpers (body
walk, header checks, pattern spans, durations, "did you mean") live beside them in this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..program import Program

Rule = Callable[["Program"], Iterable[Diagnostic]]


def rules() -> tuple[Rule, ...]:
    """The lint rules, imported on first use: the resolver shares this package's helpers, and
    running a bot (`bubble run`) needs those without paying for the rules (start-up time)."""
    from .answers import check_unread_answers
    from .constants import check_unused_constants
    from .map_keys import check_number_map_keys
    from .reachability import check_unreachable_code
    from .settings import check_timeout_settings
    from .specials import check_special_names
    from .variables import check_unassigned_globals
    from .variants import check_unreachable_variants

    return (
        check_unreachable_variants,
        check_unread_answers,
        check_unused_constants,
        check_unassigned_globals,
        check_unreachable_code,
        check_timeout_settings,
        check_special_names,
        check_number_map_keys,
    )


def run_checks(program: Program) -> list[Diagnostic]:
    """Every lint warning for a resolved program, sorted by file and position."""
    found: list[Diagnostic] = []
    for rule in rules():
        found.extend(rule(program))
    return sorted(found, key=lambda d: d.sort_key)


__all__ = ["rules", "run_checks"]
