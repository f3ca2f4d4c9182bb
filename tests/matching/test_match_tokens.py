"""The naive tokenizer and its tokenizations (reference §10.1)."""

from __future__ import annotations

from matching_helpers import NOW, TZ

from bubble_lang.limits import Limits
from bubble_lang.runtime.matching import split_tokens, tokenize


def test_split_on_space_and_punctuation() -> None:
    tokens = split_tokens("Hello, wörld! don't e-mail me:now")
    assert [t.text for t in tokens] == [
        "Hello", ",", "wörld", "!", "don", "'", "t", "e-mail", "me", ":", "now",
    ]
    assert [t.kind for t in tokens[:4]] == ["word", "punct", "word", "punct"]
    assert tokens[2].value == "world" and tokens[7].value == "e-mail"
    assert all("Hello, wörld! don't e-mail me:now"[t.start : t.end] == t.text for t in tokens)


def test_values_strip_non_word_characters_but_keep_the_raw_norm() -> None:
    (emoji,) = split_tokens("😍")
    assert emoji.value == "" and emoji.norm == "😍" and emoji.forms == frozenset({"😍"})
    (plus,) = split_tokens("C++/x")
    assert plus.value == "c++x" and plus.norm == "c++/x"


def test_a_lone_dash_or_bullet_is_punctuation() -> None:
    """A list item's "- " stood between two words as a word of its own, so "fields Your name"
    did not match "fields:\n- Your name" (found writing the sign-up sample)."""
    tokens = split_tokens("fields:\n- Your name — Age • x e-mail")
    assert [t.kind for t in tokens] == ["word", "punct", "punct", "word", "word", "punct", "word", "punct",
                                        "word", "word"]


def test_lemma_table() -> None:
    was = split_tokens("Was")[0]
    assert was.lemma == "be" and "be" in was.forms


def test_typographic_apostrophes_are_punctuation() -> None:
    assert [t.text for t in split_tokens("don’t")] == ["don", "’", "t"]


def test_tokenization_order() -> None:
    sentence = tokenize("I was born 18 years ago.", now=NOW, timezone=TZ)
    shapes = [
        [t.entity.kind if t.entity else t.text for t in tokens]
        for tokens in sentence.tokenizations
    ]
    assert shapes == [
        ["I", "was", "born", "time"],
        ["I", "was", "born", "duration", "ago"],
        ["I", "was", "born", "number", "years", "ago"],
        ["I", "was", "born", "18", "years", "ago"],
        ["I", "was", "born", "18", "years", "ago", "."],
    ]


def test_without_punctuation_only_once_when_there_is_none() -> None:
    sentence = tokenize("hello world", entities=False)
    assert len(sentence.tokenizations) == 1


def test_only_the_first_match_text_chars_are_used() -> None:
    sentence = tokenize("a " * 100 + "hello", limits=Limits(match_text_chars=50))
    assert sentence.text == ("a " * 100)[:50]
    assert "hello" not in sentence.words


def test_entities_must_cover_whole_tokens() -> None:
    sentence = tokenize("5pm x5", now=NOW, timezone=TZ)
    kinds = {(span.kind, span.text) for span in sentence.entities}
    assert ("time", "5pm") in kinds
    assert not any(span.kind == "number" for span in sentence.entities)
