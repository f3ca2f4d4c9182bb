""""Did you mean" stays cheap on big bots and still finds the nearest name (bubble_lang/spelling.py).

A tester's 16 KB bot with a few hundred unknown names took 23 s to lint: every unknown name was
compared with every known one. These tests count comparisons instead of timing them (DESIGN §6:
no timing asserts), and check the index against the plain search it replaced.
"""

from __future__ import annotations

import difflib
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bubble_lang import spelling
from bubble_lang.frontend import BotFiles, check_bot
from bubble_lang.spelling import COMPARED_AT_MOST, NameIndex, edit_distance, fold_name, nearest_name


def table_distance(a: str, b: str) -> int:
    """The edit table, row by row, with a swap of neighbours as one edit: what the bit-parallel
    distance must agree with."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def reference_nearest(word: str, candidates: list[str]) -> str | None:
    """The search every suggestion used before the index: each candidate compared in turn."""
    folded = fold_name(word)
    budget = len(folded) // 2
    best = None
    for candidate in candidates:
        other = fold_name(candidate)
        if not other or candidate == word:
            continue
        distance = table_distance(folded, other)
        if distance > budget:
            continue
        key = (distance, -difflib.SequenceMatcher(None, folded, other).ratio(), candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def count_comparisons(monkeypatch) -> list[int]:
    calls = [0]
    real = spelling.bounded_distance

    def counting(a: str, b: str, limit: int) -> int:
        calls[0] += 1
        return real(a, b, limit)

    monkeypatch.setattr(spelling, "bounded_distance", counting)
    return calls


def many_unknown_names_bot(count: int) -> str:
    """`count` dialogs, each invoking a misspelt dialog and reading a misspelt variable."""
    return "\n".join(
        f'dialog dialog_number_{i} do\n  say "hi #{{variabel_write_{i}}}"\n  invoke dialog_nmber_{i}\n'
        f"  variable_write_{i} = 1\nend\n"
        for i in range(count)
    )


def test_lint_compares_each_unknown_name_with_few_known_ones(tmp_path: Path, monkeypatch) -> None:
    spelling.name_index.cache_clear()
    path = tmp_path / "many.bot"
    path.write_text(many_unknown_names_bot(300), encoding="utf-8")
    calls = count_comparisons(monkeypatch)
    check = check_bot(BotFiles(root=tmp_path, scripts=(path,)))
    hints = [d.hint or "" for d in check.diagnostics]
    assert sum("did you mean `dialog_number_7`?" in hint for hint in hints) == 1
    assert sum("did you mean `variable_write_7`?" in hint for hint in hints) == 1
    # 600 unknown names against 300 names each: 180,000 comparisons before the index.
    assert calls[0] <= 600 * 20


def test_a_name_far_from_every_other_compares_at_most_the_cap(monkeypatch) -> None:
    names = [f"dialog_number_{i}" for i in range(5_000)]
    index = NameIndex(names)
    calls = count_comparisons(monkeypatch)
    assert index.nearest("checkout_payment") is None
    assert calls[0] <= COMPARED_AT_MOST + 20


def test_one_edit_is_found_exactly_in_a_big_set() -> None:
    names = [f"name_{i:05d}" for i in range(20_000)] + ["checkout"]
    assert nearest_name("chekcout", names) == "checkout"
    assert nearest_name("name_1234", names) == reference_nearest("name_1234", names)
    assert nearest_name("Name_01234", names) == "name_01234"


def test_the_word_itself_is_never_suggested() -> None:
    assert nearest_name("menu", ["menu"]) is None
    assert nearest_name("menu", ["menu", "Menu"]) == "Menu"


WORDS = st.text(alphabet="abcde_X", min_size=0, max_size=9)


@settings(max_examples=300, deadline=None)
@given(word=WORDS, candidates=st.lists(WORDS, max_size=30))
def test_the_index_finds_what_comparing_every_name_finds(word: str, candidates: list[str]) -> None:
    assert nearest_name(word, candidates) == reference_nearest(word, candidates)


def test_the_index_agrees_on_realistic_names() -> None:
    rng = random.Random(7)
    words = ["order", "checkout", "payment", "greeting", "menu", "pizza", "size", "topping", "address"]
    names = [f"{rng.choice(words)}_{rng.choice(words)}" for _ in range(200)]
    for name in names[:60]:
        typo = list(name)
        i = rng.randrange(len(typo))
        operation = rng.choice(["drop", "swap", "change", "double"])
        if operation == "drop":
            del typo[i]
        elif operation == "swap" and i + 1 < len(typo):
            typo[i], typo[i + 1] = typo[i + 1], typo[i]
        elif operation == "change":
            typo[i] = rng.choice("aeiouxyz")
        else:
            typo.insert(i, typo[i])
        word = "".join(typo)
        assert nearest_name(word, names) == reference_nearest(word, names), word


@settings(max_examples=500, deadline=None)
@given(a=st.text(alphabet="abcd", max_size=12), b=st.text(alphabet="abcd", max_size=12),
       limit=st.integers(min_value=0, max_value=12))
def test_the_bit_parallel_distance_is_the_table_distance(a: str, b: str, limit: int) -> None:
    expected = table_distance(a, b)
    assert edit_distance(a, b) == expected
    assert spelling.bounded_distance(a, b, limit) == (expected if expected <= limit else limit + 1)


def test_edit_distance_limits() -> None:
    assert spelling.bounded_distance("abcdef", "ghijkl", 2) > 2
    assert spelling.bounded_distance("lenght", "length", 1) == 1
    assert edit_distance("kitten", "sitting") == 3
