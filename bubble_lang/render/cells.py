"""Terminal cells under a source line (layer 2, used by the full renderer).

Input: one source line and code-point offsets into it. Output: the line made safe to print, and
rows of carets, connectors and padding that line up under it. `Span` columns count code points,
but terminals draw cells: wide CJK and emoji take two, combining marks none (`wcwidth`), and a tab
goes to a stop we cannot know, so tabs are copied into the row instead of guessed. Nothing here
may change how many code points a line has, or offsets would drift from what they point at.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from itertools import pairwise

import attrs
from wcwidth import wcswidth, wcwidth

_REPLACEMENT = "\ufffd"
# Bidi embeddings/overrides/isolates (the "Trojan Source" characters) and the Unicode line and
# paragraph separators would reorder or break the printed line while the carets stay put.
_HIDDEN = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029])


def display_line(text: str) -> str:
    """The line as it is safe to show: control and reordering characters become U+FFFD.

    A script is untrusted text; printing an escape sequence from it would let it restyle or
    rewrite the reader's terminal. The replacement keeps one code point per code point.
    """
    return "".join(_REPLACEMENT if _is_hidden(ch) else ch for ch in text)


def _is_hidden(ch: str) -> bool:
    if ch == "\t":
        return False
    return ord(ch) in _HIDDEN or unicodedata.category(ch) == "Cc"


def cell_width(text: str) -> int:
    """Cells a tab-free run takes in a terminal (emoji sequences count once when wcwidth can)."""
    width = wcswidth(text)
    if width >= 0:
        return width
    return sum(max(wcwidth(ch), 0) for ch in text)


def pad_to(text: str) -> str:
    """Blank space exactly as wide as `text`: tabs kept, every other cell a space."""
    return "\t".join(" " * cell_width(part) for part in text.split("\t"))


def fill_with(text: str, glyph: str) -> str:
    """`glyph` repeated across the cells of `text`, tabs copied so what follows still lines up.

    Never empty: a span over nothing visible (a tab, a combining mark) still gets one glyph.
    """
    run = "\t".join(glyph * cell_width(part) for part in text.split("\t"))
    return run if glyph in run else glyph


Style = Callable[[str], str]


def _plain(text: str) -> str:
    return text


@attrs.frozen
class Mark:
    """Glyphs to draw under the code points [start, end) of a line.

    `single` draws one glyph at the first cell only: a zero-width span's caret, or the `|`
    connector leading down to a label. A start at or past the line's end draws after the line.
    """

    start: int
    end: int
    glyph: str
    single: bool = False
    style: Style = _plain


def paint_row(line: str, marks: Sequence[Mark], *, limit: int | None = None) -> str:
    """A row to print under `line`, covering its first `limit` code points (all by default).

    Earlier marks win where marks overlap, so callers list the primary span first. Trailing
    blanks are kept: the caller may write a label after them.
    """
    stop = len(line) if limit is None else min(limit, len(line))
    inside = [m for m in marks if m.start < stop]
    cuts = {0, stop}
    for mark in inside:
        cuts.add(mark.start)
        cuts.add(min(mark.start + 1 if mark.single else mark.end, stop))
    out: list[str] = []
    for a, b in pairwise(sorted(cuts)):
        segment = line[a:b]
        mark = _covering(inside, a, b)
        if mark is None:
            out.append(pad_to(segment))
        elif mark.single:
            rest = "\t" if segment == "\t" else " " * (cell_width(segment) - 1)
            out.append(mark.style(mark.glyph) + rest)
        else:
            out.append(mark.style(fill_with(segment, mark.glyph)))
    if limit is None:
        beyond = [m for m in marks if m.start >= len(line)]
        if beyond:
            out.append(beyond[0].style(beyond[0].glyph))
    return "".join(out)


def _covering(marks: Sequence[Mark], a: int, b: int) -> Mark | None:
    for mark in marks:
        if mark.single:
            if mark.start == a:
                return mark
        elif mark.start <= a and b <= mark.end:
            return mark
    return None
