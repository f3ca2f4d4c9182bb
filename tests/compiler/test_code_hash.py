"""A code object's hash identifies it across reloads (stored conversations name their frames by
it), so the compiler's fast spelling (`code_text` + `code_hash`, kept per shape of code by the
emitter) must give exactly `CodeObject.hash_of`, the definition."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubble_lang.diagnostics import BubbleError
from bubble_lang.engine.bot import load_bot
from bubble_lang.opcodes import CodeObject, code_hash, code_text

ROOT = Path(__file__).resolve().parents[2]
BOTS = [name for name in subprocess.run(["git", "ls-files", "*.bot"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.split() if not name.endswith(".test.bot")]


@pytest.mark.parametrize("name", BOTS)
def test_every_compiled_code_has_the_defined_hash(name: str, monkeypatch) -> None:
    monkeypatch.setenv("BUBBLE_NO_CACHE", "1")
    try:
        bot = load_bot(ROOT / name)
    except BubbleError:
        return  # a bot written to fail (error examples)
    assert bot.image.codes
    for code in bot.image.codes.values():
        assert all(type(value) is int for value in (*code.ops, *code.args))  # what code_text relies on
        assert code.code_hash == CodeObject.hash_of(code.ops, code.args, code.constants), code.name


_CONSTANTS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.tuples(inner, inner) | st.lists(inner, max_size=3).map(tuple), max_leaves=6)


@given(st.lists(st.integers(0, 200)), st.lists(st.integers(-(2**40), 2**40)), st.lists(_CONSTANTS, max_size=6))
def test_the_fast_spelling_is_the_definition(ops: list[int], args: list[int], constants: list) -> None:
    assert code_hash(code_text(tuple(ops), tuple(args)), tuple(constants)) == \
        CodeObject.hash_of(tuple(ops), tuple(args), tuple(constants))
