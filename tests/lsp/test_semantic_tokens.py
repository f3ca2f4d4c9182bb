"""Semantic tokens joined from per-block arrays equal the tokens of the whole file encoded at once,
and stay equal after edits (the per-block cache never hands out a stale block)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.lsp import semantic_tokens as st_tokens
from bubble_lang.lsp.positions import LineIndex
from bubble_lang.lsp.signature_help import call_at, statement_prefix

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.bot"))


def encoded_at_once(text: str) -> list[int]:
    marks = []
    for first, last in st_tokens._chunks(text):
        index = LineIndex(text)
        start = index.starts[first - 1]
        end = index.starts[last] if last < len(index.starts) else len(text)
        marks += [(kind, modifiers, a + start, b + start)
                  for kind, modifiers, a, b in st_tokens._chunk_marks(text[start:end], "x.bot")]
    return st_tokens._encode(marks, LineIndex(text))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_joined_blocks_equal_the_file_encoded_at_once(path: Path) -> None:
    text = path.read_text()
    assert st_tokens.semantic_tokens(text) == encoded_at_once(text)
    edited = text.replace("say", "say  ", 3).replace("\ndialog", "\n# a note\ndialog", 2)  # blocks move and change
    assert st_tokens.semantic_tokens(edited) == encoded_at_once(edited)


def test_a_range_is_the_blocks_it_touches() -> None:
    text = (ROOT / "samples" / "restaurant.bot").read_text()
    whole = st_tokens.semantic_tokens(text)
    lines = text.count("\n")
    assert st_tokens.semantic_tokens(text, lines=(0, lines)) == whole
    assert 0 < len(st_tokens.semantic_tokens(text, lines=(lines // 2, lines // 2))) < len(whole)


PIECES = ["dialog ", "task ", "main", " do\n", "end\n", "  say ", '"', "#{", "}", "join(", ")", ", ", "@menu",
          "# note\n", "\n", "x = ", "ask ", "expecting: ", "[1, 2]", ":atom", ".name", "invoke ", "'", "\\", "é", "😀"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=40))
def test_any_text_gets_tokens_inside_the_text_and_any_prefix_a_call_or_none(pieces: list[str]) -> None:
    """Typing produces every kind of broken text: tokens always lie inside the document (on a line,
    within it, positive length) and signature help never fails."""
    text = "".join(pieces)
    data = st_tokens.semantic_tokens(text)
    assert len(data) % 5 == 0
    lines = text.split("\n")
    line = char = 0
    for at in range(0, len(data), 5):
        delta_line, delta_char, length, kind, _ = data[at:at + 5]
        line, char = line + delta_line, (delta_char if delta_line else char + delta_char)
        assert 0 <= line < len(lines) and length > 0 and 0 <= kind < len(st_tokens.TOKEN_TYPES)
        assert char + length <= len(lines[line].encode("utf-16-le")) // 2
    call_at(text)
    statement_prefix(lines, len(lines) - 1, lines[-1])
