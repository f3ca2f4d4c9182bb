"""Punctuation written in a pattern is optional punctuation (SPEC §7b): `,` `.` `!` `;` `:` and a
`?` that ends the pattern or a sentence in it match with or without the mark in the message, and
are never a compile error, so a test can `expect` the bot's own sentence verbatim."""

from __future__ import annotations

import pytest
from matching_helpers import run

SENTENCE = "We serve espresso, latte, tea."


@pytest.mark.parametrize("message", ["We serve espresso, latte, tea.", "we serve espresso latte tea",
                                     "We serve espresso; latte, tea!"])
def test_a_pasted_sentence_matches_with_or_without_its_marks(message: str) -> None:
    assert run(SENTENCE, message) is not None


@pytest.mark.parametrize("pattern", ["espresso,latte", "hello!", "a: b", "one;two", "yes...", "wait, what?"])
def test_marks_are_never_a_compile_error(pattern: str) -> None:
    run(pattern, "anything")  # compiles (a PatternError would raise)


def test_a_question_mark_ending_the_pattern_is_punctuation_not_optional() -> None:
    assert run("How are you?", "how are you") is not None
    assert run("How are you?", "How are you?") is not None
    assert run("How are you?", "how are") is None  # `you` is not made optional
    assert run("Open today? Tell me", "open today tell me") is not None
    assert run("Open today? Tell me", "open tell me") is None


def test_bml_question_marks_keep_their_meaning() -> None:
    assert run("hello world? there", "hello there") is not None  # optional word mid-sentence
    assert run("say (hi | hello)?", "say") is not None  # an optional group at the end
    assert run("mail [email]?", "mail") is not None
