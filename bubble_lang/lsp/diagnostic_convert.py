"""bubble's `Diagnostic` as an LSP diagnostic: the same code, message, place, severity and hint.

Why here and only here: positions become 0-based UTF-16 at this edge (`positions.LineIndex`), and
what `bubble lint` prints around a finding must survive the trip: the hint as a `help:` line of the
message (editors show the message whole), the notes as `note:` lines, the labelled places as
`relatedInformation`, the code with a link to its entry in docs/diagnostics.md when that file is
at hand, and, for "did you mean" hints, the replacement text in `data` for the quick fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types

from ..codes import CODES
from ..diagnostics import Diagnostic
from ..severity import Severity
from ..source import Span
from .code_actions import replacement
from .positions import LineIndex

SOURCE = "bubble"
_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.NOTE: types.DiagnosticSeverity.Information}
DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"


def docs_link(code: str, base: str | None) -> str | None:
    """The page of a code: `base` (a URL of docs/diagnostics.md) with the heading's anchor."""
    info = CODES.get(code)
    if base is None or info is None:
        return None
    heading = f"{code} {info.name} ({info.severity.value})".lower()
    anchor = re.sub(r"[^a-z0-9 _-]", "", heading).replace(" ", "-")
    return f"{base}#{anchor}"


def default_docs_base() -> str | None:
    """docs/diagnostics.md of a source checkout, when bubble runs from one."""
    return DOCS_FILE.as_uri() if DOCS_FILE.exists() else None


def span_range(span: Span | None, texts: dict[str, LineIndex]) -> types.Range:
    if span is None:
        return types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    index = texts.get(span.file.name)
    if index is None:
        index = texts[span.file.name] = LineIndex(span.file.text)
    start = index.position(span.start)
    end = index.position(max(span.start, span.end))
    return types.Range(start=types.Position(line=start[0], character=start[1]),
                       end=types.Position(line=end[0], character=end[1]))


def to_lsp(diagnostic: Diagnostic, texts: dict[str, LineIndex], uri_of: Callable[[str], str],
           docs_base: str | None) -> types.Diagnostic:
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhelp: {diagnostic.hint}"
    for note in diagnostic.notes:
        message += f"\nnote: {note}"
    where = span_range(diagnostic.span, texts)
    related: list[types.DiagnosticRelatedInformation] = []
    if diagnostic.label and diagnostic.span is not None:
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri_of(diagnostic.span.file.name), range=where), message=diagnostic.label))
    for label in diagnostic.labels:
        if label.span is not None:
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri_of(label.span.file.name), range=span_range(label.span, texts)),
                message=label.message or "here"))
    link = docs_link(diagnostic.code, docs_base)
    fix = replacement(diagnostic.hint, diagnostic.span.text) if diagnostic.span is not None else None
    return types.Diagnostic(
        range=where,
        message=message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Error),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=link) if link else None,
        source=SOURCE,
        related_information=related or None,
        data={"replacement": fix} if fix is not None else None,
    )
