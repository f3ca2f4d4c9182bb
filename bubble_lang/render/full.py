"""The full text format (layer 2): what `bubble lint` and every error on a terminal look like.

Input: `Diagnostic`s. Output: text in the rustc/ruff layout (DESIGN §4): a header with severity,
code and message, ` --> path:line:col`, a numbered gutter with the source line, carets under the
span and its label, secondary labels (`-`) on their own lines or files, then `= note:` and
`= help:`. Colour is opt-in (the caller decides on TTY and `NO_COLOR`), so snapshots are plain.
This module never reads files: the text comes from the `SourceFile` each span holds.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..diagnostics import Diagnostic, Severity
from ..source import SourceFile, Span
from .cells import Mark, Style, display_line, paint_row
from .ordering import sort_diagnostics

_SEVERITY_COLOURS = {Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.NOTE: "1;34"}
_GUTTER_COLOUR = "1;34"
_SECONDARY_COLOUR = "1;34"
_BOLD = "1"


@attrs.frozen
class _Palette:
    """ANSI styles, or identity functions when colour is off."""

    enabled: bool

    def style(self, code: str) -> Style:
        if not self.enabled:
            return _identity
        return lambda text: f"\x1b[{code}m{text}\x1b[0m" if text else text


def _identity(text: str) -> str:
    return text


@attrs.frozen
class _Annotation:
    """A span to mark: the primary one (`^`, severity colour) or a secondary label (`-`)."""

    span: Span
    label: str
    primary: bool


def render_full(diagnostics: Iterable[Diagnostic], *, color: bool = False) -> str:
    """Every diagnostic in the full layout, a blank line between them, sorted by place."""
    palette = _Palette(color)
    blocks = ["\n".join(_render_one(d, palette)) for d in sort_diagnostics(diagnostics)]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _render_one(diagnostic: Diagnostic, palette: _Palette) -> list[str]:
    tone = palette.style(_SEVERITY_COLOURS[diagnostic.severity])
    bold = palette.style(_BOLD)
    gutter = palette.style(_GUTTER_COLOUR)
    lines = [tone(f"{diagnostic.severity}[{diagnostic.code}]") + bold(f": {diagnostic.message}")]
    annotations = _annotations(diagnostic)
    groups = _group_by_file(annotations)
    shown = {id(file): _lines_to_show(group) for file, group in groups}
    width = max((len(str(max(numbers))) for numbers in shown.values()), default=1)
    blank = " " * width
    for index, (file, group) in enumerate(groups):
        if index:
            lines.append(gutter(f"{blank} |"))
        lines.append(gutter(f"{blank}-->") + f" {group[0].span.location()}")
        lines.append(gutter(f"{blank} |"))
        previous = None
        for number in shown[id(file)]:
            if previous is not None and number > previous + 1:
                lines.append(gutter("..."))
            previous = number
            on_line = [a for a in group if a.span.line == number]
            text, shift = _window(display_line(file.line_text(number)), on_line)
            source = f" {text}" if text else ""
            lines.append(gutter(f"{number:<{width}} |") + source)
            for row in _marker_rows(text, on_line, diagnostic.severity, palette, shift):
                lines.append(gutter(f"{blank} |") + f" {row}")
    footer = [("note", note) for note in diagnostic.notes]
    if diagnostic.hint:
        footer.append(("help", diagnostic.hint))
    if footer:
        lines.append(gutter(f"{blank} |"))
    for kind, text in footer:
        head = f"{blank} " + gutter("=") + " " + bold(f"{kind}:") + " "
        indent = " " * (width + len(f" = {kind}: "))
        body = text.splitlines() or [""]
        lines.append(head + body[0])
        lines.extend(indent + rest for rest in body[1:])
    return lines


def _annotations(diagnostic: Diagnostic) -> list[_Annotation]:
    found: list[_Annotation] = []
    if diagnostic.span is not None:
        found.append(_Annotation(diagnostic.span, diagnostic.label, True))
    found.extend(_Annotation(label.span, label.message, False) for label in diagnostic.labels)
    return found


def _group_by_file(
    annotations: list[_Annotation],
) -> list[tuple[SourceFile, list[_Annotation]]]:
    """Annotations per file, the primary span's file first, others in order of mention."""
    groups: dict[int, tuple[SourceFile, list[_Annotation]]] = {}
    for annotation in annotations:
        file = annotation.span.file
        groups.setdefault(id(file), (file, []))[1].append(annotation)
    return list(groups.values())


