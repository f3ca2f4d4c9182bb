"""Document lines as LSP counts them (layer 11): only `\n`, `\r\n` and `\r` end a line.

Why: pygls applies an incremental edit to its copy of a buffer line by line, with lines from
`str.splitlines`, which also breaks at U+2028, U+2029, U+0085, form feeds and a few control
characters. A script holding one (`say "Hello\u2028world"`) put every later edit on the wrong
line, and the server's copy drifted from the editor's until the file was reopened. `use_lsp_lines`
gives pygls's `TextDocument` the protocol's line breaks; it is called once when the server starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygls.workspace.text_document import TextDocument

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lsp_lines(text: str) -> tuple[str, ...]:
    """`text` cut into lines with their ends, at `\n`, `\r\n` and `\r` only."""
    return tuple(_LINE.findall(text))


def _lines(document: TextDocument) -> Sequence[str]:
    return lsp_lines(document.source)


def use_lsp_lines() -> None:
    """Make pygls's documents cut lines as LSP does (see the module docstring)."""
    TextDocument.lines = property(_lines)  # type: ignore[assignment, method-assign]
