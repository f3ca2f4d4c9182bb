"""The lean LALR driver (`lalr_run.py`) builds exactly what Lark's own parser builds, and stops
exactly where Lark reports a syntax error: on every corpus script and on token lists with a token
deleted, duplicated or swapped (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedToken

from bubble_lang.build import _STATE, _lark, _lean
from bubble_lang.build_state import _State
from bubble_lang.diagnostics import BubbleError
from bubble_lang.lalr_run import NoAction
from bubble_lang.lexer import tokenize
from bubble_lang.limits import DEFAULT_LIMITS
from bubble_lang.source import SourceFile

from .test_fuzz import CORPUS


def _both(source: SourceFile, tokens: list) -> tuple[object, object]:
    """(lean result or NoAction, Lark result or UnexpectedToken), each with fresh builder state."""
    results = []
    for run, failure in ((_lean().parse, NoAction), (_lark().parse, UnexpectedToken)):
        reset = _STATE.set(_State(source, DEFAULT_LIMITS, []))
        try:
            results.append(run(list(tokens)))
        except failure:
            results.append(failure)
        except BubbleError as error:  # the builder refused something: both must, the same way
            results.append(tuple(error.diagnostics))
        finally:
            _STATE.reset(reset)
    return results[0], results[1]


def _tokens(text: str) -> tuple[SourceFile, list] | None:
    source = SourceFile("lean.bot", text)
    try:
        return source, tokenize(source)
    except BubbleError:
        return None


LEXED = [text for text in CORPUS if _tokens(text) is not None]  # lexical errors have no tokens to parse


def test_most_of_the_corpus_lexes() -> None:
    assert len(LEXED) > 100


@pytest.mark.parametrize("number", range(len(LEXED)))
def test_same_tree_on_the_corpus(number: int) -> None:
    lean, lark = _both(*_tokens(LEXED[number]))
    assert (lean is NoAction) == (lark is UnexpectedToken)
    assert lean is NoAction or lean == lark


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.integers(0, 10_000), st.sampled_from(["delete", "duplicate", "swap"]))
def test_same_outcome_on_mutated_tokens(text: str, where: int, how: str) -> None:
    found = _tokens(text)
    if found is None or len(found[1]) < 2:
        return
    source, tokens = found
    at = where % (len(tokens) - 1)
    if how == "delete":
        del tokens[at]
    elif how == "duplicate":
        tokens.insert(at, tokens[at])
    else:
        tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
    lean, lark = _both(source, tokens)
    assert (lean is NoAction) == (lark is UnexpectedToken)
    assert lean is NoAction or lean == lark
