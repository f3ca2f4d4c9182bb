"""Nearest-name search for every "did you mean" hint (layer 1): statements, options, dialogs,
constants, builtins, entity kinds, date directives.

Input: a misspelt name and the known names. Output: the nearest known name, or None. Names are
compared with case and `_` folded (`sortBy` ~ `sort_by`), and a suggestion must lie within half
the folded length of the misspelt name (an edit distance that counts a swap of two neighbours as
one edit), so `lenght` finds `length`, `x` finds nothing, and the `__` of special names buys no
extra edits (`__root__` does not suggest `start`). Ties go to the name `difflib` finds most
similar, then to the alphabetically first.

Why an index: a lint run asks for a suggestion for every unknown name, and a big bot has many
names and may have many unknown ones; comparing each with each made `bubble lint` quadratic (23 s
on a 16 KB file). A `NameIndex` is built once per set of names (the last few sets are cached) and
answers in time that does not grow with the set:

- names within one edit (the common typo) are found exactly, through a table of every name with
  one character deleted (two names are within one edit only if deleting at most one character
  from each makes them equal), whatever the size of the set;
- farther names are tried in the order they are likely to be near (names sorting next to the word
  forwards or backwards, then nearest lengths first), and a search computes at most
  `COMPARED_AT_MOST` distances. A set no larger than that is searched exhaustively, so a bot with
  fewer names gets exactly the nearest one; a bigger set may miss a suggestion two or more edits
  away, never one within one edit.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
from collections.abc import Iterable, Iterator

COMPARED_AT_MOST = 100
"""Names whose distance is computed for a word two or more edits from every known name."""
LOOKED_AT_MOST = 1_000
"""Names whose characters are looked at for such a word (the cheap test before the distance)."""
NEIGHBOURS = 32
"""Of those, the names sorting next to the word, forwards and backwards, tried first."""


def fold_name(name: str) -> str:
    """The form names are compared in: lower case, without `_`."""
    return name.lower().replace("_", "")


def edit_distance(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours needed to turn `a` into `b`."""
    return bounded_distance(a, b, len(a) + len(b))


