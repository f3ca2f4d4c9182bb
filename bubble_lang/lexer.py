"""The tokenizer (layer 3).

Input: a `SourceFile`. Output: a list of Lark `Token`s for the LALR parser in `parser.py`.

Why hand-written: strings nest (`"#{join(xs, "\n")}"`), newlines end statements only outside
brackets and not after a trailing comma or binary operator, and a few words change meaning with
layout (`list[0]` indexes, `show location [..]` passes a list; `say "x"` at the start of a
statement is a command). A regular-expression lexer cannot express any of that, and doing it here
lets every unclosed string, interpolation or bracket be reported at its opener (SPEC §17).

This module must never evaluate anything; it only slices text. Nesting is bounded by
`Limits.syntax_nesting` so that later recursive passes can never overflow the Python stack.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lark import Token

from .accel import ACCEL
from .diagnostics import BubbleSyntaxError, Label, make_diagnostic
from .limits import DEFAULT_LIMITS, Limits
from .source import SourceFile
from .statements import STATEMENTS

KEYWORDS = {
    "dialog": "DIALOG",
    "task": "TASK",
    "test": "TEST",
    "do": "DO",
    "end": "END",
    "if": "IF",
    "unless": "UNLESS",
    "else": "ELSE",
    "branch": "BRANCH",
    "repeat": "REPEAT",
    "in": "IN",
    "random": "RANDOM",
    "once": "ONCE",
    "after": "AFTER",
    "when": "WHEN",
    "and": "AND",
    "or": "OR",
    "not": "NOT",
    "true": "TRUE",
    "false": "FALSE",
    "nil": "NIL",
}

# Longest first: the scanner tries them in this order.
OPERATORS = (
    ("->", "ARROW"),
    ("==", "EQ"),
    ("!=", "NE"),
    ("<=", "LE"),
    (">=", "GE"),
    ("&&", "ANDAND"),
    ("||", "OROR"),
    ("%{", "MAP_START"),
    ("<", "LT"),
    (">", "GT"),
    ("+", "PLUS"),
    ("-", "MINUS"),
    ("*", "STAR"),
    ("/", "SLASH"),
    ("!", "BANG"),
    ("=", "ASSIGN"),
    (".", "DOT"),
    (",", "COMMA"),
    (":", "COLON"),
    ("(", "LPAR"),
    (")", "RPAR"),
    ("[", "LSQB"),
    ("]", "RSQB"),
    ("}", "RBRACE"),
)

# After these, a newline does not end the statement (the expression goes on).
CONTINUATION_TYPES = frozenset(
    {"COMMA", "EQ", "NE", "LE", "GE", "LT", "GT", "ANDAND", "OROR", "PLUS",
     "MINUS", "STAR", "SLASH", "ASSIGN", "AND", "OR", "NOT", "BANG", "DOT", "IN",
     "COMMA_DO", "DO_COLON", "WHEN"}
)
# Tokens after which `(` or `[` with no space is a call or an index.
POSTFIX_OPENERS = frozenset({"NAME", "RPAR", "RSQB", "RBRACE", "CONST", "STR_END", "STRING"})
# Tokens that put the lexer back at the start of a statement.
STATEMENT_STARTERS = frozenset({"_NL", "DO", "ELSE", "AFTER", "ARROW", "DO_COLON", "COMMA_DO"})

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")
_SPACE = re.compile(r"[ \t\f\r]+")
_INDENT = re.compile(r"[ \t]*")
_STRING_STOP = re.compile(r'[\\"#]')  # what may end a run of plain string text
# What may start an expression after a command word and a space.
_EXPR_START = re.compile(r"""["'\[(@:%\d_A-Za-z!]|-(?=\S)""")


_str_new = str.__new__


def _new_token(type_: str, value: str, start: int, end: int) -> Token:
    """A Lark token without `Token.__new__`'s argument handling: measured 0.27 µs against 0.80 µs,
    a seventh of the tokenizer's time. Sets every slot Lark reads (a test checks the slot list)."""
    token = _str_new(Token, value)
    token.type = type_
    token.value = value
    token.start_pos = start
    token.end_pos = end
    token.line = token.column = token.end_line = token.end_column = None
    return token


