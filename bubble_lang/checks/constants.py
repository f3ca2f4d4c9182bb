"""Lint: constants that no script reads (B303).

Input: a resolved `Program` (its usage table and parsed patterns). Output: a warning per script
constant never read as `@name`, in code or inside a pattern (`trigger: "i want @menu"`). Settings (`@timeout`, `@ask_timeout`) are read by the runtime and data-file constants
may be meant for other tools, so neither is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, make_diagnostic
from ..patterns import Pattern
from ..patterns.tree import Concept, iter_rules
from .reserved import SETTINGS

if TYPE_CHECKING:
    from ..program import Program


def pattern_constants(program: Program) -> set[str]:
    """The constants patterns name as concepts (`@menu`, and `@menu` of `@menu.sub`)."""
    names: set[str] = set()
    for pattern in program.patterns.values():
        if isinstance(pattern, Pattern) and pattern.root is not None:
            names.update(rule.path[0] for rule in iter_rules(pattern.root) if isinstance(rule, Concept))
    return names


def check_unused_constants(program: Program) -> Iterator[Diagnostic]:
    in_patterns: set[str] | None = None
    for name, decl in program.constants.items():
        if name in SETTINGS or program.usage.constants.get(name):
            continue
        if in_patterns is None:
            in_patterns = pattern_constants(program)
        if name in in_patterns:
            continue
        yield make_diagnostic("B303", f"constant `@{name}` is never used", decl.name_span,
                              label="defined but never read",
                              hint=f"remove it, or use it as `@{name}`")
