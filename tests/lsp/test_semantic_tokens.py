"""Semantic tokens joined from per-block arrays equal the tokens of the whole file encoded at once,
and stay equal after edits (the per-block cache never hands out a stale block)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubble_lang.lsp import semantic_tokens as st
from bubble_lang.lsp.positions import LineIndex

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.bot"))


def encoded_at_once(text: str) -> list[int]:
    marks = []
    for first, last in st._chunks(text):
        index = LineIndex(text)
        start = index.starts[first - 1]
        end = index.starts[last] if last < len(index.starts) else len(text)
        marks += st._chunk_marks(text, start, end, "x.bot")
    return st._encode(marks, LineIndex(text))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_joined_blocks_equal_the_file_encoded_at_once(path: Path) -> None:
    text = path.read_text()
    assert st.semantic_tokens(text) == encoded_at_once(text)
    edited = text.replace("say", "say  ", 3).replace("\ndialog", "\n# a note\ndialog", 2)  # blocks move and change
    assert st.semantic_tokens(edited) == encoded_at_once(edited)


def test_a_range_is_the_blocks_it_touches() -> None:
    text = (ROOT / "samples" / "restaurant.bot").read_text()
    whole = st.semantic_tokens(text)
    lines = text.count("\n")
    assert st.semantic_tokens(text, lines=(0, lines)) == whole
    assert 0 < len(st.semantic_tokens(text, lines=(lines // 2, lines // 2))) < len(whole)
