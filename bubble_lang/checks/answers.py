"""Lint: replies to `ask` that nothing reads (B302).

Input: a resolved `Program`. Output: warnings for `x = ask …` whose `x` is read nowhere, and for a
plain `ask` whose `answer` is replaced by a later `ask`, or outlives its dialog, before any
statement reads it.

The rule is deliberately conservative: it stays silent when something it cannot see might read
the answer. A call out (`invoke`, `goto`, `perform`, `extension`, `prompt`, `await`) or a `break`
before the next `ask` counts as a read; so does any inner dialog that reads `answer`, and for an
`ask` that waits for media, reading `location` or `attachment` in the dialog; an answer
left at the end of a dialog is reported only when no `invoke`/`goto` reaches that dialog, no
`__returning__` dialog and no test reads `answer`; a global `x = ask` target is never reported
in a bot that calls extensions (they see every variable).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import nodes as n
from ..diagnostics import Diagnostic, make_diagnostic
from .headers import MEDIA_EXPECTATIONS
from .walk import CHOICE, LOOP, SEQUENCE, blocks, contains, ends_flow, iter_nodes, reads_name

if TYPE_CHECKING:
    from ..program import DialogInfo, Program

READ = "read"
UNKNOWN = "unknown"
OVERWRITTEN = "overwritten"
END = "end"

_CALL_OUTS = frozenset({"invoke", "goto", "perform", "extension", "prompt", "await", "break"})

Path = tuple[tuple[tuple[n.Stmt, ...], int, str], ...]


def check_unread_answers(program: Program) -> Iterator[Diagnostic]:
    answer_read_elsewhere = _answer_read_outside_dialogs(program)
    for info in program.all_dialogs:
        inner_reads = any(reads_name(inner.decl, "answer") for inner in info.inner)
        for ask, path in _asks(info.decl.body, ()):
            if isinstance(ask.target, n.Name):
                diagnostic = _unread_target(program, info, ask, ask.target)
            elif ask.target is None and not inner_reads and not _media_read_otherwise(info, ask):
                diagnostic = _unread_answer(program, info, ask, path, answer_read_elsewhere)
            else:
                diagnostic = None
            if diagnostic is not None:
                yield diagnostic


def _media_read_otherwise(info: DialogInfo, ask: n.Command) -> bool:
    """`ask …, expecting: :location` (or `:image`, …) read through `location` or `attachment`,
    which hold the latest point and file as well as `answer` (reference §4.3)."""
    expecting = next((option.value for option in ask.options if option.key == "expecting"), None)
    items = expecting.items if isinstance(expecting, n.ListExpr) else (expecting,)
    kinds = {item.name for item in items if isinstance(item, n.Atom) and item.name in MEDIA_EXPECTATIONS}
    if not kinds:
        return False
    names = (["location"] if "location" in kinds else []) + (["attachment"] if kinds - {"location"} else [])
    return any(reads_name(info.decl, name) for name in names)


def _asks(body: tuple[n.Stmt, ...], path: Path) -> Iterator[tuple[n.Command, Path]]:
    """Every `ask` of a body with its path: the blocks around it, innermost last."""
    yield from _asks_in(body, SEQUENCE, path)


def _asks_in(block: tuple[n.Stmt, ...], mode: str, path: Path) -> Iterator[tuple[n.Command, Path]]:
    for index, statement in enumerate(block):
        is_ask = isinstance(statement, n.Command) and statement.word == "ask"
        nested_blocks = blocks(statement)
        if not is_ask and not nested_blocks:
            continue  # most statements: no path to make
        here = (*path, (block, index, mode))
        if is_ask:
            yield statement, here
        for nested, nested_mode in nested_blocks:
            yield from _asks_in(nested, nested_mode, here)


def _unread_target(program: Program, info: DialogInfo, ask: n.Command, target: n.Name) -> Diagnostic | None:
    name = target.name
    reads = program.usage.reads.get(name, [])
    if name.startswith("_"):
        if any(contains(info.decl, span) for span in reads):
            return None
    elif reads or program.usage.extensions:
        return None
    return make_diagnostic("B302", f"`{name}` is set by `ask` but never read", target.span,
                           label="the reply is stored here and never used",
                           hint=f"use `{name}` somewhere, or use `say` if no reply is needed")


def _unread_answer(program: Program, info: DialogInfo, ask: n.Command, path: Path,
                   answer_read_elsewhere: bool) -> Diagnostic | None:
    outcome = _after(path)
    if outcome in (READ, UNKNOWN):
        return None
    if outcome == END:
        if answer_read_elsewhere or (info.name is not None and program.usage.dialogs.get(info.name)):
            return None
        label = "the dialog ends before `answer` is read"
    else:
        label = "`answer` is replaced by the next `ask` before it is read"
    return make_diagnostic("B302", "the answer to this `ask` is never read", ask.word_span, label=label,
                           hint="use the reply (`name = answer`), or use `say` if no reply is needed")


def _after(path: Path) -> str:
    """What happens to `answer` after the statement at the end of `path`."""
    if not path:
        return END
    block, index, mode = path[-1]
    outer = path[:-1]
    if mode == CHOICE:
        return _after(outer)
    rest = _scan(block[index + 1:])
    if rest != END:
        return rest
    if mode == LOOP:
        again = _scan(block[: index + 1])
        if again in (READ, UNKNOWN):
            return again
    return _after(outer)


def _scan(statements: tuple[n.Stmt, ...]) -> str:
    """The first thing that happens to `answer` along a run of statements."""
    for statement in statements:
        if reads_name(statement, "answer"):
            return READ
        if any(isinstance(node, n.Command) and node.word in _CALL_OUTS for node in iter_nodes(statement)):
            return UNKNOWN
        if isinstance(statement, n.Command) and statement.word == "ask" and statement.target is None:
            return OVERWRITTEN
        if ends_flow(statement):
            return END
    return END


def _answer_read_outside_dialogs(program: Program) -> bool:
    """Whether `answer` may be read after a dialog ends: by `__returning__` or by a test."""
    for info in program.all_dialogs:
        if info.name == "__returning__" and reads_name(info.decl, "answer"):
            return True
    return any(reads_name(test, "answer") for test in program.tests)
