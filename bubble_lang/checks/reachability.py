"""Lint: statements control can never reach (B305).

Input: a resolved `Program`. Output: one warning per block, at the first statement after one that
always leaves the block (`close`, `goto`, `return`, `continue`, `break`, or an `if`/`branch` whose
every way does). `random` choices and `once` steps are alternatives, not a sequence, so a `close`
among them hides nothing. Inner dialogs are declarations, never unreachable code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import nodes as n
from ..diagnostics import Diagnostic, Label, make_diagnostic
from .walk import CHOICE, LOOP, SEQUENCE, blocks, ends_flow, program_bodies

if TYPE_CHECKING:
    from ..program import Program


def check_unreachable_code(program: Program) -> Iterator[Diagnostic]:
    for _, body in program_bodies(program):
        yield from _check_block(body, SEQUENCE, in_loop=False)


def _check_block(block: tuple[n.Stmt, ...], mode: str, *, in_loop: bool) -> Iterator[Diagnostic]:
    for index, statement in enumerate(block):
        for nested, nested_mode in blocks(statement):
            yield from _check_block(nested, nested_mode, in_loop=in_loop or nested_mode == LOOP)
        if mode != CHOICE and ends_flow(statement, in_loop) and index + 1 < len(block):
            leaving = _leaving_word(statement)
            yield make_diagnostic(
                "B305", "unreachable code", block[index + 1].span, label="never runs",
                labels=(Label(statement.span, f"{leaving} leaves the block here"),),
                hint="remove it, or move it before the statement that leaves the block")
            return


def _leaving_word(statement: n.Stmt) -> str:
    if isinstance(statement, n.Command):
        return f"`{statement.word}`"
    return "every way through this statement"
