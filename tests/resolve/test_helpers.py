"""Unit tests for the resolver's helpers: "did you mean", spans inside strings, durations."""

from __future__ import annotations

import pytest

from bubble_lang.build import parse_script
from bubble_lang.checks.durations import parse_duration
from bubble_lang.checks.spans import span_in_string
from bubble_lang.checks.suggest import did_you_mean, nearest
from bubble_lang.nodes import Command, Str
from bubble_lang.render import render_diagnostics
from bubble_lang.resolve import resolve_bot
from bubble_lang.source import SourceFile


# ------------------------------------------------------------------------------ did you mean
@pytest.mark.parametrize(("name", "known", "expected"), [
    ("mneu", ["menu", "main"], "menu"),
    ("lenght", ["length", "last"], "length"),
    ("sortBy", ["sort_by", "sort"], "sort_by"),          # case and `_` folded
    ("calculate_prise", ["calculate_price"], "calculate_price"),
    ("x", ["y", "xy"], None),                            # nothing within half of one letter
    ("__root__", ["start", "main"], None),               # the underscores buy no extra edits
    ("__unknwon__", ["__unknown__", "__root__"], "__unknown__"),
    ("menu", ["menu"], None),                            # a name never suggests itself
    ("checkout", ["order", "greeting"], None),
])
def test_nearest(name: str, known: list[str], expected: str | None) -> None:
    assert nearest(name, known) == expected


def test_did_you_mean_labels_the_definition() -> None:
    source = SourceFile("shop.bot", '@greeting "hi"\n')
    span = source.span(0, 9)
    hint, labels = did_you_mean("greetings", {"greeting": span, "farewell": None}, shown="`@{}`")
    assert hint == "did you mean `@greeting`? (defined at shop.bot:1:1)"
    assert [(label.span, label.message) for label in labels] == [(span, "`@greeting` is defined here")]


def test_did_you_mean_falls_back() -> None:
    hint, labels = did_you_mean("zzz", {"menu": None}, fallback="define it")
    assert (hint, labels) == ("define it", ())


# ------------------------------------------------------------------------------ spans in strings
def _first_string(text: str) -> Str:
    script = parse_script(SourceFile("t.bot", text))
    command = script.decls[0].body[0]
    assert isinstance(command, Command)
    value = command.option("expecting") or command.args[0]
    assert isinstance(value, Str)
    return value


def test_span_in_string_skips_escapes() -> None:
    string = _first_string('dialog main do\n  say "a\\tb [emial]"\nend\n')
    assert string.literal == "a\tb [emial]"
    start = string.literal.index("emial")
    span = span_in_string(string, start, start + len("emial"))
    assert span.text == "emial"


def test_span_in_string_covers_an_escape_at_the_end() -> None:
    string = _first_string('dialog main do\n  say "x \\" y\\n"\nend\n')
    index = string.literal.index("\n")
    assert span_in_string(string, index, index + 1).text == "\\n"
    assert span_in_string(string, 2, 3).text == '\\"'


def test_pattern_error_caret_sits_under_the_entity() -> None:
    text = 'dialog main do\n  ask "Mail?", expecting: "a\\tb [emial]"\n  say answer\nend\n'
    source = SourceFile("mail.bot", text)
    program = resolve_bot([parse_script(source)])
    [diagnostic] = program.diagnostics
    assert diagnostic.code == "B212"
    assert diagnostic.span.text == "emial"
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 34)
    rendered = render_diagnostics([diagnostic], "full").splitlines()
    source_row = next(i for i, line in enumerate(rendered) if "expecting:" in line)
    caret_row = rendered[source_row + 1]
    caret_at = caret_row.index("^")
    assert rendered[source_row][caret_at: caret_at + 5] == "emial"
    assert caret_row.count("^") == 5


def test_patterns_are_kept_by_string_span() -> None:
    text = 'dialog main do\n  say "hi"\nend\n\ndialog trigger: "hello | hi" do\n  say "yo"\nend\n'
    program = resolve_bot([parse_script(SourceFile("t.bot", text))])
    trigger = program.trigger_dialogs[0].option("trigger")
    assert isinstance(trigger, Str)
    assert program.pattern_of(trigger) is not None


# ------------------------------------------------------------------------------ durations
@pytest.mark.parametrize(("text", "seconds"), [
    ("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400),
    ("2h 30m", 9000), ("1.5h", 5400), (" 5m ", 300),
])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["15x", "", "m", "1m1h", "1h1h", "3 weeks", "1h30", "-5s", "15M"])
def test_parse_duration_refuses(text: str) -> None:
    assert parse_duration(text) is None
