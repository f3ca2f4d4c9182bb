"""Word folding, the trigger-index words and capture names."""

from __future__ import annotations

import pytest

from bubble_lang.patterns import capture_names, index_words, normalize_word, parse_bml


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hello", "hello"),
        ("héllo", "hello"),
        ("hellø", "hello"),
        ("ÇA VA", "ca va"),
        ("don’t", "don't"),
        ("Straße", "strasse"),
        ("😍", "😍"),
        ("ﬁne", "fine"),
    ],
)
def test_normalize_word(text: str, folded: str) -> None:
    assert normalize_word(text) == folded


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("hello world", {"hello"}),
        ("hi | hello", {"hi", "hello"}),
        ("about _ (restaurant | sienna)", {"about"}),
        ("_ (restaurant | sienna)", {"restaurant", "sienna"}),
        ("Héllo", {"hello"}),
        ("was-machine", {"wasmachine", "was-machine", "machine"}),
        ('"San Francisco"', {"francisco"}),
        ("don't", {"don", "dont", "not"}),  # also "dont" and "do not" (SPEC §7b)
        ("a? b", {"b"}),
        ("(a | b)[2+]", {"a", "b"}),
        ("< hello world >", {"hello"}),
        ("(hello)[=x] [email]", {"hello"}),
        ("like @flower", {"like"}),
    ],
)
def test_index_words(text: str, words: set[str]) -> None:
    assert index_words(parse_bml(text)) == frozenset(words)


@pytest.mark.parametrize(
    "text",
    ["[1+]", ".*", "_", "/quit/", "[email]", "@flower", "%VERB", "a?", "a[0-2]", "a | [email]",
     "'.'", "[Start] [End]", "^hi"],
)
def test_index_words_none_when_no_word_is_required(text: str) -> None:
    assert index_words(parse_bml(text)) is None


def test_empty_pattern_indexes_to_nothing() -> None:
    assert index_words(parse_bml("")) == frozenset()


def test_capture_names() -> None:
    pattern = parse_bml(
        "(hello (world | earth)[=planet])[=greeting] [time=pickup] [email] @flower @a.b "
        "/(?<flight>\\d+)/ x[=planet]"
    )
    assert capture_names(pattern) == ("greeting", "planet", "pickup", "email", "flower", "flight")
    assert capture_names(parse_bml("")) == ()
