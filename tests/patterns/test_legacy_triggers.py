"""Pre-BML `#<name>` triggers compile to one checked regex with capture names (reference §10.8)."""

from __future__ import annotations

import pytest
import regex

from bubble_lang.patterns import (
    REGEX_FLAGS,
    LegacyPattern,
    PatternError,
    capture_names,
    dump,
    index_words,
    is_legacy_trigger,
    parse_bml,
    parse_legacy,
)


def search(pattern: LegacyPattern, message: str) -> dict[str, str] | None:
    found = regex.compile(pattern.source, REGEX_FLAGS).search(message)
    return None if found is None else found.groupdict()


def test_only_hash_angle_texts_are_legacy() -> None:
    assert is_legacy_trigger("my name is #<name>")
    assert is_legacy_trigger("num:#<n:[0-9]+>")
    assert not is_legacy_trigger("stop|quit|end")
    assert not is_legacy_trigger("hello # world")


def test_word_alternatives_are_bml() -> None:
    """`stop|quit|end` keeps its old meaning as BML word alternatives."""
    pattern = parse_bml("stop|quit|end")
    assert index_words(pattern) == frozenset({"stop", "quit", "end"})


def test_rest_capture(snapshot) -> None:
    pattern = parse_legacy("my name is #<name>")
    assert dump(pattern) == snapshot
    assert pattern.capture_names == ("name",) and pattern.rest_names == ("name",)
    assert search(pattern, "Hi, My Name is Ada Lovelace") == {"name": "Ada Lovelace"}
    assert search(pattern, "my name is") is None


def test_regex_capture(snapshot) -> None:
    pattern = parse_legacy("num:#<n:[0-9]+>")
    assert dump(pattern) == snapshot
    assert capture_names(pattern) == ("n",) and pattern.rest_names == ()
    assert search(pattern, "NUM:42 please") == {"n": "42"}
    assert search(pattern, "num:x") is None


def test_rest_capture_before_more_text_is_lazy() -> None:
    pattern = parse_legacy("from #<a> to #<b>")
    assert pattern.source == "from (?P<a>.+?) to (?P<b>.+)"
    assert search(pattern, "from Amsterdam to Rome") == {"a": "Amsterdam", "b": "Rome"}


def test_regex_text_and_nested_groups() -> None:
    pattern = parse_legacy("mus(ic|eum) #<code:(?<head>[a-z])\\d{2}>")
    assert pattern.capture_names == ("code", "head")
    assert search(pattern, "the museum b12") == {"code": "b12", "head": "b"}
    # a `>` inside the capture's own parentheses does not end it
    assert parse_legacy("#<n:(?<x>a)>").capture_names == ("n", "x")


def test_legacy_regex_without_captures_is_accepted_by_parse_legacy() -> None:
    assert parse_legacy("mus(ic|eum)").source == "mus(ic|eum)"
    assert index_words(parse_legacy("mus(ic|eum)")) is None


LEGACY_ERRORS = [
    ("x #<", "missing capture name after `#<`", 2, "write a name"),
    ("x #<>", "missing capture name after `#<`", 2, "write a name"),
    ("x #<1a>", "`1a` is not a valid name", 4, "starting with a letter"),
    ("x #<n", "unclosed `#<`", 2, "end the capture with `>`"),
    ("x #<n:[0-9]", "unclosed `#<`", 2, "end the capture with `>`"),
    ("x #<n:>", "empty regex in capture `n`", 5, "write a regex after `:`"),
    ("x #<n!", "unexpected `!` in capture `n`", 5, "write `#<n>`"),
    ("#<a> #<a>", "capture `a` appears twice", 7, "give each capture its own name"),
    ("a(b #<n>", "invalid regex: missing )", 1, "fix the regular expression"),
    ("#<n:a{2000}>", "regex repeat `{2000}` is over the limit of 1000", 6, "at most 1000"),
    ("   ", "empty trigger", 0, "write the words"),
]


@pytest.mark.parametrize(("text", "message", "start", "hint"), LEGACY_ERRORS)
def test_legacy_errors(text: str, message: str, start: int, hint: str) -> None:
    with pytest.raises(PatternError) as info:
        parse_legacy(text)
    assert message in info.value.message
    assert info.value.start == start
    assert info.value.hint is not None and hint in info.value.hint