_OPERATOR_WORD = re.compile(r"(?:in|and|or|when|do|else|end|after)\b")


def _starts_argument(text: str, end: int) -> bool:
    """True when a space and then the start of an expression follow `end` (`say "x"`, `@c [1]`)."""
    space = _SPACE.match(text, end)
    if not space:
        return False
    at = space.end()
    if text.startswith("->", at) or _OPERATOR_WORD.match(text, at):
        return False
    return bool(_EXPR_START.match(text, at))


class _Lexer:
    """One scan over one file; collects tokens or raises at the first lexical error."""

    def __init__(self, source: SourceFile, limits: Limits):
        self.source = source
        self.text = source.text
        self.limits = limits
        self.pos = 0
        self.tokens: list[Token] = []
        # Open brackets and blocks: (kind, offset). kinds: ( [ %{ #{ do
        self.openers: list[tuple[str, int]] = []
        self.brackets = 0  # open brackets (not `do` blocks) among `openers`
        self.last_type: str | None = None  # type of the last token emitted
        self.line_starts = source.line_starts
        # Block problems are only reported if the parser fails too (a missing `do` shows up as an
        # extra `end`, which the parser names better): unmatched `end` offsets, and the first `do`
        # whose `end` sits at another indentation (the likely unclosed block).
        self.unmatched_ends: list[int] = []
        self.suspect_do: int | None = None

    # ------------------------------------------------------------------ helpers
    def error(self, code: str, message: str, start: int, end: int | None = None, *,
              hint: str | None = None, label: str = "", labels: tuple[Label, ...] = ()) -> BubbleSyntaxError:
        span = self.source.span(start, start + 1 if end is None else end)
        return BubbleSyntaxError([make_diagnostic(code, message, span, hint=hint, label=label, labels=labels)])

    def emit(self, type_: str, value: str, start: int, end: int) -> Token:
        # Line and column are filled in only when an error needs them (`fill_lines`): computing
        # them for every token was a tenth of the tokenizer's time.
        token = _new_token(type_, value, start, end)
        self.tokens.append(token)
        self.last_type = type_
        return token

    def at_statement_start(self) -> bool:
        return not self.tokens or self.last_type in STATEMENT_STARTERS

    def bracket_depth(self) -> int:
        return self.brackets

    def push(self, kind: str, offset: int) -> None:
        self.openers.append((kind, offset))
        if kind != "do":
            self.brackets += 1
        if len(self.openers) > self.limits.syntax_nesting:
            raise self.error(
                "B009",
                f"nesting too deep: more than {self.limits.syntax_nesting} open blocks and brackets",
                offset,
                label="this one is too deep",
                hint="move the inner part into its own dialog or constant",
            )

    def pop(self, closer: str, offset: int) -> None:
        expected = {")": "(", "]": "[", "}": ("%{", "#{"), "end": "do"}[closer]
        if closer == "end":
            if not self.openers or self.openers[-1][0] != "do":
                self.unmatched_ends.append(offset)
                return
            do_at = self.openers[-1][1]
            if self.suspect_do is None and self.indentation(do_at) != self.indentation(offset):
                self.suspect_do = do_at
            self.openers.pop()
            return
        if not self.openers or self.openers[-1][0] not in (expected if isinstance(expected, tuple) else (expected,)):
            if self.openers and self.openers[-1][0] != "do":
                kind, at = self.openers[-1]
                closing = {"(": ")", "[": "]", "%{": "}", "#{": "}"}[kind]
                raise self.error("B007", f"expected `{closing}` to close `{kind}`, found `{closer}`", offset,
                                 labels=(Label(self.source.span(at, at + len(kind)), "opened here"),),
                                 hint=f"add `{closing}` before this `{closer}`")
            raise self.error("B007", f"`{closer}` without a matching opening bracket", offset,
                             label="nothing to close here", hint=f"remove this `{closer}`")
        self.openers.pop()
        self.brackets -= 1

    def indentation(self, offset: int) -> int:
        """The spaces and tabs that begin the line holding `offset` (asked twice per `end`)."""
        start = self.text.rfind("\n", 0, offset) + 1
        return _INDENT.match(self.text, start).end() - start

    def newline(self, offset: int) -> None:
        """A newline or `;`: ends the statement unless the expression visibly goes on."""
        if self.bracket_depth() > 0:
            return
        if not self.tokens or self.last_type in ("_NL",) or self.last_type in CONTINUATION_TYPES:
            return
        self.emit("_NL", "\n", offset, offset + 1)

    # ------------------------------------------------------------------ scanning
    def run(self) -> list[Token]:
        text = self.text
        length = len(text)
        while self.pos < length:
            char = text[self.pos]
            if char in " \t\f\r":
                self.pos = _SPACE.match(text, self.pos).end()
            elif char == "\n" or char == ";":
                self.newline(self.pos)
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = length if end == -1 else end
            elif char == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2  # explicit line continuation
            elif char == '"':
                self.scan_string()
            elif "0" <= char <= "9":
                match = _NUMBER.match(text, self.pos)
                self.emit("NUMBER", match.group(), self.pos, match.end())
                self.pos = match.end()
            elif (char.isascii() and char.isalpha()) or char == "_":
                self.scan_word()
            elif char == "@":
                self.scan_constant()
            elif char == ":" and self.pos + 1 < length and ((text[self.pos + 1].isascii() and text[self.pos + 1].isalpha())
                                                             or text[self.pos + 1] == "_"):
                match = _NAME.match(text, self.pos + 1)
                self.emit("ATOM", text[self.pos:match.end()], self.pos, match.end())
                self.pos = match.end()
            elif char == "}" and self.openers and self.openers[-1][0] == "#{":
                return self.tokens  # end of an interpolation: the string scanner takes over
            else:
                self.scan_operator()
        return self.tokens

    def scan_word(self) -> None:
        text, start = self.text, self.pos
        match = _NAME.match(text, start)
        end = match.end()
        word = match.group()
        after = text[end:end + 1]
        # `name:` is a keyword-argument key, unless it is `name::` (never valid) or `name: :`.
        if after == ":" and text[end + 1:end + 2] != ":":
            if word == "do":
                if self.last_type == "COMMA":
                    comma = self.tokens.pop()
                    self.emit("COMMA_DO", ", do:", comma.start_pos, end + 1)
                else:
                    self.emit("DO_COLON", "do:", start, end + 1)
            else:
                self.emit("KEY", word + ":", start, end + 1)
            self.pos = end + 1
            return
        self.pos = end
        if word == "_" and after == '"':
            self.emit("TRANSLATE", "_", start, end)
            return
        if self.last_type == "DOT":
            self.emit("NAME", word, start, end)
            return
        keyword = KEYWORDS.get(word)
        if keyword == "DIALOG" and after == ".":
            keyword = None  # the runtime variable `dialog` (`dialog.stack`), not a definition
        if keyword:
            if keyword == "DO":
                self.push("do", start)
            elif keyword == "END":
                self.pop("end", start)
            self.emit(keyword, word, start, end)
            return
        if self.is_command_position(word, end):
            self.emit("CMD", word, start, end)
        else:
            self.emit("NAME", word, start, end)

    def is_command_position(self, word: str, end: int) -> bool:
        """A word that starts a statement and is followed by a space and an expression."""
        if self.bracket_depth() > 0:
            return False
        at_start = self.at_statement_start()
        if not at_start and not (self.last_type == "ASSIGN" and word in STATEMENTS):
            return False
        if at_start and word in STATEMENTS and self.text.startswith("(", end):
            return True  # `show(contact(…))`: the statement word with a parenthesised argument
        return _starts_argument(self.text, end)

    def scan_constant(self) -> None:
        text, start = self.text, self.pos
        match = _NAME.match(text, start + 1)
        if not match:
            raise self.error("B005", "expected a constant name after `@`", start,
                             hint="write a name right after `@`, like `@menu`")
        end = match.end()
        kind = "CONST"
        if self.at_statement_start() and self.bracket_depth() == 0:
            if _starts_argument(text, end):
                kind = "CONST_DEF"
        self.emit(kind, text[start:end], start, end)
        self.pos = end

    def scan_operator(self) -> None:
        text, start = self.text, self.pos
        for symbol, type_ in OPERATORS:
            if text.startswith(symbol, start):
                break
        else:
            char = text[start]
            if char == "'":
                raise self.error("B004", "strings use double quotes", start,
                                 hint="write \"…\" instead of '…'")
            raise self.error("B003", f"unexpected character `{char}`", start,
                             hint="remove it, or put it inside a string")
        end = start + len(symbol)
        preceded_by_space = start > 0 and text[start - 1] in " \t\n"
        if type_ == "LPAR":
            if self.last_type in POSTFIX_OPENERS and not preceded_by_space and self.last_type not in ("STR_END", "STRING"):
                type_ = "CALL_LPAR"
            self.push("(", start)
        elif type_ == "LSQB":
            if self.last_type in POSTFIX_OPENERS and not preceded_by_space:
                type_ = "INDEX_LSQB"
            self.push("[", start)
        elif type_ == "MAP_START":
            self.push("%{", start)
        elif type_ == "RPAR":
            self.pop(")", start)
        elif type_ == "RSQB":
            self.pop("]", start)
        elif type_ == "RBRACE":
            self.pop("}", start)
        self.emit(type_, symbol, start, end)
        self.pos = end

    def scan_string(self) -> None:
        """A string with `#{…}` interpolations, which may hold strings of their own."""
        text, open_at = self.text, self.pos
        start_index = len(self.tokens)
        self.emit("STR_START", '"', open_at, open_at + 1)
        self.pos += 1
        chunk_start = self.pos
        length = len(text)
        simple = True  # no interpolation: the whole string becomes one STRING token (fewer to parse)
        while True:
            if self.pos >= length:
                interpolations = [at for kind, at in self.openers if kind == "#{"]
                if interpolations:
                    at = interpolations[-1]
                    raise self.error("B002", "unclosed interpolation `#{`", at, at + 2,
                                     label="this `#{` is never closed",
                                     labels=(Label(self.source.span(length, length), "end of file"),),
                                     hint="add `}` to end the interpolation")
                raise self.error("B001", "unclosed string", open_at, label="this string is never closed",
                                 labels=(Label(self.source.span(length, length), "end of file"),),
                                 hint="add a closing `\"`")
            char = text[self.pos]
            if char == "\\":
                self.pos += 2
            elif char == '"' and simple:
                del self.tokens[start_index:]
                self.emit("STRING", text[open_at + 1:self.pos], open_at, self.pos + 1)
                self.pos += 1
                return
            elif char == '"':
                if self.pos > chunk_start:
                    self.emit("STR_TEXT", text[chunk_start:self.pos], chunk_start, self.pos)
                self.emit("STR_END", '"', self.pos, self.pos + 1)
                self.pos += 1
                return
            elif char == "#" and text.startswith("#{", self.pos):
                if self.pos > chunk_start:
                    self.emit("STR_TEXT", text[chunk_start:self.pos], chunk_start, self.pos)
                interp_at = self.pos
                simple = False
                self.emit("INTERP_START", "#{", interp_at, interp_at + 2)
                self.push("#{", interp_at)
                self.pos += 2
                depth = len(self.openers)
                self.run()
                if self.pos >= length or len(self.openers) != depth:
                    raise self.error("B002", "unclosed interpolation `#{`", interp_at, interp_at + 2,
                                     label="this `#{` is never closed",
                                     labels=(Label(self.source.span(length, length), "end of file"),),
                                     hint="add `}` to end the interpolation")
                self.openers.pop()
                self.brackets -= 1
                self.emit("INTERP_END", "}", self.pos, self.pos + 1)
                self.pos += 1
                chunk_start = self.pos
            else:  # plain text: jump to the next character that may end it
                found = _STRING_STOP.search(text, self.pos + 1)
                self.pos = found.start() if found else length


