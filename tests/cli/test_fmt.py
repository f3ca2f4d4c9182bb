"""`bubble fmt` over real scripts: every sample and every test script that parses keeps its
meaning, its comments and its unnamed dialogs' lines, and formatting twice changes nothing; the
samples are formatted; random re-indentation and re-spacing come back canonical; the command's
`--check`/`--diff` exit codes, its note about unnamed dialogs, and a broken file reported, never
rewritten. (The rules one by one, and generated programs: test_fmt_rules.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubble_lang import nodes as n
from bubble_lang.build import parse_script
from bubble_lang.cli import fmt_parallel
from bubble_lang.cli.fmt import format_text, lines_inside_strings, same_meaning
from bubble_lang.cli.main import main
from bubble_lang.diagnostics import BubbleError
from bubble_lang.formatting import Formatted
from bubble_lang.lexer import tokenize
from bubble_lang.source import SourceFile

ROOT = Path(__file__).resolve().parents[2]


def corpus() -> list[Path]:
    found = []
    for path in sorted([*ROOT.glob("samples/**/*.bot"), *ROOT.glob("tests/**/*.bot")]):
        try:
            parse_script(SourceFile(str(path), path.read_text(encoding="utf-8")))
        except (BubbleError, UnicodeDecodeError):
            continue  # the error corpora: fmt refuses them (tested below)
        found.append(path)
    return found


CORPUS = corpus()
SAMPLES = sorted(ROOT.glob("samples/**/*.bot"))


def unnamed_dialog_lines(text: str) -> list[int]:
    """The lines of the dialogs without a name, inner ones included (their names: `trigger@12`)."""
    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, n.DialogDecl) and node.name is None:
            found.append(node.span.line)
        if attrs.has(type(node)):
            for field in attrs.fields(type(node)):
                walk(getattr(node, field.name))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(parse_script(SourceFile("script.bot", text)))
    return sorted(found)


def comments(text: str) -> list[str]:
    """Every comment, as written (white space around it aside), found between the tokens."""
    source = SourceFile("script.bot", text)
    found, end = [], 0
    for token in [*tokenize(source), None]:
        start = len(text) if token is None else token.start_pos
        for part in text[end:start].split("\n"):
            if "#" in part:
                found.append(part[part.index("#"):].rstrip())
        end = end if token is None else max(end, token.end_pos)
    return found


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_keeps_meaning_comments_and_unnamed_dialogs_and_is_idempotent(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text)
    assert same_meaning(text, once)
    assert format_text(once) == once
    assert comments(once) == comments(text)
    assert unnamed_dialog_lines(once) == unnamed_dialog_lines(text)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_samples_are_formatted(path: Path) -> None:
    assert format_text(path.read_text(encoding="utf-8")) == path.read_text(encoding="utf-8")


def _messed(text: str, indents: list[int], trailing: list[int], spaces: list[int]) -> str:
    """`text` re-indented, with trailing spaces, and with 0 to 2 spaces more or fewer between
    tokens wherever that cannot change a token (never in strings, never before a call's `(` or
    an index's `[`, never between words)."""
    inside = lines_inside_strings(text)
    tokens = [t for t in tokenize(SourceFile("s.bot", text)) if t.type != "_NL"]
    out, at, strings = [], 0, 0
    for index, (left, right) in enumerate(zip(tokens, tokens[1:])):
        strings += {"STR_START": 1, "STR_END": -1}.get(left.type, 0)
        gap = text[left.end_pos:right.start_pos]
        if strings or gap not in ("", " ") or right.type in ("CALL_LPAR", "INDEX_LSQB") or \
                left.type in ("TRANSLATE", "CMD", "MINUS") or (left.value == "dialog" and right.type == "DOT"):
            continue  # `#{…}` code as written; `f(x)`, `_"x"`, `say -1`, `dialog.stack` decided by spacing
        count = spaces[index % len(spaces)]
        out.append(text[at:left.end_pos] + " " * (count + 1 if gap == " " else count))
        at = right.start_pos
    respaced = "".join(out) + text[at:]
    lines = []
    for number, line in enumerate(respaced.split("\n"), 1):
        if line.strip() and number not in inside:
            if number + 1 in inside or line.endswith("\\"):  # its end is string text, or `\` must end it
                line = " " * indents[number % len(indents)] + line.lstrip()
            else:
                line = " " * indents[number % len(indents)] + line.strip() + " " * trailing[number % len(trailing)]
        lines.append(line)
    return "\n".join(lines)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SAMPLES), st.lists(st.integers(0, 7), min_size=1, max_size=50),
       st.lists(st.integers(0, 3), min_size=1, max_size=50), st.lists(st.integers(0, 2), min_size=1, max_size=50))
def test_any_indentation_and_spacing_comes_out_the_same(path: Path, indents: list[int], trailing: list[int],
                                                       spaces: list[int]) -> None:
    """Re-indent every line, add trailing spaces and change the spaces between tokens at random:
    fmt gives the canonical text back."""
    text = path.read_text(encoding="utf-8")
    messed = _messed(text, indents, trailing, spaces)
    kinds = [(t.type, t.value) for t in tokenize(SourceFile("a", text)) if t.type != "_NL"]
    assert [(t.type, t.value) for t in tokenize(SourceFile("b", messed)) if t.type != "_NL"] == kinds
    assert format_text(messed) == text


