"""`bubble fmt --diff`: a unified diff of a script and its formatted text, in linear time.

Why not `difflib.unified_diff` alone: its matcher is quadratic in the number of matching runs, and
a formatted script matches its source in one run per dialog: 8,000 one-line dialogs took 22 s
and a 1 MB script never finished. Formatting never adds, removes or reorders top-level blocks
(`dialog`, `task`, `test`, `@name` at column 0), so the two texts are cut at their block starts
and each pair of blocks is compared on its own; the pieces' edits, put end to end, make one
edit script that `difflib` groups into hunks as usual. When the block counts differ (they never
should), the whole texts are compared as before.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..recovery import top_level_blocks

Opcode = tuple[str, int, int, int, int]


def unified_diff(before: str, after: str, name: str, context: int = 3) -> Iterator[str]:
    """The lines of a unified diff from `name` to `name (formatted)`, as `diff -u` writes them."""
    a, b = before.splitlines(True), after.splitlines(True)
    matcher = _Edits(a, b, _opcodes(before, after, a, b))
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number == 0:
            yield f"--- {name}\n"
            yield f"+++ {name} (formatted)\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in _ended(a[i1:i2]))
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in _ended(a[i1:i2]))
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in _ended(b[j1:j2]))


class _Edits(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """A matcher whose edit script is given (`get_grouped_opcodes` reads only `get_opcodes`)."""

    def __init__(self, a: list[str], b: list[str], opcodes: list[Opcode]):
        super().__init__(None, a, b, autojunk=False)
        self._given = opcodes

    def get_opcodes(self) -> list[Opcode]:  # type: ignore[override]
        return list(self._given)


def _opcodes(before: str, after: str, a: list[str], b: list[str]) -> list[Opcode]:
    """The edit script from `a` to `b`, block by block when both have the same blocks."""
    cuts_a = _cuts(before, len(a))
    cuts_b = _cuts(after, len(b))
    if len(cuts_a) != len(cuts_b):
        return difflib.SequenceMatcher(None, a, b).get_opcodes()
    merged: list[Opcode] = []
    for (start_a, end_a), (start_b, end_b) in zip(cuts_a, cuts_b):
        piece = difflib.SequenceMatcher(None, a[start_a:end_a], b[start_b:end_b]).get_opcodes()
        for tag, i1, i2, j1, j2 in piece:
            op = (tag, i1 + start_a, i2 + start_a, j1 + start_b, j2 + start_b)
            if merged and merged[-1][0] == tag == "equal":
                merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
            else:
                merged.append(op)
    return merged


def _cuts(text: str, count: int) -> list[tuple[int, int]]:
    """0-based line ranges: what comes before the first block, then each block."""
    starts = [first - 1 for first, _ in top_level_blocks(text) if first - 1 < count]
    bounds = [0, *[start for start in starts if start > 0], count]
    return [(bounds[index], bounds[index + 1]) for index in range(len(bounds) - 1)]


def _ended(lines: list[str]) -> list[str]:
    """Lines of a diff each end with a newline (the last line of a file may lack one)."""
    return [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]


def _range(start: int, stop: int) -> str:
    """`start,length` of a hunk, 1-based, as `diff -u` writes it."""
    length = stop - start
    beginning = start + 1
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"
