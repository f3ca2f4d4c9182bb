"""Broken scripts in `errors/*.bot` give exactly the expected syntax diagnostics.

File format
-----------
A file holds many cases; a line `# ---` separates them. Each case is parsed on its own, as if it
were a whole file, but keeps its line numbers from the `.bot` file (the lines before it are
blank), so a diagnostic's line is the line you see in the editor.

Each expected diagnostic is written as a comment:

``# error[B012]@5: missing `do```
    trailing comment on the line the diagnostic concerns. ``@5`` is the expected 1-based column
    in code points; the text after ``: `` is a regular expression searched in the message.
``# error-above[B001]@7: unclosed string``
    a comment on a line of its own; the diagnostic concerns the line *above* it. Use it where a
    trailing comment cannot stand: after an unclosed string, whose text runs to the end of the
    file (the comment is then part of the string, which does not change the error).
``# error-on-line[3]@7 [B001]: unclosed string``
    the same, with an explicit line number counted from the first line of the case (1-based).
``# xfail: <reason>``
    the case documents a known front-end bug: the test is expected to fail (strictly), and
    the expectations say what *should* happen.

The harness checks, for every case: parsing raises `BubbleSyntaxError` (never another exception),
every expected diagnostic is there with its code, line, column and message, no other diagnostic
appears, and the rendered text shows no Python traceback and no grammar terminal name.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from bubble_lang.build import parse_script
from bubble_lang.codes import CODES
from bubble_lang.codes.syntax_codes import CODES as SYNTAX_CODES
from bubble_lang.diagnostics import BubbleError, BubbleSyntaxError, Diagnostic
from bubble_lang.parser import TERMINAL_WORDS
from bubble_lang.source import SourceFile
from bubble_lang.syntax_hints import CATALOGUE

ERRORS = Path(__file__).parent / "errors"
SEPARATOR = re.compile(r"^# ---\s*$")
TRAILING = re.compile(r"#\s*error\[(?P<code>B\d{3})\]@(?P<col>\d+):\s?(?P<msg>.*)$")
ABOVE = re.compile(r"^\s*#\s*error-above\[(?P<code>B\d{3})\]@(?P<col>\d+):\s?(?P<msg>.*)$")
ON_LINE = re.compile(r"^\s*#\s*error-on-line\[(?P<line>\d+)\]@(?P<col>\d+)\s*\[(?P<code>B\d{3})\]:\s?(?P<msg>.*)$")
XFAIL = re.compile(r"^\s*#\s*xfail:\s*(?P<reason>.+)$")
# Terminal names of the grammar (`NAME`, `STR_START`, `_NL`, …); none may reach a message.
TERMINAL_NAMES = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(t) for t in sorted(TERMINAL_WORDS, key=len, reverse=True)
                                if t != "$END") + r")(?!\w)|__ANON|\$END")


@attrs.frozen
class Expected:
    code: str
    line: int
    column: int
    message: str

    def matches(self, diagnostic: Diagnostic) -> bool:
        return (diagnostic.code == self.code and diagnostic.span is not None
                and diagnostic.span.line == self.line and diagnostic.span.column == self.column
                and re.search(self.message, diagnostic.message) is not None)

    def __str__(self) -> str:
        return f"[{self.code}] {self.line}:{self.column} /{self.message}/"


@attrs.frozen
class Case:
    path: Path
    first_line: int  # 1-based line of the case's first line in the file
    text: str  # with blank lines before it, so line numbers match the file
    expected: tuple[Expected, ...]
    xfail: str | None

    @property
    def id(self) -> str:
        return f"{self.path.stem}:{self.first_line}"


def load_cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").split("\n")
    groups: list[tuple[int, list[str]]] = [(0, [])]
    for index, line in enumerate(lines):
        if SEPARATOR.match(line):
            groups.append((index + 1, []))
        else:
            groups[-1][1].append(line)
    cases = []
    for start, body in groups:
        if not "".join(body).strip():
            continue
        expected: list[Expected] = []
        xfail = None
        for offset, line in enumerate(body):
            number = start + offset + 1
            if match := ABOVE.match(line):
                expected.append(Expected(match["code"], number - 1, int(match["col"]), match["msg"]))
            elif match := ON_LINE.match(line):
                expected.append(Expected(match["code"], start + int(match["line"]), int(match["col"]), match["msg"]))
            elif match := XFAIL.match(line):
                xfail = match["reason"]
            elif match := TRAILING.search(line):
                expected.append(Expected(match["code"], number, int(match["col"]), match["msg"]))
        text = "\n" * start + "\n".join(body)
        cases.append(Case(path, start + 1, text, tuple(expected), xfail))
    return cases


ALL_CASES = [case for path in sorted(ERRORS.glob("*.bot")) for case in load_cases(path)]


def diagnostics_of(case: Case) -> tuple[Diagnostic, ...]:
    source = SourceFile(case.path.name, case.text)
    try:
        parse_script(source)
    except BubbleSyntaxError as error:
        return error.diagnostics
    except BubbleError as error:  # pragma: no cover - reported by the assertion below
        pytest.fail(f"{case.id}: expected a BubbleSyntaxError, got {type(error).__name__}: {error}")
    pytest.fail(f"{case.id}: the script parsed, but {len(case.expected)} error(s) were expected")


def describe(diagnostics: tuple[Diagnostic, ...]) -> str:
    return "\n".join(f"  [{d.code}] {d.span.line}:{d.span.column} {d.message}" if d.span else
                     f"  [{d.code}] (no position) {d.message}" for d in diagnostics)


def check_wording(diagnostic: Diagnostic) -> None:
    texts = [diagnostic.message, diagnostic.label, diagnostic.hint or "",
             *(label.message for label in diagnostic.labels), *diagnostic.notes]
    for text in texts:
        assert not TERMINAL_NAMES.search(text), f"terminal name in {text!r}"
        assert "Traceback" not in text and "Error(" not in text


def _params():
    for case in ALL_CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_error_case(case: Case) -> None:
    assert case.expected, f"{case.id}: a case without an `# error[…]` expectation"
    diagnostics = diagnostics_of(case)
    missing = [e for e in case.expected if not any(e.matches(d) for d in diagnostics)]
    extra = [d for d in diagnostics if not any(e.matches(d) for e in case.expected)]
    assert not missing and not extra, (
        f"{case.id}\nexpected:\n" + "\n".join(f"  {e}" for e in case.expected)
        + "\ngot:\n" + describe(diagnostics))
    assert len(diagnostics) == len(case.expected)
    for diagnostic in diagnostics:
        assert diagnostic.code in CODES
        check_wording(diagnostic)
        if diagnostic.hint:
            assert diagnostic.hint.strip()


render = None
try:  # the renderer is written by another helper; the rendered-text checks need it
    from bubble_lang.render import render_diagnostics as render
except ImportError:  # pragma: no cover
    pass


@pytest.mark.parametrize("case", [c for c in ALL_CASES if not c.xfail], ids=lambda c: c.id)
def test_rendered_error_reads_well(case: Case) -> None:
    if render is None:
        pytest.skip("bubble_lang.render is not there yet")
    source = SourceFile(case.path.name, case.text)
    with pytest.raises(BubbleError) as caught:
        parse_script(source)
    for fmt in ("full", "concise"):
        text = render(caught.value.diagnostics, fmt)
        assert "Traceback" not in text
        assert "__ANON" not in text and "$END" not in text
        for diagnostic in caught.value.diagnostics:
            assert diagnostic.code in text
            assert f"{diagnostic.span.line}:{diagnostic.span.column}" in text
        # a terminal name could only come from our own words: strip the quoted source lines
        words = "\n".join(line for line in text.splitlines() if not re.match(r"\s*\d*\s*\|", line))
        assert not re.search(r"\b(?:STR_START|STR_END|STR_TEXT|_NL|CMD|KEY|CONST_DEF|COMMA_DO|DO_COLON|"
                             r"INTERP_START|INTERP_END|MAP_START|CALL_LPAR|INDEX_LSQB|LSQB|RSQB|LPAR|RPAR)\b",
                             words), text


# ------------------------------------------------------------------------------ coverage of the suite
def test_at_least_fifty_broken_scripts() -> None:
    assert len(ALL_CASES) >= 50


def test_every_syntax_code_is_exercised() -> None:
    """Each B0xx code is expected somewhere (B011, a 8 MiB script, lives in test_limits.py)."""
    used = {e.code for case in ALL_CASES if not case.xfail for e in case.expected}
    missing = {info.code for info in SYNTAX_CODES} - used - {"B011"}
    assert not missing


def test_every_catalogue_code_is_exercised() -> None:
    used = {e.code for case in ALL_CASES if not case.xfail for e in case.expected}
    assert {entry.code for entry in CATALOGUE} <= used


def test_the_format_reads_expectations() -> None:
    case = load_cases(Path(__file__).parent / "errors" / "lexical.bot")[0]
    assert case.first_line == 1
    assert case.expected == (Expected("B001", 2, 7, "^unclosed string$"),)


# ------------------------------------------------------------------------------ wording of generic errors
def _first(text: str) -> Diagnostic:
    with pytest.raises(BubbleSyntaxError) as caught:
        parse_script(SourceFile("x.bot", text))
    return caught.value.diagnostics[0]


@pytest.mark.parametrize("text", ['dialog "main" do\nend\n', 'dialog main, "x" do\nend\n'])
def test_unexpected_token_reads_as_english(text: str) -> None:
    message = _first(text).message
    assert not re.match(r"unexpected (a|an) ", message), message


@pytest.mark.parametrize("text", ['dialog main do\n  say "x", class : "y"\nend\n',
                                  'dialog main do\n  if x then\n    say "a"\n  end\nend\n'])
def test_expected_list_names_no_closer_when_nothing_is_open(text: str) -> None:
    label = _first(text).label
    assert not re.search(r"`[)\]}]`", label), label


def test_each_top_level_block_reports_its_own_error() -> None:
    """Error recovery: a mistake in each of three dialogs gives three errors at their own places,
    and an unclosed string in the first does not make the later ones look broken (it once hid the
    real error of the fourth dialog behind a spurious one)."""
    text = ('dialog main do\n  say "hi\nend\n\ndialog two do\n  x = = 3\nend\n\ndialog three do\n  say "fine"\nend\n\n'
            'dialog four do\n  if x > 1\n    say "a"\n  end\nend\n')
    with pytest.raises(BubbleSyntaxError) as caught:
        parse_script(SourceFile("many.bot", text))
    found = [(d.code, d.span.line, d.span.column) for d in caught.value.diagnostics]
    assert found == [("B001", 2, 7), ("B010", 6, 7), ("B012", 14, 11)]
    assert all(d.span.file.name == "many.bot" for d in caught.value.diagnostics)


def test_a_lexical_error_does_not_hide_an_earlier_parse_error() -> None:
    text = 'dialog one do\n  if x > 1\n    say "a"\n  end\nend\n\ndialog two do\n  say "unclosed\nend\n'
    with pytest.raises(BubbleSyntaxError) as caught:
        parse_script(SourceFile("two.bot", text))
    assert [(d.code, d.span.line) for d in caught.value.diagnostics] == [("B012", 2), ("B001", 8)]


@pytest.mark.parametrize(("line", "hint_part"), [
    ("stop", "write `close`"),  # not "did you mean `step`?"
    ('switch_language "nl"', "user.locale"),
    ('wait 2', "`pause n`"),
    ('buttons "More?", ["a"]', "show buttons("),
])
def test_statements_of_the_original_language_say_what_to_write(line: str, hint_part: str) -> None:
    found = _first(f"dialog main do\n  {line}\nend\n")
    assert found.code == "B031"
    assert found.hint is not None and hint_part in found.hint, found.hint
