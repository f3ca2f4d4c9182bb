"""`bubble fmt`: one indentation for every script, never a change of meaning (the syntax tree is
compared), idempotent, lines never added or removed (anonymous dialogs are named by their line),
`--check`/`--diff` exit codes, and a broken file reported, never rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubble_lang.build import parse_script
from bubble_lang.cli.fmt import format_text, lines_inside_strings, same_meaning
from bubble_lang.cli.main import main
from bubble_lang.diagnostics import BubbleError
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


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_keeps_meaning_and_lines_and_is_idempotent(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text)
    assert same_meaning(text, once)
    assert format_text(once) == once
    assert len(once.rstrip("\n").split("\n")) == len(text.rstrip("\n").split("\n"))


def test_the_samples_are_formatted() -> None:
    for path in ROOT.glob("samples/**/*.bot"):
        assert format_text(path.read_text()) == path.read_text(), path


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([p for p in CORPUS if p.parts[-2] == "samples" or "samples" in p.parts]),
       st.lists(st.integers(0, 7), min_size=1, max_size=50), st.lists(st.integers(0, 3), min_size=1, max_size=50))
def test_any_indentation_comes_out_the_same(path: Path, indents: list[int], trailing: list[int]) -> None:
    """Re-indent every line at random and add trailing spaces: fmt gives the canonical text back."""
    text = format_text(path.read_text())
    lines = text.split("\n")
    inside = lines_inside_strings(text)
    messy = []
    for number, line in enumerate(lines):
        if line.strip() and number + 1 not in inside:
            line = " " * indents[number % len(indents)] + line.strip() + " " * trailing[number % len(trailing)]
        messy.append(line)
    messed = "\n".join(messy)
    try:
        parse_script(SourceFile("m.bot", messed))
    except BubbleError:
        return  # indentation is meaningful inside some constructs (a multi-line string's text)
    assert format_text(messed) == text


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ugly = tmp_path / "ugly.bot"
    ugly.write_text('dialog main do\nif x do\n        say "a"   \n  else\nsay "b"\n    end\nend')
    assert main(["fmt", "--check", str(ugly)]) == 1
    assert "would reformat" in capsys.readouterr().err
    assert main(["fmt", "--diff", str(ugly)]) == 1
    assert '+    say "b"' in capsys.readouterr().out
    assert main(["fmt", str(ugly)]) == 0
    assert ugly.read_text() == 'dialog main do\n  if x do\n    say "a"\n  else\n    say "b"\n  end\nend\n'
    assert main(["fmt", "--check", str(tmp_path)]) == 0
    broken = tmp_path / "broken.bot"
    broken.write_text('dialog main do\n  say "unclosed\n     end\n')
    before = broken.read_text()
    assert main(["fmt", str(broken)]) == 2
    assert broken.read_text() == before
    assert "B001" in capsys.readouterr().err
