"""Legacy triggers (reference §10.8, SPEC §7b): word alternatives and `#<name>` captures."""

from __future__ import annotations

from matching_helpers import run, texts


def test_word_alternatives_are_bml_words() -> None:
    for message in ("please STOP", "I quit!", "the end"):
        assert run("stop|quit|end", message) is not None, message
    assert run("stop|quit|end", "unstoppable") is None  # whole words, unlike the old regex


def test_rest_capture() -> None:
    found = run("my name is #<name>", "Hi, My Name is  Ada Lovelace ")
    assert found is not None
    assert texts(found) == {"name": "Ada Lovelace"}
    assert found.entity is not None and found.entity.text == "My Name is  Ada Lovelace"
    assert [token.text for token in found.captures["name"].tokens] == ["Ada", "Lovelace"]
    assert run("my name is #<name>", "my name is") is None


def test_regex_capture() -> None:
    found = run("num:#<n:[0-9]+>", "NUM:42 please")
    assert texts(found) == {"n": "42"}
    assert found is not None and found.entity is not None and found.entity.text == "NUM:42"
    assert run("num:#<n:[0-9]+>", "num:x") is None


def test_two_captures_and_regex_text() -> None:
    assert texts(run("from #<a> to #<b>", "fly from Amsterdam to Rome")) == {
        "a": "Amsterdam",
        "b": "Rome",
    }
    found = run("mus(ic|eum) #<what>", "the Museum of art")
    assert texts(found) == {"what": "of art"}
    assert found is not None and found.entity is not None
    assert found.entity.text == "Museum of art"


def test_legacy_is_case_insensitive_and_unanchored() -> None:
    assert texts(run("order #<id:\\d+>", "Where is ORDER 123?")) == {"id": "123"}
    assert run("order#<id:\\d+>", "Where is ORDER 123?") is None  # the regex has no space
