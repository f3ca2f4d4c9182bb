"""The concise text format (layer 2): one line per finding, for editors, `grep` and CI logs.

Input: `Diagnostic`s. Output: `path:line:col: CODE message`, flake8's layout, which editors'
error parsers (`%f:%l:%c: %m`) already read. Errors print exactly that; other severities add
` (warning)` or ` (note)` at the end, so `grep -v '(warning)$'` keeps only errors and the
position prefix stays the same for all. A finding without a place prints `bubble: CODE message`.
Newlines in a message fold to spaces: one finding, one line, always.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic, Severity
from .ordering import one_line, sort_diagnostics


def render_concise(diagnostics: Iterable[Diagnostic]) -> str:
    """One line per diagnostic, sorted by place; empty text when there is nothing to say."""
    return "".join(concise_line(d) + "\n" for d in sort_diagnostics(diagnostics))


def concise_line(diagnostic: Diagnostic) -> str:
    """The single line for one diagnostic (also used where a one-line summary is wanted)."""
    where = diagnostic.span.location() if diagnostic.span is not None else "bubble"
    line = f"{where}: {diagnostic.code} {one_line(diagnostic.message)}"
    if diagnostic.severity is not Severity.ERROR:
        line += f" ({diagnostic.severity})"
    return line
