"""Where each key of a `bubble.toml` is written (layer 2), so a bad setting is reported at its key
or value, not at line 1.

Input: the text of a `bubble.toml`, before `tomllib` reads it (any text: it never fails). Output: for a
key path such as `("bot", "timezone")` or `("extensions", "search", "url")`, the offsets of the key
and of its value; for a table path, its `[header]`. It understands what a config file uses:
`[table]` and `[[array]]` headers, dotted and quoted keys, the four kinds of strings, arrays,
inline tables and comments; and how many parts the longest dotted key has (`tomllib` takes time
quadratic in that, so the config refuses a key nested deeper than values may be before reading).
It never evaluates a value (`tomllib` does that) and never recurses deeper than `nesting`, so a
hostile file cannot blow the stack here.
"""

from __future__ import annotations

import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]\}\n#]")

Offsets = tuple[int, int]
_RECORDED = 4  # enclosing tables are written down this deep (the config reads three levels)


def nesting_overflow(text: str, limit: int) -> int | None:
    """The offset of the first `[` or `{` that opens more than `limit` levels (strings and
    comments skipped), or None. Run before `tomllib`, which recurses once per level."""
    depth = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in "\"'":
            index = _skip_string(text, index)
            continue
        if char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if char in "[{":
            depth += 1
            if depth > limit:
                return index
        elif char in "]}":
            depth = max(depth - 1, 0)
        index += 1
    return None


def _skip_string(text: str, index: int) -> int:
    """The offset just past the string starting at `index` (its end of text when unclosed)."""
    quote = text[index]
    if text.startswith(quote * 3, index):
        end = text.find(quote * 3, index + 3)
        if end < 0:
            return len(text)
        end += 3
        while end < len(text) and text[end] == quote:  # `""""x""""` ends on the last quotes
            end += 1
        return end
    index += 1
    while index < len(text) and text[index] != "\n":
        if text[index] == "\\" and quote == '"':
            index += 2
            continue
        if text[index] == quote:
            return index + 1
        index += 1
    return index


class ConfigPositions:
    """The positions of the keys, values and table headers of one `bubble.toml`."""

    def __init__(self, text: str, nesting: int = 64) -> None:
        self.text = text
        self._nesting = nesting
        self.keys: dict[tuple[str, ...], Offsets] = {}
        self.values: dict[tuple[str, ...], Offsets] = {}
        self.tables: dict[tuple[str, ...], Offsets] = {}
        self.deepest_key: tuple[int, int] = (0, 0)
        """The most parts a key or `[header]` path has, and the offset of the first such one."""
        self._scan()

    def _note_depth(self, parts: int, offset: int) -> None:
        if parts > self.deepest_key[0]:
            self.deepest_key = (parts, offset)

    # -- answers ---------------------------------------------------------------------------------
    def key(self, path: tuple[str, ...]) -> Offsets:
        """The key at `path` (or its `[header]` when it is a table: an unknown section points
        at its own header), else the nearest enclosing table or key that is written down."""
        return self.keys.get(path) or self.tables.get(path) or self._enclosing(path)

    def value(self, path: tuple[str, ...]) -> Offsets:
        """The value at `path`, else where its key or table is."""
        return self.values.get(path) or self.key(path)

    def table(self, path: tuple[str, ...]) -> Offsets:
        """The `[header]` of a table (or the key holding it as an inline table)."""
        return self.tables.get(path) or self.keys.get(path) or self._enclosing(path)

    def _enclosing(self, path: tuple[str, ...]) -> Offsets:
        for cut in range(len(path) - 1, 0, -1):
            found = self.tables.get(path[:cut]) or self.keys.get(path[:cut])
            if found:
                return found
        return (0, 0)

    # -- scanning --------------------------------------------------------------------------------
    def _scan(self) -> None:
        text, index, table = self.text, 0, ()
        while index < len(text):
            index = self._skip_blank(index, newlines=True)
            if index >= len(text):
                break
            char = text[index]
            if char == "[":
                index, table = self._header(index)
            else:
                index = self._key_value(index, table, 0)
            end = text.find("\n", index)
            index = len(text) if end < 0 else end + 1

    def _skip_blank(self, index: int, *, newlines: bool) -> int:
        text = self.text
        while index < len(text):
            char = text[index]
            if char in " \t\r" or (newlines and char == "\n"):
                index += 1
            elif char == "#" and newlines:
                end = text.find("\n", index)
                index = len(text) if end < 0 else end
            else:
                break
        return index

    def _header(self, index: int) -> tuple[int, tuple[str, ...]]:
        start = index
        index += 2 if self.text.startswith("[[", index) else 1
        parts, index = self._dotted_key(index)
        close = self.text.find("]", index)
        end = len(self.text) if close < 0 else close + (2 if self.text.startswith("]]", close) else 1)
        self._note_depth(len(parts), start)
        self.tables.setdefault(tuple(parts), (start, end))
        return end, tuple(parts)

    def _dotted_key(self, index: int) -> tuple[list[str], int]:
        """The parts of a (dotted, maybe quoted) key at `index`, and the offset just past it."""
        parts: list[str] = []
        text = self.text
        end = index
        while index < len(text):
            index = self._skip_blank(index, newlines=False)
            if index < len(text) and text[index] in "\"'":
                end = _skip_string(text, index)
                parts.append(text[index + 1:end - 1])
                index = end
            else:
                match = _BARE_KEY.match(text, index)
                if not match:
                    break
                parts.append(match.group())
                index = match.end()
            end = index
            index = self._skip_blank(index, newlines=False)
            if index < len(text) and text[index] == ".":
                index += 1
                continue
            break
        return parts, end

    def _key_value(self, index: int, table: tuple[str, ...], depth: int) -> int:
        """Record one `key = value` at `index` (under `table`); the offset past the value."""
        start = index
        parts, index = self._dotted_key(index)
        if not parts:
            return index
        key_end = index
        path = table + tuple(parts)
        self._note_depth(len(path), start)
        for cut in range(len(table) + 1, min(len(path), _RECORDED)):  # `a.b = 1` also writes down table `a`
            self.keys.setdefault(path[:cut], (start, key_end))
        self.keys.setdefault(path, (start, key_end))
        index = self._skip_blank(index, newlines=False)
        if index < len(self.text) and self.text[index] == "=":
            index = self._skip_blank(index + 1, newlines=False)
            value_start = index
            index = self._value(index, path, depth)
            self.values.setdefault(path, (value_start, max(index, value_start + 1)))
        return index

    def _value(self, index: int, path: tuple[str, ...], depth: int) -> int:
        text = self.text
        if index >= len(text):
            return index
        char = text[index]
        if char in "\"'":
            return _skip_string(text, index)
        if char not in "[{" or depth >= self._nesting:
            match = _SCALAR_END.search(text, index)
            end = len(text) if match is None else match.start()
            while end > index and text[end - 1] in " \t\r":
                end -= 1
            return end
        closer = "]" if char == "[" else "}"
        index += 1
        while index < len(text):
            index = self._skip_blank(index, newlines=True)
            if index >= len(text) or text[index] == closer:
                return min(index + 1, len(text))
            if text[index] == ",":
                index += 1
                continue
            before = index
            if closer == "}":
                index = self._key_value(index, path, depth + 1)
            else:
                index = self._value(index, path, depth + 1)
            if index <= before:  # not TOML after all: step on rather than loop
                index = before + 1
        return index
