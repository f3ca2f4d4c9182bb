"""Positions at the protocol edge: LSP's 0-based lines and UTF-16 columns against bubble's
code-point offsets.

bubble counts columns in code points (`source.py`); LSP counts UTF-16 code units by default, so an
emoji in a `say` line (common in bot text) is two units wide in the editor and one character here.
Every position that crosses the wire goes through `LineIndex`, and nowhere else: the rest of the
server works on offsets. A client may ask for UTF-8 or UTF-32 columns instead (LSP 3.17
`positionEncodings`); pygls agrees on one at `initialize` and the server sets it here once
(`set_encoding`: one client per process). A position past the end of a line or of the text is clamped, never an
error (editors send such positions while the text is changing).
"""

from __future__ import annotations

import bisect

import attrs


def normalize(text: str) -> str:
    """The text as bubble reads a file: `\\r\\n` as `\\n` (`SourceFile.from_path` does the same,
    so offsets here and in `bubble lint` agree; line numbers and columns are unchanged)."""
    return text.replace("\r\n", "\n") if "\r" in text else text


_ENCODING = ["utf-16"]


def set_encoding(name: str) -> None:
    """The column unit agreed with the client: "utf-16" (LSP's default), "utf-8" or "utf-32"."""
    _ENCODING[0] = name if name in ("utf-8", "utf-16", "utf-32") else "utf-16"


def _char_units(char: str) -> int:
    encoding = _ENCODING[0]
    if encoding == "utf-16":
        return 2 if ord(char) > 0xFFFF else 1
    if encoding == "utf-8":
        return len(char.encode("utf-8", "surrogatepass"))
    return 1


def _units(text: str) -> int:
    """Columns of `text` in the agreed unit (UTF-16: characters beyond the BMP take two)."""
    if text.isascii() or _ENCODING[0] == "utf-32":
        return len(text)
    if _ENCODING[0] == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@attrs.frozen(eq=False)
class LineIndex:
    """Line starts of one text, for offset <-> (line, UTF-16 character) conversion."""

    text: str
    starts: tuple[int, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        starts = [0]
        find, append = self.text.find, starts.append
        index = find("\n")
        while index != -1:
            append(index + 1)
            index = find("\n", index + 1)
        object.__setattr__(self, "starts", tuple(starts))

    @classmethod
    def edited(cls, old: LineIndex, text: str, start: int, old_end: int, new_end: int) -> LineIndex:
        """The index of `text`, which is `old.text` with [start, old_end) replaced by
        text[start:new_end]: line starts outside the change are kept (shifted after it), so a
        keystroke in a 77,500-line file costs a few milliseconds, not a scan of the text."""
        delta = new_end - old_end
        keep = bisect.bisect_right(old.starts, start)
        after = bisect.bisect_right(old.starts, old_end)
        inside = []
        index = text.find("\n", start, new_end)
        while index != -1:
            inside.append(index + 1)
            index = text.find("\n", index + 1, new_end)
        made = cls.__new__(cls)
        object.__setattr__(made, "text", text)
        object.__setattr__(made, "starts", (*old.starts[:keep], *inside, *(s + delta for s in old.starts[after:])))
        return made

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """0-based line holding `offset` (clamped into the text)."""
        offset = max(0, min(offset, len(self.text)))
        return bisect.bisect_right(self.starts, offset) - 1

    def line_text(self, line: int) -> str:
        """0-based line's text without its newline ('' past the end)."""
        if line < 0 or line >= len(self.starts):
            return ""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line]:end]

    def position(self, offset: int) -> tuple[int, int]:
        """(0-based line, character in the agreed unit) of a code-point offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, _units(self.text[start:offset])

    def offset(self, line: int, character: int) -> int | None:
        """Code-point offset of an LSP position; None when the line is past the end of the text.
        A character past the end of its line gives the line's end."""
        if line < 0 or character < 0:
            return None
        if line >= len(self.starts):
            return None
        text = self.line_text(line)
        start = self.starts[line]
        if text.isascii() or _ENCODING[0] == "utf-32":
            return start + min(character, len(text))
        units = 0
        for index, char in enumerate(text):
            if units >= character:
                return start + index
            units += _char_units(char)
        return start + len(text)

    def end_position(self) -> tuple[int, int]:
        """The position just past the last character (for whole-document edits)."""
        return self.position(len(self.text))