class TokenList(list):
    """Tokens of one file, with the block problems the lexer noticed (see `_Lexer.unmatched_ends`)."""

    unmatched_ends: list[int]
    unclosed_dos: list[int]
    suspect_do: int | None


def tokenize(source: SourceFile, limits: Limits = DEFAULT_LIMITS) -> TokenList:
    """All tokens of a file, ending with an end of line so the last statement is closed.

    Raises `BubbleSyntaxError` for a lexical error or an unclosed bracket (at its opener). Unbalanced
    `do`/`end` is recorded on the result for the parser to report with more context.

    The C accelerator (`accel.py`), when built, scans first; at anything it would have to report it
    gives up and this scanner runs, so every diagnostic is worded here.
    """
    if ACCEL is not None:
        scanned = ACCEL.scan(source.text, Token, _STATEMENT_WORDS, limits.syntax_nesting)
        if scanned is not None:
            tokens, unmatched_ends, unclosed_dos, suspect_do = scanned
            result = TokenList(tokens)
            result.unmatched_ends, result.unclosed_dos, result.suspect_do = unmatched_ends, unclosed_dos, suspect_do
            return result
    return _tokenize_here(source, limits)


_STATEMENT_WORDS = frozenset(STATEMENTS)


def _tokenize_here(source: SourceFile, limits: Limits) -> TokenList:
    """`tokenize` in Python: the reference the accelerator follows, and the only one that reports."""
    lexer = _Lexer(source, limits)
    lexer.run()
    brackets = [(kind, at) for kind, at in lexer.openers if kind != "do"]
    if brackets:
        kind, at = brackets[-1]
        end_of_file = len(source.text)
        closing = {"(": ")", "[": "]", "%{": "}", "#{": "}"}[kind]
        raise lexer.error("B007", f"`{kind}` is never closed", at, at + len(kind),
                          label="opened here",
                          labels=(Label(source.span(end_of_file, end_of_file), "end of file"),),
                          hint=f"add `{closing}` to close it")
    if lexer.tokens and lexer.last_type != "_NL":
        end = len(source.text)
        lexer.emit("_NL", "", end, end)
    result = TokenList(lexer.tokens)
    result.unmatched_ends = lexer.unmatched_ends
    result.unclosed_dos = [at for kind, at in lexer.openers if kind == "do"]
    result.suspect_do = lexer.suspect_do
    return result


