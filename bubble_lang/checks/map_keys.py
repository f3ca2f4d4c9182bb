"""Lint: a number written as a map key (B309).

Input: a resolved `Program`. Output: a warning for each `%{1: …}` entry whose key is a number
literal. `1:` reads like a named field, but the key is the number 1: `m.1` cannot read it and
`m["1"]` does not find it, and data files and JSON have text keys, so a lookup silently misses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import nodes as n
from ..diagnostics import Diagnostic, make_diagnostic
from .walk import program_bodies, walk_exprs

if TYPE_CHECKING:
    from ..program import Program


def check_number_map_keys(program: Program) -> Iterator[Diagnostic]:
    roots: list[n.Node] = [decl for decl, _ in program_bodies(program)]
    roots += [decl for script in program.scripts for decl in script.decls if isinstance(decl, n.ConstDecl)]
    for root in roots:
        if root.span is not None and "%{" not in root.span.text:
            continue  # no map written here: no need to walk it (a walk of every node was 0.13 s of 10,000 dialogs)
        for expr in walk_exprs(root):
            if not isinstance(expr, n.MapExpr):
                continue
            for entry in expr.entries:
                key = entry.key
                if isinstance(key, n.Literal) and isinstance(key.value, (int, float)) and \
                        not isinstance(key.value, bool):
                    text = str(key.value)
                    yield make_diagnostic(
                        "B309", f"the map key `{text}:` is the number {text}, not a name", key.span,
                        label="a number as a key",
                        hint=f'write `"{text}":` for the text key "{text}" (read it as `map["{text}"]`), '
                             "or use a list for numbered items")