# ------------------------------------------------------------------------------ the command
def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ugly = tmp_path / "ugly.bot"
    ugly.write_text('dialog main do\nif x==1 do\n        say "a"   \n  else\nsay "b",class:"big"\n    end\nend')
    assert main(["fmt", "--check", str(ugly)]) == 1
    assert f"would reformat {ugly}" in capsys.readouterr().err
    assert main(["fmt", "--diff", str(ugly)]) == 1
    assert '+    say "b", class: "big"' in capsys.readouterr().out
    assert main(["fmt", str(ugly)]) == 0
    assert ugly.read_text() == ('dialog main do\n  if x == 1 do\n    say "a"\n  else\n    say "b", class: "big"\n'
                                '  end\nend\n')
    assert main(["fmt", "--check", str(tmp_path)]) == 0
    broken = tmp_path / "broken.bot"
    broken.write_text('dialog main do\n  say "unclosed\n     end\n')
    before = broken.read_text()
    assert main(["fmt", str(broken)]) == 2
    assert broken.read_text() == before
    assert "B001" in capsys.readouterr().err


def test_a_syntax_error_is_a_bubble_error() -> None:
    with pytest.raises(BubbleError):
        format_text("dialog main do\n  say \"hi\"\n")  # no `end`


def test_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", str(tmp_path / "missing.bot")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_layout_that_would_change_meaning_is_never_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bot.bot"
    path.write_text('dialog main do\nsay "hi"\nend\n')
    monkeypatch.setattr("bubble_lang.cli.fmt.format_file_text", lambda text, name: Formatted(text, unsafe=True))
    assert main(["fmt", str(path)]) == 2
    assert path.read_text() == 'dialog main do\nsay "hi"\nend\n'
    assert "would change its meaning" in capsys.readouterr().err


def test_the_safety_check_returns_the_input_when_tokens_would_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spacing rule gone wrong (`f (x)` written `f(x)`, a call) is caught, and nothing changes."""
    import bubble_lang.formatting.spacing as spacing

    monkeypatch.setattr(spacing, "POSTFIX_OPENERS", frozenset())
    text = 'dialog main do\n  say f (1)\nend\n'
    assert format_text(text) == text


def test_the_note_names_the_unnamed_dialogs_below_held_back_changes(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bot.bot"
    path.write_text('dialog main do\n\n\n  say "hi"\nend\ndialog trigger: "bye" do\n  close\nend\n')
    assert main(["fmt", "--check", str(path)]) == 0  # nothing it may change
    err = capsys.readouterr().err
    assert err.count("note:") == 1
    assert "`trigger@6`" in err and "give it a name" in err
    path.write_text('dialog main do\n\n\n  say "hi"\nend\ndialog bye, trigger: "bye" do\n  close\nend\n')
    assert main(["fmt", str(path)]) == 0
    assert "note:" not in capsys.readouterr().err
    assert path.read_text() == 'dialog main do\n  say "hi"\nend\n\ndialog bye, trigger: "bye" do\n  close\nend\n'


@pytest.mark.parametrize("text, code", [('dialog main do\nsay  "hi"\nend\n', 0), ('dialog main do\n  say "hi"\n', 2),
                                        ('dialog main do\n  say "hi\nend\n', 2)])
def test_large_files_check_their_syntax_in_a_child_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], text: str,
                                                           code: int) -> None:
    monkeypatch.setattr(fmt_parallel, "PARALLEL_FROM", 0)
    path = tmp_path / "bot.bot"
    path.write_text(text)
    assert main(["fmt", str(path)]) == code
    if code:
        assert path.read_text() == text
        assert re.search(r"B00\d", capsys.readouterr().err)
    else:
        assert path.read_text() == 'dialog main do\n  say "hi"\nend\n'


# --- `fmt --diff`: block by block, so it stays linear (difflib alone took 22 s on 8,000 dialogs)

def _patched(before: str, diff: str) -> str:
    """Apply a unified diff to `before` (what `patch` would do), to check the diff is right."""
    lines = before.splitlines(True)
    out: list[str] = []
    at = 0
    body = diff.splitlines(True)[2:]
    index = 0
    while index < len(body):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", body[index])
        assert header, body[index]
        start = int(header.group(1)) - (0 if header.group(2) == "0" else 1)
        out += lines[at:start]
        at = start
        index += 1
        while index < len(body) and not body[index].startswith("@@"):
            mark, text = body[index][0], body[index][1:]
            if index + 1 < len(body) and body[index + 1].startswith("\\"):
                text = text[:-1]
                index += 1
            if mark in " -":
                at += 1
            if mark in " +":
                out.append(text)
            index += 1
    return "".join(out + lines[at:])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["dialog", "task"]), st.integers(0, 3), st.booleans()), min_size=1,
                max_size=12))
def test_the_block_by_block_diff_patches_the_source_into_the_formatted_text(blocks):
    from bubble_lang.cli.fmt_diff import unified_diff

    parts = []
    for number, (word, statements, blank) in enumerate(blocks):
        body = "".join(f"    say   {k}\n" for k in range(statements))
        parts.append(f"{word} b{number}  do\n{body}end\n" + ("\n\n\n" if blank else ""))
    before = "".join(parts)
    after = format_text(before)
    diff = "".join(unified_diff(before, after, "x.bot"))
    assert (diff == "") == (before == after)
    if diff:
        assert _patched(before, diff) == after


def test_the_diff_of_many_dialogs_is_what_difflib_writes():
    import difflib

    from bubble_lang.cli.fmt_diff import unified_diff

    before = 'dialog main do\n  say 1\nend\n' + "".join(
        f'dialog d{i}, trigger: "w{i}" do\n  say {i}\nend\n' for i in range(3000))
    after = format_text(before)
    expected = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "x.bot",
                                            "x.bot (formatted)"))
    assert "".join(unified_diff(before, after, "x.bot")) == expected
