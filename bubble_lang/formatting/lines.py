"""The line model of `bubble fmt`: which tokens start on each line, which lines are string text,
how deep each line is indented, where top-level definitions begin and end, and which dialogs are
unnamed.

Why from tokens and not from the syntax tree: layout is about lines, brackets and `do … end`
nesting, which the tokens show directly, with comments and blank lines in between; the tree has
dropped all of that. Why one model shared by the other passes: spacing (`spacing.py`) and the
vertical rules (`vertical.py`) both need to know which lines are never touched (the text of a
multi-line string) and where statements start, and computing that twice could disagree.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..source import SourceFile

Token = Any  # lark.Token, positioned (start_pos/end_pos), as `lexer.tokenize` makes them

OPENERS = frozenset({"LPAR", "CALL_LPAR", "LSQB", "INDEX_LSQB", "MAP_START"})
CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})
DEDENTED = frozenset({"END", "ELSE", "AFTER"})  # at their block's level: `end`, `else`, `once … after`
BLOCK_OPENERS = frozenset({"DO", "ELSE", "AFTER"})  # a line ending in one opens a block below it
# After these (or at the start of the file) the next token starts a statement; after any other
# token a line that begins outside brackets continues the statement above (SPEC §2: after a
# trailing comma or binary operator).
STATEMENT_BOUNDARIES = frozenset({"_NL", "DO", "ELSE", "AFTER", "ARROW"})
DEFINITIONS = frozenset({"DIALOG", "TASK", "TEST"})
# How an unnamed dialog is named (`trigger@12`), in the order `program.DialogInfo.kind` tries them.
DIALOG_KINDS = ("trigger", "label", "event", "location", "attachment")


@attrs.define(eq=False)
class Line:
    """One physical line of the original text (1-based `number`)."""

    number: int
    start: int  # offset of its first character
    end: int  # offset of its newline (or of the end of the text)
    tokens: list[Token] = attrs.field(factory=list)  # tokens that start on it, `_NL` included
    verbatim: bool = False  # begins inside a string (or another multi-line token): never touched
    ends_inside: bool = False  # its end is inside a string: no trailing spaces may be removed
    indent: int = 0  # in levels of two spaces
    statement_start: bool = False  # its first token starts a statement
    complete: bool = False  # it holds a whole statement, from its start to its end of line

    @property
    def first(self) -> Token | None:
        for token in self.tokens:
            if token.type != "_NL":
                return token
        return None

    @property
    def last_type(self) -> str | None:
        """The type of its last token (`_NL` when a statement ends on it)."""
        return self.tokens[-1].type if self.tokens else None


@attrs.frozen
class Item:
    """A top-level definition: `kind` is "definition" (dialog, task, test) or "constant"."""

    kind: str
    first_line: int
    last_line: int


@attrs.frozen
class Unnamed:
    """A dialog without a name, known to conversations as `kind@line` (SPEC §4)."""

    kind: str
    line: int

    @property
    def display_name(self) -> str:
        return f"{self.kind}@{self.line}"


@attrs.define(eq=False)
class Model:
    source: SourceFile
    lines: list[Line]
    items: list[Item]
    unnamed: list[Unnamed]


def build_model(source: SourceFile, tokens: list[Token]) -> Model:
    """Assign tokens to lines, mark string text, then indent and find definitions."""
    text = source.text
    starts = source.line_starts
    lines = [Line(number, start, (starts[number] - 1) if number < len(starts) else len(text))
             for number, start in enumerate(starts, 1)]
    index = 0
    count = len(lines)
    for token in tokens:
        position = token.start_pos
        while index + 1 < count and starts[index + 1] <= position:
            index += 1
        lines[index].tokens.append(token)
    _mark_string_text(text, lines)
    items, unnamed = _indent_and_structure(lines)
    return Model(source, lines, items, unnamed)


def _mark_string_text(text: str, lines: list[Line]) -> None:
    """Lines that begin inside a string (its text or an interpolation) or a multi-line token."""
    depth = 0  # strings open at the start of the line (interpolations hold strings of their own)
    for number, line in enumerate(lines):
        line.verbatim = line.verbatim or depth > 0
        for token in line.tokens:
            kind = token.type
            if kind == "STR_START":
                depth += 1
            elif kind == "STR_END":
                depth -= 1
            if token.end_pos > line.end + 1 and text.find("\n", token.start_pos, token.end_pos) != -1:
                last = text.count("\n", token.start_pos, token.end_pos - 1)  # lines it runs into
                for later in lines[number + 1:number + 1 + last]:
                    later.verbatim = True
        line.ends_inside = depth > 0 or any(token.end_pos > line.end + 1 for token in line.tokens)


def _indent_and_structure(lines: list[Line]) -> tuple[list[Item], list[Unnamed]]:
    """Indentation levels, the top-level definitions and the unnamed dialogs, in one walk."""
    walk = _Walk()
    for line in lines:
        if not line.verbatim:
            walk.indent(line)
        walk.advance(line)
    return walk.items, walk.unnamed


class _Walk:
    """The state between lines: open blocks, `branch` arm bodies, brackets, the statement in
    progress and the top-level definition in progress.

    A line's level: its block depth (one less for `end`/`else`/`after`), plus one when it
    continues a statement broken outside brackets, plus one per earlier line that opened a
    bracket still open (closers at the start of the line close first), so brackets opened
    together on one line count once.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.arms: list[int] = []  # depths of `branch` arms whose body is on the lines below their `->`
        self.brackets: list[int] = []  # for each open bracket, the line that opened it
        self.continued = False  # the statement in progress was broken outside brackets
        self.previous: str | None = None  # type of the last token seen (`_NL` included)
        self.item: tuple[str, int] | None = None  # the top-level definition in progress: (kind, first line)
        self.items: list[Item] = []
        self.unnamed: list[Unnamed] = []

    def indent(self, line: Line) -> None:
        first = line.first
        goes_on = self.previous is not None and self.previous not in STATEMENT_BOUNDARIES
        if first is None:  # a comment or blank line: the level of what would come next
            line.indent = self.depth + (1 if self.continued or (goes_on and not self.brackets) else 0) + \
                len(set(self.brackets))
            return
        if not self.brackets and self.arms and self.arms[-1] == self.depth - 1 and (
                first.type in DEDENTED or any(token.type == "ARROW" for token in line.tokens)):
            self.arms.pop()  # the next arm (or the branch's end) closes the body of the one before
            self.depth -= 1
        if goes_on and not self.brackets:
            self.continued = True
        still_open = list(self.brackets)
        for token in line.tokens:
            if token.type not in CLOSERS or not still_open:
                break
            still_open.pop()
        level = self.depth - 1 if first.type in DEDENTED else self.depth
        line.indent = max(0, level + (1 if self.continued else 0) + len(set(still_open)))
        line.statement_start = not goes_on and not self.brackets
        if line.statement_start and self.depth == 0 and self.item is None:
            if first.type in DEFINITIONS:
                self.item = ("definition", line.number)
            elif first.type == "CONST_DEF":
                self.item = ("constant", line.number)
        line.complete = line.statement_start and line.last_type == "_NL" and not line.ends_inside and \
            sum(1 for token in line.tokens if token.type == "_NL") == 1

    def advance(self, line: Line) -> None:
        """The state after the line's tokens."""
        tokens = line.tokens
        depth, brackets, continued, item = self.depth, self.brackets, self.continued, self.item
        for position, token in enumerate(tokens):
            kind = token.type
            if kind == "DO":
                depth += 1
                continued = False
            elif kind == "END":
                depth = max(0, depth - 1)
                while self.arms and self.arms[-1] >= depth:
                    self.arms.pop()
            elif kind in OPENERS:
                brackets.append(line.number)
            elif kind in CLOSERS:
                if brackets:
                    brackets.pop()
            elif kind == "_NL":
                continued = False
                if depth == 0 and not brackets and item is not None:
                    self.items.append(Item(item[0], item[1], line.number))
                    item = None
            elif kind in STATEMENT_BOUNDARIES:
                continued = False
            elif kind == "DIALOG":
                _note_unnamed(tokens, position, line.number, self.unnamed)
        if tokens:
            self.previous = tokens[-1].type
        if not brackets and len(tokens) > 1 and tokens[-1].type == "_NL" and tokens[-2].type == "ARROW":
            self.arms.append(depth)  # `cond ->` with its body on the lines below
            depth += 1
        self.depth, self.continued, self.item = depth, continued, item


def _note_unnamed(tokens: list[Token], position: int, number: int, unnamed: list[Unnamed]) -> None:
    """A `dialog` not followed by its name: named `kind@line` after its first header option."""
    following = tokens[position + 1:]
    if following and following[0].type == "NAME":
        return
    keys = set()
    for token in following:
        if token.type in ("DO", "COMMA_DO", "DO_COLON", "WHEN"):
            break
        if token.type == "KEY":
            keys.add(token.value[:-1])
    kind = next((key for key in DIALOG_KINDS if key in keys), "named")
    unnamed.append(Unnamed(kind, number))
