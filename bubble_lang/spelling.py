"""Nearest-name search for every "did you mean" hint (layer 1): statements, options, dialogs,
constants, builtins, entity kinds, date directives.

Input: a misspelt name and the known names. Output: the nearest known name, or None. Names are
compared with case and `_` folded (`sortBy` ~ `sort_by`), and a suggestion must lie within half
the folded length of the misspelt name (an edit distance that counts a swap of two neighbours as
one edit), so `lenght` finds `length`, `x` finds nothing, and the `__` of special names buys no
extra edits (`__root__` does not suggest `start`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def fold_name(name: str) -> str:
    """The form names are compared in: lower case, without `_`."""
    return name.lower().replace("_", "")


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours needed to turn `a` into `b`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def nearest_name(word: str, candidates: Iterable[str]) -> str | None:
    """The known name closest to `word`, if one lies within half its length; ties go to the
    one `difflib` finds most similar, then to the alphabetically first."""
    folded = fold_name(word)
    budget = len(folded) // 2
    best: tuple[int, float, str] | None = None
    for candidate in candidates:
        other = fold_name(candidate)
        if not other or candidate == word:
            continue
        distance = edit_distance(folded, other)
        if distance > budget:
            continue
        key = (distance, -difflib.SequenceMatcher(None, folded, other).ratio(), candidate)
        if best is None or key < best:
            best = key
    return best[2] if best else None
