"""Spacing within a line, for `bubble fmt`: one space around binary operators, after commas and
after `key:`; none inside brackets, around `.`, before a call's `(` or an index's `[`, or after a
unary `-`/`!`; two spaces before a trailing comment. No alignment is kept: like black's, the
canonical form does not depend on what the author lined up.

Why the rules look at token kinds rather than at characters: the lexer decides some things by
spacing (`f(x)` calls, `f (x)` passes a parenthesised value; `x: 1` is an option, `x : 1` a map
entry keyed by a variable; `say -1` is a statement, `say - 1` a subtraction), so every gap that
decides a token keeps the spacing that gives the same token. The caller checks it anyway: the
result must tokenize to the same kinds and values (`safety.py`).

Never touched: the text of strings, including the code inside `#{…}` (it is part of the string as
written), the content of comments, and every line that begins inside a string.
"""

from __future__ import annotations

import re

from ..lexer import POSTFIX_OPENERS
from .lines import Line, Token

# No space before these: `a, b`, `f(x)`, `xs[0]`, `user.name`, `(x)`, `[1]`, `%{a: 1}`, `, do:`.
TIGHT_BEFORE = frozenset({"COMMA", "RPAR", "RSQB", "RBRACE", "CALL_LPAR", "INDEX_LSQB", "DOT", "COMMA_DO"})
# No space after these: `(x`, `[x`, `%{a`, `.name`, `!done`, `_"text"`.
TIGHT_AFTER = frozenset({"LPAR", "CALL_LPAR", "LSQB", "INDEX_LSQB", "MAP_START", "DOT", "BANG", "TRANSLATE"})
# A `-` after one of these subtracts; after anything else it negates (and stays tight: `-1`).
VALUE_ENDS = frozenset({"NAME", "NUMBER", "STRING", "STR_END", "RPAR", "RSQB", "RBRACE", "CONST", "ATOM",
                        "TRUE", "FALSE", "NIL"})
# Tokens that a `:` right after cannot join into an option key (`x:`): they are not scanned as words.
NOT_WORDS = frozenset({"NUMBER", "ATOM", "CONST", "STRING", "STR_END", "RPAR", "RSQB", "RBRACE"})
_SPACES = re.compile(r"[ \t\f\r]+")


def line_code(text: str, line: Line, last: str | None) -> tuple[str, list[int]]:
    """The line without its indentation, spaced canonically (string text and comments as written),
    and where each of its tokens (`_NL` aside) starts in that text.

    `last` is the type of the token before the line's first. A line that ends inside a
    multi-line string keeps the rest of it byte for byte (trailing spaces there are part of the
    string).
    """
    pieces: list[str] = []
    offsets: list[int] = []
    length = 0
    previous: Token | None = None  # the last token on this line other than `_NL`
    before_previous = None  # type of the token just before `previous` (`_NL` included)
    strings = 0  # strings open: their gaps (the code in `#{…}`) stay as written
    for token in line.tokens:
        kind = token.type
        if kind == "_NL":
            last = kind
            continue
        if previous is None:
            gap = text[line.start:token.start_pos].strip()
            gap = gap + " " if gap else ""  # a `;` at the start of the line
        elif strings:
            gap = text[previous.end_pos:token.start_pos]
        else:
            gap = _gap(text, previous, token, before_previous)
        offsets.append(length + len(gap))
        if token.end_pos > line.end:  # a string (or `,\n do:`) running on to the next lines
            pieces += (gap, text[token.start_pos:line.end])
            return "".join(pieces), offsets
        value = ", do:" if kind == "COMMA_DO" else text[token.start_pos:token.end_pos]
        pieces += (gap, value)
        length += len(gap) + len(value)
        if kind == "STR_START":
            strings += 1
        elif kind == "STR_END":
            strings -= 1
        before_previous, last = last, kind
        previous = token
    rest = text[previous.end_pos if previous is not None else line.start:line.end]
    pieces.append(rest if strings else _tail(rest, previous is not None))  # in `#{…}`: as written
    return "".join(pieces), offsets


def _gap(text: str, previous: Token, token: Token, before: str | None) -> str:
    """The spacing between two tokens of one line; a gap holding a `;` keeps it, tight to the left."""
    written = text[previous.end_pos:token.start_pos]
    if written and not written.isspace():
        return _SPACES.sub(" ", written.strip()) + " "  # `a; b`
    left, right = previous.type, token.type
    if right in ("LPAR", "LSQB") and left in POSTFIX_OPENERS:
        return " "  # `show location [..]`, `f (x)`: without the space they would index or call
    if left == "CMD" and right == "LPAR" and not written:
        return ""  # `show(contact(…))` as written
    if right in TIGHT_BEFORE or left in TIGHT_AFTER:
        return ""
    if right == "COLON":  # a map entry `"key": value`; after a word the space keeps it from being `key:`
        return "" if left in NOT_WORDS else " "
    if left == "MINUS" and before not in VALUE_ENDS:
        return ""  # a unary minus
    return " "


def _tail(rest: str, after_code: bool) -> str:
    """The end of a line after its last token: trailing spaces dropped; a comment kept as
    written, two spaces after the code before it (black's habit, and this project's); `;` tight,
    `\\` one space off."""
    rest = rest.strip()
    if not rest:
        return ""
    before, hash_, comment = rest.partition("#")
    before = _SPACES.sub(" ", before.strip())
    out = (" " if before.startswith("\\") and after_code else "") + before
    if hash_:
        out += ("  " if out or after_code else "") + "#" + comment.rstrip()
    return out


def comment_line(text: str, line: Line) -> str:
    """A line without tokens: a comment (as written) or nothing."""
    return _tail(text[line.start:line.end], False)
