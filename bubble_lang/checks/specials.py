"""Lint: misspelt special dialog names (B308).

Input: a resolved `Program`. Output: a warning per dialog whose name is wrapped in double
underscores but is not a special dialog of SPEC §6; the runtime would never run it by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, make_diagnostic
from .reserved import SPECIAL_DIALOGS
from .suggest import nearest

if TYPE_CHECKING:
    from ..program import Program


def check_special_names(program: Program) -> Iterator[Diagnostic]:
    for info in program.all_dialogs:
        name = info.name
        if name is None or not (name.startswith("__") and name.endswith("__") and len(name) > 4):
            continue
        if name in SPECIAL_DIALOGS or program.usage.dialogs.get(name):
            continue
        guess = nearest(name, SPECIAL_DIALOGS)
        hint = f"did you mean `{guess}`?" if guess else "use a special dialog name, or drop the underscores"
        yield make_diagnostic("B308", f"`{name}` is not a special dialog", info.decl.name_span,
                              label="never run by the runtime", hint=hint)
