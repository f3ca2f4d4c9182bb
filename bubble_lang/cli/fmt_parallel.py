"""Formatting one large file on two cores: the syntax check in a forked child, the layout here.

Why: `bubble fmt` must refuse a file with syntax errors, which takes a full parse (1.3 s for the
10,000-dialog benchmark script), and the layout with its own safety check (tokenizing the file
before and after) takes about as long again. Neither needs the other's result — the layout keeps
the tokens unchanged, so it never depends on the tree — so a large file has them run at the same
time, and the result is used only if the child's parse succeeded. Small files, and systems
without `fork`, do both here, one after the other.
"""

from __future__ import annotations

import multiprocessing
import os

from ..build import parse_script
from ..diagnostics import BubbleError
from ..formatting import Formatted, format_report
from ..source import SourceFile

PARALLEL_FROM = 256 * 1024  # characters; below this a fork costs more than it saves


def format_file_text(text: str, name: str) -> Formatted:
    """`format_report(text, name)`, with the syntax check in a child process for large texts.
    Raises `BubbleError` (the parse's own diagnostics) when the text has syntax errors."""
    if len(text) < PARALLEL_FROM or not hasattr(os, "fork"):
        return format_report(text, name)
    child = multiprocessing.get_context("fork").Process(target=_check_syntax, args=(text, name), daemon=True)
    child.start()
    try:
        formatted: Formatted | None = format_report(text, name, syntax_checked=True)
    except BubbleError:
        formatted = None  # a lexical error: the parse below reports it with everything else it finds
    finally:
        child.join()
    if child.exitcode != 0 or formatted is None:
        parse_script(SourceFile(name, text))  # raises, with the diagnostics of a parse done here
        if formatted is None:  # (cannot happen: the tokenizer and the parser agree on lexical errors)
            return format_report(text, name)
    return formatted


def _check_syntax(text: str, name: str) -> None:
    """In the child: exit 0 when the text parses, 1 when it has syntax errors."""
    try:
        parse_script(SourceFile(name, text))
    except BubbleError:
        os._exit(1)
    os._exit(0)
