"""What every format shares (layer 2): the order of diagnostics and their positions as numbers.

Input: `Diagnostic`s. Output: a stable order and plain line/column fields. Every format prints
the same findings in the same order, so a reader can move between them and snapshots stay put.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from ..source import Span


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """By (file, offset, code); diagnostics without a place come first, by code.

    Stages report in the order they walk the tree; readers want file order.
    """
    return sorted(diagnostics, key=lambda d: d.sort_key)


def span_fields(span: Span | None) -> dict[str, object]:
    """`file`, `line`, `column`, `end_line`, `end_column` (1-based code points, end exclusive).

    All null without a span, so machine readers see the same keys on every record.
    """
    if span is None:
        return {"file": None, "line": None, "column": None, "end_line": None, "end_column": None}
    line, column = span.file.line_col(span.start)
    end_line, end_column = span.file.line_col(span.end)
    return {
        "file": span.file.name,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    }


def one_line(text: str) -> str:
    """Newlines folded to spaces, for formats that promise one line per finding."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def count_phrase(count: int, severity: Severity) -> str:
    """`1 error`, `2 warnings`: the pieces of the summary line."""
    word = severity.value
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
