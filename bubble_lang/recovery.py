"""Syntax-error recovery (layer 3): every syntax error of a file, each at its own place.

Input: a file whose whole parse failed, and the parse function (`build._parse_whole`, passed in so
this module needs nothing of the builder). Output: the diagnostics to report.

How (SPEC §17, issue "Front end, second edition" item 3): each top-level block (`dialog`, `task`,
`test`, `@name` at column 0) is parsed on its own, so a mistake in one dialog never makes the next
look broken. Inside a block, after an error the parser resynchronises at the next statement line:
the erroneous line is replaced by a neutral one (nothing, or `if true do` where the line opened a
block, so its `end` still closes something) and the block is parsed again, for at most
`_PER_BLOCK` errors. An error counts only on a line not replaced yet, so recovery always ends.
Replacing one line by one line keeps every other line and column where it was, so a diagnostic of
the modified block points at the real file by its line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from .diagnostics import BubbleSyntaxError, Diagnostic
from .source import SourceFile, Span

_BLOCK_START = re.compile(r"(?:dialog|task|test)\b|@[A-Za-z_]")
# A line that opens a block: a block word first (`if x`, even without its `do`), or `do` last.
_OPENS_BLOCK = re.compile(r"\s*(?:if|unless|branch|repeat|random|once|dialog|task|test)\b(?!.*\bdo:)|.*\bdo\s*(?:#.*)?$")
_ELSE = re.compile(r"\s*else\b")
_BRANCH = re.compile(r"\s*branch\b")
_ARM = re.compile(r"[^#]*->")
_END_LINE = re.compile(r"end\b")
_CLOSERS = re.compile(r"[\])}]+")
_PER_BLOCK = 10
# Errors about the block structure itself (an unclosed block, `end` with nothing to close, blocks
# in braces or by indentation, `else if`/`elif` that need an `end` of their own, a bracket left
# open over lines, a block form bubble lacks such as the old `buttons … do`): what follows them
# cannot be read reliably, so recovery in the block stops.
_STRUCTURAL = frozenset({"B006", "B008", "B009", "B011", "B013", "B017", "B019", "B031", "B040"})


def top_level_blocks(text: str) -> list[tuple[int, int]]:
    """(first line, last line) of each top-level definition: a line starting at column 0 with
    `dialog`, `task`, `test` or `@name` begins one, which runs to the next."""
    lines = text.split("\n")
    starts = [number for number, line in enumerate(lines, 1) if _BLOCK_START.match(line)]
    return [(start, (starts[index + 1] - 1) if index + 1 < len(starts) else len(lines))
            for index, start in enumerate(starts)]


def recover(source: SourceFile, limits: Any, whole: list[Diagnostic],
            parse: Callable[[SourceFile, Any], Any], shape_errors: type[BubbleSyntaxError]) -> list[Diagnostic]:
    """The diagnostics of a file whose whole parse failed with `whole` (its first error): each
    block's errors, and the whole file's error only where no block has one."""
    found: list[Diagnostic] = []
    blocks = top_level_blocks(source.text)
    lines = source.text.split("\n")
    for first_line, last_line in blocks:
        found.extend(_block_errors(source, lines[first_line - 1:last_line], first_line, limits, parse, shape_errors))
    outside = [d for d in whole if d.span is None or not any(a <= d.span.line <= b for a, b in blocks)]
    return sorted(found + outside if found else whole, key=lambda d: d.sort_key)


def _block_errors(source: SourceFile, block: list[str], first_line: int, limits: Any,
                  parse: Callable[[SourceFile, Any], Any], shape_errors: type[BubbleSyntaxError]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    replaced: set[int] = set()  # the block's lines (1-based) replaced so far: one per error reported
    for _ in range(_PER_BLOCK):
        alone = SourceFile(source.name, "\n".join(block))
        try:
            parse(alone, limits)
            return found
        except shape_errors as error:  # the block parses: what the builder found is real
            return found + [_moved(d, source, first_line) for d in error.diagnostics if _line(d) not in replaced]
        except BubbleSyntaxError as error:
            first = min(error.diagnostics, key=lambda d: d.sort_key, default=None)
            line = _line(first) if first is not None else 0
            if first is None or not 1 <= line <= len(block) or line in replaced:
                return found  # nothing new: a replaced line is never reported twice, so this ends
            found.append(_moved(first, source, first_line))
            if _ends_recovery(first, block[line - 1]):
                return found
            replaced.add(line)
            block = [*block[:line - 1], _neutral(block[line - 1], block[line:]), *block[line:]]
    return found


def _ends_recovery(diagnostic: Diagnostic, line: str) -> bool:
    """After this error the rest of the block cannot be read reliably: a structural error, a
    bracket left open over lines, a lone closer standing for `end` (`}` after `if x do`), or an
    error found at an `end` line (the mistake is before it: `x = 1 +` then `end`)."""
    text = line.split("#", 1)[0].strip()
    if diagnostic.code in _STRUCTURAL or _END_LINE.match(text):
        return True
    return diagnostic.code == "B007" and ("never closed" in diagnostic.message or _CLOSERS.fullmatch(text) is not None)


def _line(diagnostic: Diagnostic) -> int:
    return diagnostic.span.line if diagnostic.span is not None else 0


def _neutral(line: str, following: list[str]) -> str:
    """What stands in for an erroneous line: nothing, or a block opener where it opened one (a
    `branch` when arms follow: `branch x` without `do`, the old `buttons "…" do` block)."""
    indent = line[: len(line) - len(line.lstrip())]
    if _ELSE.match(line):
        return indent + "else"
    if _BRANCH.match(line) or _OPENS_BLOCK.match(line):
        arms = next((text for text in following if text.strip()), "")
        return indent + ("branch do" if _BRANCH.match(line) or _ARM.match(arms) else "if true do")
    return indent


def _moved(diagnostic: Diagnostic, source: SourceFile, first_line: int) -> Diagnostic:
    """A diagnostic found in a block parsed alone (perhaps with lines replaced), pointed at the
    real file by line and column (every line but a replaced one is where it was)."""
    def move(span: Span | None) -> Span | None:
        if span is None:
            return None
        start = _offset(source, first_line - 1 + span.line, span.column)
        end = _offset(source, first_line - 1 + span.end_line, span.end_column)
        return Span(source, start, max(start, end))

    labels = tuple(attrs.evolve(label, span=move(label.span)) for label in diagnostic.labels)
    return attrs.evolve(diagnostic, span=move(diagnostic.span), labels=labels)


def _offset(source: SourceFile, line: int, column: int) -> int:
    """The offset of a 1-based line and column in `source`, kept within the line and the file."""
    starts = source.line_starts
    line = min(max(line, 1), len(starts))
    line_end = starts[line] - 1 if line < len(starts) else len(source.text)
    return min(starts[line - 1] + column - 1, line_end)
