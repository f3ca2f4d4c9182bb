"""The names of one bot across its files, at their current places: what navigation and completion
read.

Why a separate table: a `BotResult` holds each block's symbols with block-local spans; requests
want file places (path and offsets) by name. The table is built from a result once, on first use
(`index_of` keeps the last one per result), so a burst of requests on one version pays once, and a
result of an older version still answers (completion never waits for a check).
"""

from __future__ import annotations

import threading
import weakref

import attrs

from .analysis import BotResult
from .symbol_index import Symbol
from .text_blocks import FileLayout, Placed


@attrs.frozen
class Place:
    """A symbol in a file: path and code-point offsets into the file's current text."""

    path: str
    start: int
    end: int
    symbol: Symbol = attrs.field(eq=False)
    placed: Placed = attrs.field(eq=False, repr=False)


@attrs.define
class BotIndex:
    definitions: dict[tuple[str, str], list[Place]] = attrs.field(factory=dict)
    references: dict[tuple[str, str], list[Place]] | None = None
    fallback: BotIndex | None = None
    """The last index without syntax errors, while this one has some: the names of a block being
    typed (which does not parse) still complete."""

    def names(self, kind: str) -> list[str]:
        found = {name for (k, name) in self.definitions if k == kind}
        if self.fallback is not None:
            found.update(name for (k, name) in self.fallback.definitions if k == kind)
        return sorted(found)

    def defined(self, kind: str, name: str) -> list[Place]:
        return self.definitions.get((kind, name), [])


_INDEXES: weakref.WeakKeyDictionary[BotResult, BotIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_of(result: BotResult) -> BotIndex:
    """Definitions by (kind, name) for a result (built once)."""
    with _LOCK:
        found = _INDEXES.get(result)
        if found is None:
            found = _INDEXES[result] = BotIndex(definitions=_table(result, "definitions"))
        return found


def references_of(result: BotResult) -> dict[tuple[str, str], list[Place]]:
    """Uses by (kind, name) for a result (built on the first references or rename request)."""
    index = index_of(result)
    with _LOCK:
        if index.references is None:
            index.references = _table(result, "references")
        return index.references


def _table(result: BotResult, which: str) -> dict[tuple[str, str], list[Place]]:
    table: dict[tuple[str, str], list[Place]] = {}
    for path in [str(p) for p in result.files.scripts]:
        layout: FileLayout | None = result.layouts.get(path)
        if layout is None:
            continue
        for placed in layout.blocks:
            shift = placed.start
            for symbol in getattr(placed.block.symbols, which):
                table.setdefault((symbol.kind, symbol.name), []).append(
                    Place(path, symbol.span.start + shift, symbol.span.end + shift, symbol, placed))
    return table