def bounded_distance(a: str, b: str, limit: int) -> int:
    """`edit_distance(a, b)` when it is at most `limit`, else `limit + 1`.

    Hyyrö's bit-parallel algorithm for this distance (2003; the one rapidfuzz uses for "optimal
    string alignment"): a column of the edit table is a few integer operations on bit masks, so
    comparing two names costs a few microseconds instead of a table of Python loops."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    while a and b and a[0] == b[0]:  # a shared beginning or ending never changes the distance
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    if not a or not b:
        distance = len(a) + len(b)
        return distance if distance <= limit else limit + 1
    positions: dict[str, int] = {}
    for index, char in enumerate(a):
        positions[char] = positions.get(char, 0) | (1 << index)
    full = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    plus, minus, diagonal, previous_match = full, 0, 0, 0
    distance = len(a)
    remaining = len(b)
    for char in b:
        match = positions.get(char, 0)
        swapped = (((~diagonal) & match) << 1) & previous_match
        diagonal = ((((match & plus) + plus) ^ plus) | match | minus | swapped) & full
        horizontal_plus = (minus | ~(diagonal | plus)) & full
        horizontal_minus = diagonal & plus
        if horizontal_plus & last:
            distance += 1
        elif horizontal_minus & last:
            distance -= 1
        remaining -= 1
        if distance - remaining > limit:
            return limit + 1
        horizontal_plus = ((horizontal_plus << 1) | 1) & full
        horizontal_minus = (horizontal_minus << 1) & full
        plus = (horizontal_minus | ~(diagonal | horizontal_plus)) & full
        minus = horizontal_plus & diagonal
        previous_match = match
    return distance if distance <= limit else limit + 1


class NameIndex:
    """A set of known names prepared for many nearest-name look-ups (see the module docstring)."""

    def __init__(self, names: Iterable[str]) -> None:
        self._originals: dict[str, list[str]] = {}
        for name in sorted(set(names)):
            folded = fold_name(name)
            if folded:
                self._originals.setdefault(folded, []).append(name)
        self._by_length: dict[int, list[str]] = {}
        self._by_length_first: dict[tuple[int, str], list[str]] = {}
        self._deleted: dict[str, list[str]] = {}
        for folded in self._originals:  # sorted already
            self._by_length.setdefault(len(folded), []).append(folded)
            self._by_length_first.setdefault((len(folded), folded[0]), []).append(folded)
            for variant in _one_deleted(folded):
                self._deleted.setdefault(variant, []).append(folded)
        self._sorted = list(self._originals)
        self._reversed = sorted(folded[::-1] for folded in self._originals)
        self._bits: dict[str, int] = {}
        self._masks = {folded: self._mask(folded)[0] for folded in self._originals}

    def _mask(self, text: str) -> tuple[int, int]:
        """A bit per distinct character of `text` (bits are handed out as the index meets new
        characters, never at look-up), and how many of its characters no known name has."""
        mask = unknown = 0
        for char in set(text):
            bit = self._bits.get(char)
            if bit is None and not hasattr(self, "_masks"):
                bit = self._bits[char] = len(self._bits)
            if bit is None:
                unknown += 1
            else:
                mask |= 1 << bit
        return mask, unknown

    def __len__(self) -> int:
        return len(self._originals)

    def nearest(self, word: str) -> str | None:
        """The known name closest to `word`, other than `word` itself, within half its folded
        length; None when there is none."""
        folded = fold_name(word)
        budget = len(folded) // 2
        close: dict[str, int] = {}
        for variant in _one_deleted(folded):
            for other in self._deleted.get(variant, ()):
                if other not in close and self._original(other, word) is not None:
                    close[other] = bounded_distance(folded, other, 1)
        found = {other: distance for other, distance in close.items() if distance <= min(budget, 1)}
        if not found and budget >= 2:
            found = self._search_farther(folded, word, budget)
        if not found:
            return None
        best = min(found.values())
        ties = [other for other, distance in found.items() if distance == best]
        chosen = min(ties, key=lambda other: (-difflib.SequenceMatcher(None, folded, other).ratio(),
                                              self._original(other, word)))
        return self._original(chosen, word)

    def _original(self, folded: str, word: str) -> str | None:
        """The first name written as `folded` that is not `word` itself."""
        for name in self._originals[folded]:
            if name != word:
                return name
        return None

    def _search_farther(self, folded: str, word: str, budget: int) -> dict[str, int]:
        """Names two or more edits away, tried in the order they are likely to be near: the names
        that sort next to `folded` (a shared beginning) or next to it written backwards (a shared
        ending), then by length, nearest lengths first and the same first letter first. A name's
        distance is computed only when the characters one of the two has and the other lacks
        leave room for it to be as near as the best so far (each such character costs at least
        one edit); at most `COMPARED_AT_MOST` distances and `LOOKED_AT_MOST` names in all."""
        found: dict[str, int] = {}
        best = budget
        seen: set[str] = set()
        mask, unknown = self._mask(folded)
        compared = 0

        def compare(other: str) -> None:
            nonlocal best, compared
            if other in seen:
                return
            seen.add(other)
            theirs = self._masks[other]
            if max((mask & ~theirs).bit_count() + unknown, (theirs & ~mask).bit_count()) > best:
                return
            if self._original(other, word) is None:
                return
            compared += 1
            distance = bounded_distance(folded, other, best)
            if distance <= best:
                found[other] = distance
                best = distance

        for other in self._neighbours(folded):
            if abs(len(other) - len(folded)) <= best:
                compare(other)
        for other in self._by_nearest_length(folded, budget):
            if compared >= COMPARED_AT_MOST or len(seen) >= LOOKED_AT_MOST \
                    or abs(len(other) - len(folded)) > best:
                break  # nearest lengths come first: no later name can be nearer or tie
            compare(other)
        return {other: distance for other, distance in found.items() if distance <= best}

    def _neighbours(self, folded: str) -> Iterator[str]:
        """Up to `NEIGHBOURS` names sorting around `folded`, then as many around it reversed."""
        half = NEIGHBOURS // 2
        at = bisect.bisect_left(self._sorted, folded)
        yield from self._sorted[max(at - half, 0):at + half]
        at = bisect.bisect_left(self._reversed, folded[::-1])
        for other in self._reversed[max(at - half, 0):at + half]:
            yield other[::-1]

    def _by_nearest_length(self, folded: str, budget: int) -> Iterator[str]:
        """Every name within `budget` characters of `folded`'s length, nearest lengths first,
        names with the same first letter first within a length."""
        first = folded[:1]
        for delta in range(budget + 1):
            lengths = sorted({len(folded) - delta, len(folded) + delta})
            for length in lengths:
                yield from self._by_length_first.get((length, first), ())
            for length in lengths:
                yield from (other for other in self._by_length.get(length, ()) if other[0] != first)


def _one_deleted(text: str) -> set[str]:
    """`text` and every text made by deleting one of its characters."""
    return {text, *(text[:i] + text[i + 1:] for i in range(len(text)))}


@functools.lru_cache(maxsize=8)
def name_index(names: frozenset[str]) -> NameIndex:
    """The index of a set of names, kept for the next look-ups in the same set (a lint run asks
    about many unknown names against the same dialogs, constants or variables)."""
    return NameIndex(names)


def nearest_name(word: str, candidates: Iterable[str]) -> str | None:
    """The known name closest to `word`, if one lies within half its length (other than `word`
    itself); ties go to the one `difflib` finds most similar, then to the alphabetically first."""
    return name_index(frozenset(candidates)).nearest(word)
