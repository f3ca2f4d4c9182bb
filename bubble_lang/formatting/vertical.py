"""The rules of `bubble fmt` that add or remove lines: one blank line between top-level
definitions, runs of blank lines collapsed to one, no blank line right after a line opening a
block or right before `end`/`else`/`after`, no blank lines at the start or end of the file, and a
statement longer than `LINE_LIMIT` columns broken before each option, one per line.

Why some of them are held back: an unnamed dialog is known by its line (`trigger@12` in
`dialog.stack` and `dialog.history`, SPEC §4), and conversations in a store keep those names, so a
line added or removed above one would rename it. A change is made only where no unnamed dialog
starts below it; the others are returned as `held` lines, for the command to say why.
"""

from __future__ import annotations

import attrs

from .lines import BLOCK_OPENERS, DEDENTED, Item, Line, Model, Token

LINE_LIMIT = 100  # columns; a longer statement with options is broken, one option per line
INDENT = "  "


@attrs.frozen
class Layout:
    text: str
    held: tuple[int, ...]  # lines where a change was held back (an unnamed dialog starts below)


def lay_out(model: Model, codes: list[tuple[str, list[int]]]) -> Layout:
    """The output text from each line's canonical code and token offsets (`codes[i]` for line
    i + 1, from `spacing.line_code`)."""
    lines = model.lines
    last_unnamed = max((dialog.line for dialog in model.unnamed), default=0)
    held: set[int] = set()

    def allowed(number: int) -> bool:
        """May the lines below line `number` move (a line added or removed at or after it)?"""
        if number < last_unnamed:
            held.add(number)
            return False
        return True

    blank = [not line.verbatim and not codes[index][0] for index, line in enumerate(lines)]
    remove = _blank_lines_to_remove(lines, blank)
    insert = _blank_lines_to_insert(model, blank)
    out: list[str] = []
    for index, line in enumerate(lines):
        number = line.number
        if line.verbatim:
            out.append(model.source.text[line.start:line.end])
        elif index in remove and allowed(number):
            continue
        else:
            code, offsets = codes[index]
            pieces = _broken(line, code, offsets) if _too_long(line, code, offsets) else [code]
            if len(pieces) > 1 and not allowed(number):
                pieces = [code]
            out.append(INDENT * line.indent + pieces[0] if code else "")
            out.extend(INDENT * (line.indent + 1) + piece for piece in pieces[1:])
        if index in insert and allowed(number):
            out.append("")
    while out and out[-1] == "":
        out.pop()  # blank lines at the end of the file (below everything: they name nothing)
    return Layout("\n".join(out) + "\n" if out else "", tuple(sorted(held)))


def _too_long(line: Line, code: str, offsets: list[int]) -> bool:
    """The statement on the line (its trailing comment aside) runs past `LINE_LIMIT` columns."""
    if len(INDENT * line.indent) + len(code) <= LINE_LIMIT or not offsets:
        return False
    last = [token for token in line.tokens if token.type != "_NL"][-1]
    width = len(", do:") if last.type == "COMMA_DO" else last.end_pos - last.start_pos
    return len(INDENT * line.indent) + offsets[-1] + width > LINE_LIMIT


def _blank_lines_to_remove(lines: list[Line], blank: list[bool]) -> set[int]:
    """Indexes of blank lines to drop: all but the first of a run, those at the start of the file,
    those right after a line opening a block and those right before one closing it."""
    remove: set[int] = set()
    count = len(lines)
    index = 0
    while index < count:
        if not blank[index]:
            index += 1
            continue
        end = index
        while end < count and blank[end]:
            end += 1
        run = range(index, end)
        above = lines[index - 1] if index > 0 else None
        below = lines[end] if end < count else None
        opens = above is not None and not above.verbatim and _opens_block(above)
        closes = below is not None and not below.verbatim and below.first is not None and below.first.type in DEDENTED
        if above is None or opens or closes:
            remove.update(run)
        else:
            remove.update(run[1:])
        index = end
    return remove


def _opens_block(line: Line) -> bool:
    """The line ends with `do`, `else` or `after` (its `_NL` aside), or `cond ->` with its body below."""
    kinds = [token.type for token in line.tokens if token.type != "_NL"]
    return bool(kinds) and (kinds[-1] in BLOCK_OPENERS or kinds[-1] == "ARROW")


def _blank_lines_to_insert(model: Model, blank: list[bool]) -> set[int]:
    """Indexes of lines after which a blank line goes: between two top-level definitions with no
    blank line between them (consecutive constants stay together, and so do consecutive one-line
    definitions such as `dialog trigger: "bye", do: close`)."""
    insert: set[int] = set()
    for before, after in zip(model.items, model.items[1:]):
        if before.last_line >= after.first_line or _grouped(before, after):
            continue
        if not any(blank[index] for index in range(before.last_line, after.first_line - 1)):
            insert.add(before.last_line - 1)
    return insert


def _grouped(before: Item, after: Item) -> bool:
    if before.kind == "constant" and after.kind == "constant":
        return True
    return before.kind == after.kind == "definition" and before.first_line == before.last_line \
        and after.first_line == after.last_line


def _broken(line: Line, code: str, offsets: list[int]) -> list[str]:
    """A long statement cut after each comma that precedes one of its options (`key: value`),
    or `[code]` when it has none or is not one whole statement on one line. `offsets` are where
    the line's tokens (`_NL` aside) start in `code`."""
    if not line.complete:
        return [code]
    tokens = [token for token in line.tokens if token.type != "_NL"]
    command = _command_index(tokens)
    if command is None:
        return [code]
    pieces: list[str] = []
    start = 0
    depth = 0
    for index in range(command + 1, len(tokens) - 1):
        kind = tokens[index].type
        if kind in _OPENING:
            depth += 1
        elif kind in _CLOSING:
            depth -= 1
        elif kind == "COMMA" and depth == 0 and tokens[index + 1].type == "KEY":
            pieces.append(code[start:offsets[index] + 1])
            start = offsets[index + 1]
    pieces.append(code[start:])
    return pieces


_OPENING = frozenset({"LPAR", "CALL_LPAR", "LSQB", "INDEX_LSQB", "MAP_START", "STR_START"})
_CLOSING = frozenset({"RPAR", "RSQB", "RBRACE", "STR_END"})


def _command_index(tokens: list[Token]) -> int | None:
    """The statement word (`say`, `ask`, …) when it starts the statement: first on the line, or
    after `name =`, `cond ->`, or the `do:` of a one-line dialog."""
    for index, token in enumerate(tokens):
        if token.type == "CMD":
            previous = tokens[index - 1].type if index else None
            return index if previous in (None, "ASSIGN", "ARROW", "COMMA_DO", "DO_COLON") else None
    return None