def _lines_to_show(group: list[_Annotation]) -> list[int]:
    """Each annotated line, plus a lone line between two of them (cheaper than `...`)."""
    numbers = sorted({a.span.line for a in group})
    filled: list[int] = []
    for number in numbers:
        if filled and number == filled[-1] + 2:
            filled.append(number - 1)
        filled.append(number)
    return filled


_LONG_LINE = 160  # columns of a source line shown whole; a longer one is cut around its marks
_AROUND = 40


def _window(text: str, on_line: list[_Annotation]) -> tuple[str, int]:
    """A long line cut to the part around its marks, with `…` where it was cut (a 5,000-digit
    number once filled the screen), and how many columns the cut moved the marks left."""
    if len(text) <= _LONG_LINE:
        return text, 0
    starts = [a.span.column - 1 for a in on_line] or [0]
    ends = [a.span.end_column - 1 if a.span.end_line == a.span.line else a.span.column for a in on_line] or [0]
    left = max(0, min(starts) - _AROUND)
    right = min(len(text), max(max(ends), min(starts) + 1) + _AROUND, left + _LONG_LINE)
    cut = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return cut, left - (1 if left else 0)


def _marker_rows(
    text: str, on_line: list[_Annotation], severity: Severity, palette: _Palette, shift: int = 0
) -> list[str]:
    """Caret rows under one source line, in the rustc way.

    One row carries every mark; the rightmost mark's label follows it. Other labels hang below
    on `|` connectors, rightmost first, so no label ever crosses another's line.
    """
    if not on_line:
        return []
    marks: list[tuple[_Annotation, Mark]] = []
    for annotation in sorted(on_line, key=lambda a: not a.primary):
        colour = _SEVERITY_COLOURS[severity] if annotation.primary else _SECONDARY_COLOUR
        marks.append((annotation, _mark_for(annotation, text, palette.style(colour), shift)))
    row = paint_row(text, [mark for _, mark in marks]).rstrip(" \t")
    inline_annotation, inline_mark = max(
        marks, key=lambda pair: (pair[1].start, pair[0].primary)
    )
    if inline_annotation.label:
        row += " " + inline_mark.style(inline_annotation.label)
    rows = [row]
    hanging = sorted(
        (pair for pair in marks if pair[0].label and pair[0] is not inline_annotation),
        key=lambda pair: pair[1].start,
    )
    if not hanging:
        return rows
    connectors = [_connector(mark) for _, mark in hanging]
    rows.append(paint_row(text, connectors).rstrip(" \t"))
    for index in range(len(hanging) - 1, -1, -1):
        annotation, mark = hanging[index]
        left = connectors[:index]
        rows.append(paint_row(text, left, limit=mark.start) + mark.style(annotation.label))
    return rows


def _mark_for(annotation: _Annotation, text: str, style: Style, shift: int = 0) -> Mark:
    """The mark of a span on its first line; a span over several lines runs to that line's end
    (`shift`: the columns a long line's cut moved it left; a mark is kept within the text shown)."""
    span = annotation.span
    start = max(0, span.column - 1 - shift)
    end = min(span.end_column - 1 - shift, len(text)) if span.end_line == span.line else len(text)
    glyph = "^" if annotation.primary else "-"
    if end <= start or start >= len(text):
        return Mark(start, start + 1, glyph, single=True, style=style)
    return Mark(start, end, glyph, style=style)


def _connector(mark: Mark) -> Mark:
    return Mark(mark.start, mark.start + 1, "|", single=True, style=mark.style)
