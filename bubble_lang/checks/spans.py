"""Positions inside string literals (layer 4): pattern offsets -> source spans.

Input: a `Str` node without interpolation and offsets into its decoded text. Output: the `Span`
of those characters in the `.bot` file, undoing escapes (`\\t` is one character of text but two
of source), so a pattern error's caret lands on the spot inside the string (SPEC §17).
"""

from __future__ import annotations

from .. import nodes as n
from ..source import Span


def text_parts(string: n.Str) -> list[n.TextPart]:
    """The literal pieces of a string with no interpolation."""
    return [part for part in string.parts if isinstance(part, n.TextPart)]


def source_offset(string: n.Str, index: int) -> int:
    """Source offset of decoded character `index` (or of the closing quote past the end)."""
    parts = text_parts(string)
    if not parts:
        return _after_quote(string)
    consumed = 0
    for part in parts:
        if index < consumed + len(part.value):
            return part.source_offset(index - consumed)
        consumed += len(part.value)
    last = parts[-1]
    return last.source_offset(len(last.value))


def span_in_string(string: n.Str, start: int, end: int) -> Span:
    """The source span of decoded characters [start, end); never empty when the text is not."""
    first = source_offset(string, start)
    if end <= start:
        return Span(string.span.file, first, first + 1)
    last = source_offset(string, end - 1)
    width = 2 if _is_escape(string, end - 1) else 1
    return Span(string.span.file, first, max(last + width, first + 1))


def _is_escape(string: n.Str, index: int) -> bool:
    consumed = 0
    for part in text_parts(string):
        if index < consumed + len(part.value):
            return (index - consumed) in part.escapes
        consumed += len(part.value)
    return False


def _after_quote(string: n.Str) -> int:
    text = string.span.text
    quote = text.find('"')
    return string.span.start + (quote + 1 if quote >= 0 else 0)
