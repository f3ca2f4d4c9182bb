"""Random patterns against random messages: a Match or None, never another exception.

Patterns come from a small grammar that covers every rule kind and modifier; messages mix
pattern words, punctuation, entity-looking text and arbitrary characters. A second property
checks the trigger index never drops a trigger the matcher accepts.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_helpers import NOW, TZ

from bubble_lang.runtime.matching import (
    Match,
    RegexBudget,
    TriggerIndex,
    compile_text,
    match_sentence,
    tokenize,
)

Piece = tuple[str, bool]  # pattern text, may take a modifier

WORDS = ["a", "b", "hello", "world", "héllo", "was-machine", "don't", "😍"]
MODIFIABLE = [
    *WORDS, '"a b"', "'.'", "/a+/", "/(?<g>b)/", "[number]", "[email=mail]", "[time]",
    "@flower", "%VERB",
]
FIXED = ["_", "[1]", "[0-2]", "[1+?]", "[2+]", "[Start]", "[End]", "[0-2=gap]"]
MESSAGE_PIECES = [
    "a", "b", "hello", "world", "Héllo", "wasmachine", "was", "machine", "don't", "😍", ".", "!",
    ",", "5", "-1.5", "twenty one", "a@b.co", "tomorrow at 6pm", "18:00", "$5", "2h", "tulip",
    "aaaa", "ab", "  ",
]

base = st.one_of(
    st.sampled_from(MODIFIABLE).map(lambda text: (text, True)),
    st.sampled_from(FIXED).map(lambda text: (text, False)),
)


def extend(children: st.SearchStrategy[Piece]) -> st.SearchStrategy[Piece]:
    pieces = st.lists(children, min_size=2, max_size=3)
    modifiable = children.filter(lambda piece: piece[1])
    return st.one_of(
        pieces.map(lambda items: (" ".join(text for text, _ in items), False)),
        pieces.map(lambda items: ("( " + " | ".join(text for text, _ in items) + " )", True)),
        pieces.map(lambda items: ("< " + " ".join(text for text, _ in items) + " >", True)),
        modifiable.map(lambda piece: (piece[0] + "?", False)),
        st.tuples(modifiable, st.sampled_from(["[0-2]", "[1+]", "[1-2?]", "[=cap]"]))
        .map(lambda pair: (pair[0][0] + pair[1], False)),
    )


patterns = st.recursive(base, extend, max_leaves=8).map(lambda piece: piece[0])
messages = st.one_of(
    st.lists(st.sampled_from(MESSAGE_PIECES), max_size=12).map(" ".join),
    st.text(max_size=40),
)
CONCEPTS = {"flower": ["tulip", "rose"]}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, message=messages)
def test_match_returns_a_match_or_none(pattern: str, message: str) -> None:
    compiled = compile_text(pattern)
    sentence = tokenize(message, now=NOW, timezone=TZ)
    found = match_sentence(compiled, sentence, budget=RegexBudget(), concepts=CONCEPTS)
    assert found is None or isinstance(found, Match)
    if found is not None:
        assert 0 <= found.start <= found.end <= len(sentence.text)
        for capture in found.captures.values():
            assert capture.text == capture.text.strip()
            assert sentence.text[capture.start : capture.end] == capture.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, message=messages)
def test_the_index_keeps_every_trigger_that_matches(pattern: str, message: str) -> None:
    compiled = compile_text(pattern)
    sentence = tokenize(message, now=NOW, timezone=TZ)
    index = TriggerIndex([("t", compiled)])
    if match_sentence(compiled, sentence, concepts=CONCEPTS) is not None:
        assert index.candidates(sentence) == ["t"]


def test_separator_characters_split_tokens() -> None:
    """Regression (hypothesis): `\\x1f` is whitespace to str.strip but not to `\\s`."""
    sentence = tokenize("a\x1fb", now=NOW, timezone=TZ)
    assert [token.text for token in sentence.tokens] == ["a", "b"]
    found = match_sentence(compile_text("( a | [0-2=gap] )[0-2]"), tokenize("\x1f", now=NOW, timezone=TZ))
    assert found is None or all(c.text == c.text.strip() for c in found.captures.values())
