"""Lint: conversation variables read somewhere but assigned nowhere (B304).

Input: a resolved `Program` (its usage table). Output: one warning per such variable, at its first
read, suggesting the nearest assigned name. Runtime variables, `user.*` fields and `_locals` are
not judged; assignments count wherever they are (a dialog, a task, `x = ask`, a `repeat`
variable, a legacy `#<name>` capture). A bot that calls extensions is not judged at all: an
extension may set any variable (SPEC §11).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, make_diagnostic
from ..source import Span
from ..statements import RUNTIME_VARIABLES
from .suggest import did_you_mean

if TYPE_CHECKING:
    from ..program import Program


# Runtime variables of the original language's older docs that bubble spells otherwise: their
# scripts read them without assigning them (catalogue B11: `log intent`).
_OLD_RUNTIME_VARIABLES = {
    "intent": "the intent that triggered the dialog is `message.intent` (the reply's is `answer.intent`)",
}


def check_unassigned_globals(program: Program) -> Iterator[Diagnostic]:
    usage = program.usage
    if usage.extensions:
        return
    order = {script.span.file: index for index, script in enumerate(program.scripts) if script.span is not None}

    def position(span: Span) -> tuple[int, int]:
        return (order.get(span.file, len(order)), span.start)

    assigned = {name: min(spans, key=position) for name, spans in usage.writes.items()
                if not name.startswith("_")}
    for name, spans in usage.reads.items():
        if name.startswith("_") or name in RUNTIME_VARIABLES or name in usage.writes:
            continue
        first = min(spans, key=position)
        hint, labels = did_you_mean(name, assigned,  # type: ignore[arg-type]
                                    fallback=_OLD_RUNTIME_VARIABLES.get(name)
                                    or f"assign it before reading it, like `{name} = …`")
        if labels:
            labels = tuple(type(label)(label.span, label.message.replace("is defined", "is assigned"))
                           for label in labels)
            hint = hint.replace("(defined at", "(assigned at") if hint else hint
        count = len(spans)
        notes = (f"`{name}` is read {count} times and is always `nil`",) if count > 1 else ()
        yield make_diagnostic("B304", f"`{name}` is read but never assigned", first,
                              label="always `nil` here", hint=hint, labels=labels, notes=notes)
