"""Lint: constants that no script reads (B303).

Input: a resolved `Program` (its usage table). Output: a warning per script constant never read
as `@name`. Settings (`@timeout`, `@ask_timeout`) are read by the runtime and data-file constants
may be meant for other tools, so neither is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, make_diagnostic
from .reserved import SETTINGS

if TYPE_CHECKING:
    from ..resolve import Program


def check_unused_constants(program: Program) -> Iterator[Diagnostic]:
    for name, decl in program.constants.items():
        if name in SETTINGS or program.usage.constants.get(name):
            continue
        yield make_diagnostic("B303", f"constant `@{name}` is never used", decl.name_span,
                              label="defined but never read",
                              hint=f"remove it, or use it as `@{name}`")
