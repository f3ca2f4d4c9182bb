"""The trigger index (SPEC §7b): only triggers that can match are tried, in their order."""

from __future__ import annotations

import time

from matching_helpers import NOW, TZ

from bubble_lang.runtime.matching import (
    RegexBudget,
    TriggerIndex,
    compile_text,
    match_sentence,
    tokenize,
)

TRIGGERS = [
    ("greet", "hello | hi"),
    ("bye", "bye"),
    ("regex", "/\\d{4}/"),
    ("email", "[email]"),
    ("weather", "what _ be _ weather"),
    ("compound", "was-machine"),
    ("literal", '"San Francisco"'),
    ("legacy", "my name is #<name>"),
    ("empty", ""),
    ("greet2", "hello there"),
]


def build() -> TriggerIndex[str]:
    return TriggerIndex([(key, compile_text(text)) for key, text in TRIGGERS])


def test_candidates_keep_order_and_include_unindexable_triggers() -> None:
    index = build()
    sentence = tokenize("Hello there!", now=NOW, timezone=TZ)
    assert index.candidates(sentence) == ["greet", "regex", "email", "legacy", "greet2"]
    assert index.candidates(sentence.tokens) == index.candidates(sentence)


def test_word_forms_and_lemmas_are_looked_up() -> None:
    index = build()
    for message, key in [
        ("Is the weather nice?", "weather"),  # via the lemma `is` -> `be`
        ("my wasmachine", "compound"),
        ("my was machine", "compound"),
        ("I live in san francisco", "literal"),
        ("HÉLLO", "greet"),
    ]:
        assert key in index.candidates(tokenize(message, entities=False)), message


def test_the_empty_pattern_is_never_a_candidate() -> None:
    assert "empty" not in build().candidates(tokenize("", entities=False))


def test_a_message_is_tried_only_against_candidates() -> None:
    index = build()
    sentence = tokenize("bye 2024 now", now=NOW, timezone=TZ)
    budget = RegexBudget()
    matched = [
        key
        for key, compiled in index.candidate_patterns(sentence)
        if match_sentence(compiled, sentence, budget=budget) is not None
    ]
    assert matched == ["bye", "regex"]


def test_a_thousand_triggers_give_few_candidates() -> None:
    triggers = [(f"t{i}", compile_text(f"word{i} (topic{i % 37} | item{i})")) for i in range(1000)]
    triggers.append(("always", compile_text("[email]")))
    index = TriggerIndex(triggers)
    # `word500 (topic3 | item500)` needs `word500`: `item500` alone does not make it a candidate
    sentence = tokenize("tell me about word12 and item500 please", entities=False)
    started = time.perf_counter()
    for _ in range(100):
        found = index.candidates(sentence)
    per_call = (time.perf_counter() - started) / 100
    assert found == ["t12", "always"]
    assert per_call < 0.005


def test_index_never_drops_a_matching_trigger() -> None:
    patterns = ["hello world", "(a | b) c", "<x y>", '"don\'t" go', "x[2] y", "a? b", "go-kart"]
    messages = ["hello world", "b c", "y then x", "don't go", "x x y", "a b", "go kart", "gokart"]
    index = TriggerIndex([(p, compile_text(p)) for p in patterns])
    for message in messages:
        sentence = tokenize(message, entities=False)
        candidates = index.candidates(sentence)
        for pattern in patterns:
            if match_sentence(compile_text(pattern), sentence) is not None:
                assert pattern in candidates, (pattern, message)
