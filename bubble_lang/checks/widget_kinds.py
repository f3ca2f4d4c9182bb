"""Lint: `input_method` options that do not fit the widget kind (B306).

Input: a resolved `Program`. Output: a warning for each `input_method("kind", …)` with a literal
kind that names no widget kind of SPEC §8, takes an option that kind does not take, or lacks one it
needs. The kinds and their options come from the builtin registry (`stdlib/decl_widgets.py`), the
one table the runtime validates answers with. Options no widget takes at all are already errors
from the resolver (B202) and are not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import nodes as n
from ..diagnostics import Diagnostic, make_diagnostic
from ..source import Span
from ..stdlib.registry import check_widget_options, lookup
from .walk import iter_nodes

if TYPE_CHECKING:
    from ..resolve import Program


def check_widget_kinds(program: Program) -> Iterator[Diagnostic]:
    declared = lookup("input_method")
    known = set(declared.keywords) if declared is not None else set()
    for script in program.scripts:
        for node in iter_nodes(script):
            if isinstance(node, n.Call) and node.name == "input_method" and node.args:
                yield from _check_widget(node, known)


def _check_widget(call: n.Call, known: set[str]) -> Iterator[Diagnostic]:
    kind = call.args[0]
    if not isinstance(kind, n.Str) or kind.literal is None:
        return
    options: dict[str, n.Option] = {}
    for option in call.options:
        if option.key in known:
            options.setdefault(option.key, option)
    problem = check_widget_options(kind.literal, tuple(options), complete=len(call.args) < 2)
    if problem is None:
        return
    span: Span = kind.span
    if problem.kind == "keyword":
        offending = next((o for key, o in options.items() if f"`{key}:`" in problem.message), None)
        span = offending.key_span if offending is not None and "needs" not in problem.message else call.name_span
    yield make_diagnostic("B306", problem.message, span, hint=problem.hint)
