"""The full layout: carets land under the right cells whatever the line holds."""

from __future__ import annotations

from typing import Any

import pytest
from wcwidth import wcswidth

from bubble_lang.diagnostics import Diagnostic, Label, Severity
from bubble_lang.render import render_full
from bubble_lang.render.cells import display_line, fill_with, pad_to
from bubble_lang.source import SourceFile, Span


def _diagnostic(span: Span | None, **kwargs: Any) -> Diagnostic:
    return Diagnostic(code="B103", severity=Severity.ERROR, message="boom", span=span, **kwargs)


def _rows(text: str, needle: str, **kwargs: Any) -> tuple[str, str]:
    """The source row and the caret row (gutters cut off) for `needle` in a one-file script."""
    file = SourceFile("t.bot", text)
    start = text.index(needle)
    lines = render_full([_diagnostic(file.span(start, start + len(needle)), **kwargs)]).splitlines()
    number = file.line_col(start)[0]
    source_index = next(i for i, row in enumerate(lines) if row.startswith(f"{number} |"))
    cut = len(f"{number} | ")
    return lines[source_index][cut:], lines[source_index + 1][cut:]


@pytest.mark.parametrize("tabsize", [1, 2, 4, 8])
def test_caret_under_tabs(tabsize: int) -> None:
    source, carets = _rows("dialog main do\n\t\tsay\t@missing\t+ 1\nend\n", "@missing")
    assert carets.startswith("\t\t   \t^")
    # Whatever the reader's tab stops, the caret sits under the `@`.
    assert carets.expandtabs(tabsize).index("^") == source.expandtabs(tabsize).index("@")
    assert carets.expandtabs(tabsize).count("^") == len("@missing")


@pytest.mark.parametrize(
    "line",
    [
        'say "日本語 😀" + @x',
        "say «ça» ＡＢ @x",  # fullwidth latin is two cells
        "say e\u0301te\u0301 @x",  # combining accents take no cell
        "say 👨\u200d👩\u200d👧 @x",  # one emoji sequence, two cells
    ],
)
def test_caret_under_wide_characters(line: str) -> None:
    source, carets = _rows(line + "\n", "@x")
    cells_before = wcswidth(source[: source.index("@x")])
    assert carets == " " * cells_before + "^^"


def test_caret_width_of_a_wide_span() -> None:
    _, carets = _rows('say "日本"\n', "日本")
    assert carets == " " * 5 + "^^^^"


def test_zero_width_span_gets_one_caret() -> None:
    file = SourceFile("t.bot", "say x\n")
    text = render_full([_diagnostic(file.span(4))])
    assert "  |     ^\n" in text


def test_zero_width_span_at_end_of_file_without_newline() -> None:
    file = SourceFile("t.bot", "dialog main do\n  say 1")
    text = render_full([_diagnostic(file.span(len(file.text)), label="expected `end`")])
    assert " --> t.bot:2:8\n" in text
    assert "2 |   say 1\n  |        ^ expected `end`\n" in text


def test_multiline_span_marks_to_end_of_first_line() -> None:
    file = SourceFile("t.bot", "ask \"name\" do\n  x\nend\n")
    text = render_full([_diagnostic(file.span(4, len(file.text) - 1))])
    assert '1 | ask "name" do\n  |     ^^^^^^^^^\n' in text
    assert "2 |" not in text


def test_gutter_fits_largest_line_number() -> None:
    text = "\n".join(f"line{n}" for n in range(1, 121)) + "\n"
    file = SourceFile("t.bot", text)
    first = file.span(text.index("line9\n"), text.index("line9\n") + 5)
    far = file.span(text.index("line120"), text.index("line120") + 7)
    rendered = render_full([_diagnostic(far, labels=(Label(first, "here"),))])
    lines = rendered.splitlines()
    assert lines[1] == "   --> t.bot:120:1"
    assert "9   | line9" in lines
    assert "120 | line120" in lines
    assert "    | ----- here" in lines
    assert "..." in lines


def test_one_missing_line_is_shown_instead_of_dots() -> None:
    file = SourceFile("t.bot", "a\nb\nc\n")
    rendered = render_full([_diagnostic(file.span(4, 5), labels=(Label(file.span(0, 1)),))])
    assert "2 | b" in rendered.splitlines()
    assert "..." not in rendered


def test_no_span_prints_header_and_footer_only() -> None:
    rendered = render_full([_diagnostic(None, hint="set `x`", notes=("one\ntwo",))])
    assert rendered == (
        "error[B103]: boom\n"
        "  |\n"
        "  = note: one\n"
        "          two\n"
        "  = help: set `x`\n"
    )


def test_no_span_and_nothing_else_is_one_line() -> None:
    assert render_full([_diagnostic(None)]) == "error[B103]: boom\n"


def test_control_characters_never_reach_the_terminal() -> None:
    source, carets = _rows("say \x1b[31m\u202e @x\n", "@x")
    assert "\x1b" not in source and "\u202e" not in source
    assert source.index("@x") == carets.index("^")


def test_colour_only_when_asked() -> None:
    file = SourceFile("t.bot", "say @x\n")
    diagnostic = _diagnostic(file.span(4, 6), label="here")
    assert "\x1b" not in render_full([diagnostic])
    coloured = render_full([diagnostic], color=True)
    assert "\x1b[1;31merror[B103]\x1b[0m" in coloured
    assert "\x1b[1;31m^^\x1b[0m" in coloured
    warning = Diagnostic(code="B301", severity=Severity.WARNING, message="m", span=file.span(4, 6))
    assert "\x1b[1;33mwarning[B301]" in render_full([warning], color=True)


def test_empty_input_renders_nothing() -> None:
    assert render_full([]) == ""


def test_cell_helpers() -> None:
    assert display_line("a\x00b\tc") == "a\ufffdb\tc"
    assert pad_to("\tab日") == "\t    "
    assert fill_with("\t", "^") == "^"
    assert fill_with("a\tb", "-") == "-\t-"


@pytest.mark.parametrize("before, after", [(0, 5000), (5000, 0), (3000, 3000), (10, 170)])
def test_a_long_line_is_cut_around_its_mark(before: int, after: int) -> None:
    """A 5,000-digit number in a data file printed the whole line; the line is cut around the
    mark, with `…` where it was cut, and the caret stays under the same characters."""
    source, carets = _rows("say " + "a" * before + " @missing " + "b" * after + "\n", "@missing")
    assert len(source) <= 162
    assert source[carets.index("^"):carets.index("^") + len("@missing")] == "@missing"
    assert carets.count("^") == len("@missing")
    assert source.startswith("…") == (before > 40) and source.endswith("…") == (after > 40)
