"""Name resolution of a large bot after an edit, re-checking only the blocks that may have changed.

Why: resolving 10,000 dialogs takes a few hundred milliseconds, more than a keystroke's budget,
but an edit inside one dialog changes the findings of that dialog only, as long as the set of
names (dialogs, tasks, constants, data files) stays the same. So the bot is resolved with
`resolve.resolve_bot` on *stubs* of the unchanged blocks (each dialog and task reduced to its name
and inner dialogs, the names the resolver looks up) and the full declarations of the dirty ones;
the findings of the unchanged blocks are reused from the run that last checked them.

Dirty: a block parsed since the last run, a block that had findings (their "did you mean" hints
depend on every name), a block holding a constant (constants are few and their cycles span
blocks), and, when the set of names changed, every block that uses a name that came or went.
Bot-wide findings (a missing `main`, duplicate or cyclic constants) are always taken from the
fresh run. The complete check (`analysis.BotAnalyzer`) runs right after this one and replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from .. import nodes as n
from ..diagnostics import Diagnostic
from ..limits import Limits
from ..resolve import resolve_bot
from ..source import Span
from .symbol_index import CONSTANT, DIALOG, TASK
from .text_blocks import FileLayout, ParsedBlock

GLOBAL_CODES = frozenset({"B105", "B106", "B107", "B505"})
"""Findings about the bot as a whole (`resolve._collect`, `_find_entry`, constant cycles)."""


@attrs.frozen
class _Entry:
    diagnostics: tuple[Diagnostic, ...]
    uses: frozenset[tuple[str, str]]
    constant: bool


class QuickResolver:
    """Per-block resolution findings of one bot, kept between edits."""

    def __init__(self) -> None:
        self.entries: dict[ParsedBlock, _Entry] = {}
        self.stubs: dict[ParsedBlock, tuple[n.Decl, ...]] = {}
        self.names: frozenset[tuple[str, str]] | None = None

    def run(self, layouts: Sequence[FileLayout], data_constants: Mapping[str, Span | None],
            limits: Limits) -> list[Diagnostic]:
        """Every resolution finding of the bot (spans in block sources)."""
        blocks = [placed.block for layout in layouts for placed in layout.blocks]
        names = frozenset((CONSTANT, name) for name in data_constants).union(*(b.symbols.names for b in blocks))
        changed = (self.names ^ names) if self.names is not None else None
        self.names = names
        entries = self.entries
        dirty: set[ParsedBlock] = set()
        for block in blocks:
            entry = entries.get(block)
            if entry is None or entry.diagnostics or entry.constant or (changed and entry.uses & changed):
                dirty.add(block)
        # one script per file: the order of declarations is all resolution needs
        scripts = [n.Script(path=layout.path, decls=tuple(
            d for placed in layout.blocks if placed.block.script is not None
            for d in (placed.block.script.decls if placed.block in dirty else self._stub(placed.block))))
            for layout in layouts]
        program = resolve_bot(scripts, data_constants=data_constants, limits=limits)
        owner = {block.source: block for block in dirty}
        found: dict[ParsedBlock, list[Diagnostic]] = {block: [] for block in dirty}
        uses: dict[ParsedBlock, set[tuple[str, str]]] = {block: set() for block in dirty}
        for kind, table in ((DIALOG, program.usage.dialogs), (TASK, program.usage.tasks),
                            (CONSTANT, program.usage.constants)):
            for name, spans in table.items():
                for span in spans:
                    block = owner.get(span.file)
                    if block is not None:
                        uses[block].add((kind, name))
        result = list(program.diagnostics)
        for diagnostic in program.diagnostics:
            block = owner.get(diagnostic.span.file) if diagnostic.span is not None else None
            if block is not None and diagnostic.code not in GLOBAL_CODES:
                found[block].append(diagnostic)
        if len(entries) > 2 * len(blocks) + 100:  # forget blocks that are gone, now and then
            live = set(blocks)
            self.entries = entries = {block: entry for block, entry in entries.items() if block in live}
            self.stubs = {block: stub for block, stub in self.stubs.items() if block in live}
        for block in dirty:
            entries[block] = _Entry(tuple(found[block]), frozenset(uses[block]), _has_constant(block))
        for block in blocks:
            if block not in dirty:
                result.extend(entries[block].diagnostics)
        return result

    def _stub(self, block: ParsedBlock) -> tuple[n.Decl, ...]:
        stub = self.stubs.get(block)
        if stub is None:
            assert block.script is not None
            stub = self.stubs[block] = tuple(s for s in (_stub(d) for d in block.script.decls) if s is not None)
        return stub


def _stub(decl: n.Decl) -> n.Decl | None:
    """A declaration reduced to what other blocks look up: its name (and inner dialogs' names)."""
    if isinstance(decl, n.DialogDecl):
        return attrs.evolve(decl, options=(), guard=None, body=(),
                            inner=tuple(_stub(inner) for inner in decl.inner))  # type: ignore[misc]
    if isinstance(decl, n.TaskDecl):
        return attrs.evolve(decl, options=(), guard=None, body=())
    if isinstance(decl, n.ConstDecl):
        return decl
    return None  # tests define no names


def _has_constant(block: ParsedBlock) -> bool:
    return block.script is not None and any(isinstance(d, n.ConstDecl) for d in block.script.decls)
