"""The outline of a script: dialogs (inner ones nested), tasks, tests and constants.

Why from the parsed blocks: every block that parses contributes, so one broken dialog does not
empty the outline. An unnamed dialog is shown as the runtime names it in stacks and messages
(`trigger@12`, SPEC §4), with its trigger as the detail.
"""

from __future__ import annotations

from lsprotocol import types

from .. import nodes as n
from ..source import Span
from .positions import LineIndex
from .text_blocks import FileLayout

_HEADER_KINDS = ("trigger", "label", "event", "location", "attachment")


def document_symbols(layout: FileLayout) -> list[types.DocumentSymbol]:
    found: list[types.DocumentSymbol] = []
    for placed in layout.blocks:
        if placed.block.script is None:
            continue
        for decl in placed.block.script.decls:
            symbol = _symbol(decl, placed.start, layout.index)
            if symbol is not None:
                found.append(symbol)
    return found


def _range(span: Span | None, shift: int, index: LineIndex) -> types.Range:
    start = index.position((span.start if span else 0) + shift)
    end = index.position((span.end if span else 0) + shift)
    return types.Range(start=types.Position(line=start[0], character=start[1]),
                       end=types.Position(line=end[0], character=end[1]))


def _symbol(decl: n.Decl, shift: int, index: LineIndex) -> types.DocumentSymbol | None:
    if decl.span is None:
        return None
    whole = _range(decl.span, shift, index)
    if isinstance(decl, n.DialogDecl):
        kind = next((key for key in _HEADER_KINDS if decl.option(key) is not None), None)
        name = decl.name or f"{kind or 'dialog'}@{whole.start.line + 1}"
        detail = _detail(decl)
        children = [s for s in (_symbol(inner, shift, index) for inner in decl.inner) if s is not None]
        return types.DocumentSymbol(name=name, kind=types.SymbolKind.Function, range=whole,
                                    selection_range=_range(decl.name_span, shift, index), detail=detail,
                                    children=children or None)
    if isinstance(decl, n.TaskDecl):
        name = decl.name or ("before " + decl.option("before").value.span.text
                             if decl.option("before") is not None and decl.option("before").value.span is not None
                             else f"task@{whole.start.line + 1}")
        return types.DocumentSymbol(name=name, kind=types.SymbolKind.Method, range=whole,
                                    selection_range=_range(decl.name_span, shift, index), detail="task")
    if isinstance(decl, n.TestDecl):
        title = decl.title.literal if isinstance(decl.title, n.Str) and decl.title.literal else "test"
        return types.DocumentSymbol(name=title, kind=types.SymbolKind.Event, range=whole,
                                    selection_range=_range(decl.title.span, shift, index), detail="test")
    if isinstance(decl, n.ConstDecl):
        value = decl.value.span.text if decl.value.span is not None else ""
        return types.DocumentSymbol(name=f"@{decl.name}", kind=types.SymbolKind.Constant, range=whole,
                                    selection_range=_range(decl.name_span, shift, index),
                                    detail=value if len(value) <= 60 else value[:57] + "…")
    return None


def _detail(decl: n.DialogDecl) -> str | None:
    parts = [f"{o.key}: {o.value.span.text}" for o in decl.options if o.value.span is not None]
    if decl.guard is not None and decl.guard.span is not None:
        parts.append(f"when {decl.guard.span.text}")
    text = ", ".join(parts)
    return (text if len(text) <= 80 else text[:77] + "…") or None