def fill_lines(source: SourceFile, tokens: list[Token]) -> None:
    """Give every token its 1-based line and column (error paths only; see `_Lexer.emit`)."""
    starts = source.line_starts
    for token in tokens:
        if token.line is None and token.start_pos is not None:
            index = bisect_right(starts, token.start_pos) - 1
            token.line = index + 1
            token.column = token.start_pos - starts[index] + 1


def unmatched_end_error(source: SourceFile, offset: int) -> BubbleSyntaxError:
    """An `end` that closes nothing."""
    return BubbleSyntaxError([make_diagnostic(
        "B006", "`end` without a matching `do`", source.span(offset, offset + 3),
        label="nothing to close here",
        hint="remove this `end`, or check the lines above for a block that lacks its `do`")])


def unclosed_block_error(source: SourceFile, tokens: TokenList) -> BubbleSyntaxError:
    """Missing `end`: name the block by the words before its `do`, preferring the likely culprit."""
    fill_lines(source, tokens)
    end_of_file = len(source.text)
    eof_label = (Label(source.span(end_of_file, end_of_file), "end of file"),)
    for index, token in enumerate(tokens):
        if token.type == "IF" and index > 0 and tokens[index - 1].type == "ELSE" \
                and tokens[index - 1].line == token.line:
            return BubbleSyntaxError([make_diagnostic(
                "B017", "`else if` is not a form in bubble: the nested `if` needs its own `end`",
                source.span(tokens[index - 1].start_pos, token.end_pos), label="here", labels=eof_label,
                hint="write `else`, then the nested `if … end` on its own lines, or use `branch do … end`")])
    do_at = tokens.suspect_do if tokens.suspect_do is not None else tokens.unclosed_dos[-1]
    opener = None
    do_line = source.line_col(do_at)[0]
    for token in tokens:
        if token.start_pos >= do_at:
            break
        if token.type in ("DIALOG", "TASK", "TEST", "IF", "UNLESS", "BRANCH", "REPEAT", "RANDOM", "ONCE") \
                and token.line == do_line:
            opener = token
    what = f"this `{opener.value}` block" if opener is not None else "this block"
    return BubbleSyntaxError([make_diagnostic(
        "B008", f"{what} is never closed: its `do` has no matching `end`", source.span(do_at, do_at + 2),
        label="this `do` is never closed", labels=eof_label,
        hint="add `end` where the block should stop (the indentation suggests this one)")])
