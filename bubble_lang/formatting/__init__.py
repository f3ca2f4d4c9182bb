"""The canonical layout of `.bot` scripts (layer 4), used by `bubble fmt` and the language server.

The rules, each in its own module:

- `lines.py`: indentation — 2 spaces per `do … end` level and per `branch` arm body; `end`,
  `else` and `after` at their block's level; a statement continued on the next line (after a
  comma or an operator) one level deeper; a line inside brackets one level deeper per earlier
  line whose bracket is still open.
- `spacing.py`: within a line — one space around binary operators, `=` and `->`, after commas and
  after `key:`; none inside brackets, around `.`, before call parentheses and index brackets, or
  after a unary `-`/`!`; two spaces before a trailing comment. No alignment is kept.
- `vertical.py`: blank lines and long lines — one blank line between top-level definitions
  (consecutive constants stay together), blank-line runs collapsed to one, none right after a
  line opening a block or right before `end`/`else`/`after`, none at the start or end of the
  file; a statement longer than 100 columns broken before each `key:` option, one per line.
  Lines are added or removed only where no unnamed dialog starts below (it is named by its line).
- `safety.py`: the result must tokenize to the same tokens (kinds and texts) and comments as
  the original, else the original is returned unchanged.

Never touched: string text (including `#{…}` code), comments' content, and lines that begin
inside a string. Formatting twice gives what formatting once gave.
"""

from __future__ import annotations

import attrs

from ..build import parse_script
from ..diagnostics import BubbleError
from ..gcpause import collector_paused
from ..lexer import tokenize
from ..source import SourceFile
from .lines import Unnamed, build_model
from .safety import same_meaning, same_non_space, token_key
from .spacing import comment_line, line_code
from .vertical import LINE_LIMIT, lay_out

__all__ = ["LINE_LIMIT", "Formatted", "Unnamed", "format_report", "format_text", "lines_inside_strings",
           "same_meaning"]


@attrs.frozen
class Formatted:
    """The result of formatting one script."""

    text: str
    held: tuple[int, ...] = ()
    """Lines where a blank-line or line-break change was held back: an unnamed dialog starts
    below them, and it is named by its line."""
    unnamed: tuple[Unnamed, ...] = ()
    """The unnamed dialogs below a held-back change (what the command names in its note)."""
    unsafe: bool = False
    """The layout would have changed the tokens or comments (a bug in fmt): `text` is the input."""


def format_text(text: str, name: str = "script.bot") -> str:
    """The formatted text. Raises `BubbleError` when the script has syntax errors; never returns
    a text of another meaning (if the layout would change one, the input comes back as it is)."""
    return format_report(text, name).text


def format_report(text: str, name: str = "script.bot", *, syntax_checked: bool = False) -> Formatted:
    """`format_text` with what was held back. `syntax_checked=True` skips the parse (the caller
    parsed the same text, or does so at the same time, and discards the result if it fails)."""
    source = SourceFile(name, text.replace("\r\n", "\n"))
    if not syntax_checked:
        parse_script(source)  # a file with syntax errors is never reformatted
    with collector_paused():  # hundreds of thousands of small objects, no cycles (see gcpause.py)
        return _format(source)


def _format(source: SourceFile) -> Formatted:
    text = source.text
    tokens = tokenize(source)
    model = build_model(source, tokens)
    codes: list[tuple[str, list[int]]] = []
    last: str | None = None
    for line in model.lines:
        if line.verbatim:
            codes.append(("", []))
        elif line.first is None:
            codes.append((comment_line(text, line), []))
        else:
            codes.append(line_code(text, line, last))
        if line.tokens:
            last = line.tokens[-1].type
    layout = lay_out(model, codes)
    lowest = min(layout.held, default=None)
    unnamed = tuple(dialog for dialog in model.unnamed if lowest is not None and dialog.line > lowest)
    if layout.text == text:
        return Formatted(text, layout.held, unnamed)
    result = SourceFile(source.name, layout.text)
    try:
        after = tokenize(result)
    except BubbleError:  # the result does not even tokenize: not safe
        return Formatted(text, unsafe=True)
    if token_key(after) != token_key(tokens) or not same_non_space(text, layout.text):
        return Formatted(text, unsafe=True)
    return Formatted(layout.text, layout.held, unnamed)


def lines_inside_strings(text: str) -> set[int]:
    """The lines (1-based) that begin inside a string or another multi-line token: left as written."""
    source = SourceFile("script.bot", text.replace("\r\n", "\n"))
    return {line.number for line in build_model(source, tokenize(source)).lines if line.verbatim}
