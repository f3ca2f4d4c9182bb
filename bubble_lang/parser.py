"""The parser (layer 3).

Input: a `SourceFile`. Output: a Lark parse tree whose leaves are positioned tokens; every Lark
exception becomes a `BubbleSyntaxError` whose message uses an author's words (`TERMINAL_WORDS`),
never a terminal name. The LALR tables are built once per process and cached.
"""

from __future__ import annotations

import functools
from typing import Any
import os
from pathlib import Path

import lark
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedToken
from lark.lexer import Lexer

from .cache_dirs import private_folder, user_cache_root
from .diagnostics import BubbleSyntaxError, Label, make_diagnostic
from .lexer import TokenList, fill_lines, tokenize, unclosed_block_error, unmatched_end_error
from .limits import DEFAULT_LIMITS, Limits
from .source import SourceFile

# How each terminal reads in a message. A test checks this covers the compiled grammar.
TERMINAL_WORDS: dict[str, str] = {
    "_NL": "end of line",
    "$END": "end of file",
    "CMD": "a statement",
    "NAME": "a name",
    "KEY": "an option like `name:`",
    "DO_COLON": "`do:`",
    "COMMA_DO": "`, do:`",
    "CONST": "a constant like `@name`",
    "CONST_DEF": "a constant definition",
    "ATOM": "an atom like `:name`",
    "NUMBER": "a number",
    "STRING": "a string",
    "STR_START": "a string",
    "STR_TEXT": "string text",
    "STR_END": "the closing `\"`",
    "INTERP_START": "`#{`",
    "INTERP_END": "`}`",
    "TRANSLATE": "a translated string `_\"…\"`",
    "ARROW": "`->`",
    "EQ": "`==`",
    "NE": "`!=`",
    "LE": "`<=`",
    "GE": "`>=`",
    "ANDAND": "`&&`",
    "OROR": "`||`",
    "MAP_START": "`%{`",
    "LT": "`<`",
    "GT": "`>`",
    "PLUS": "`+`",
    "MINUS": "`-`",
    "STAR": "`*`",
    "SLASH": "`/`",
    "BANG": "`!`",
    "ASSIGN": "`=`",
    "DOT": "`.`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "LPAR": "`(`",
    "CALL_LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "INDEX_LSQB": "`[`",
    "RSQB": "`]`",
    "RBRACE": "`}`",
}
for _word in ("dialog", "task", "test", "do", "end", "if", "unless", "else", "branch", "repeat", "in",
              "random", "once", "after", "when", "and", "or", "not", "true", "false", "nil"):
    TERMINAL_WORDS[_word.upper()] = f"`{_word}`"

EXPRESSION_STARTS = frozenset({"NUMBER", "STRING", "STR_START", "NAME", "CONST", "ATOM", "LSQB", "MAP_START", "LPAR",
                               "MINUS", "NOT", "BANG", "TRUE", "FALSE", "NIL", "TRANSLATE"})
OPERATOR_TERMINALS = frozenset({"EQ", "NE", "LE", "GE", "LT", "GT", "PLUS", "MINUS", "STAR", "SLASH", "AND",
                                "OR", "ANDAND", "OROR", "IN", "DOT", "INDEX_LSQB"})


class _TokenListLexer(Lexer):
    """Hands the pre-made token list to Lark (the lexing is done in lexer.py)."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, data: list[Token]):  # type: ignore[override]
        return iter(data)


def grammar_text() -> str:
    """The grammar file, from the package (a plain file in a checkout or an installed wheel;
    importlib.resources only when the package lives in a zip, since it costs start-up time)."""
    path = Path(__file__).resolve().parent / "grammar" / "bubble.lark"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("bubble_lang.grammar").joinpath("bubble.lark").read_text(encoding="utf-8")


def _cache_path() -> str | bool:
    """Where Lark keeps its analysed tables: the user's own private cache folder, never a shared
    /tmp (the cache is a pickle; see `cache_dirs.py`). Measured: 165 ms to build the tables, 7 ms to
    load them."""
    if os.environ.get("BUBBLE_NO_GRAMMAR_CACHE") == "1":
        return False
    base = private_folder(user_cache_root())
    if base is None:
        return False
    return str(base / f"grammar-lark-{lark.__version__}.cache")


def make_lark(*, strict: bool = False, transformer: Any = None) -> Lark:
    """A LALR parser for the grammar; its tables are cached on disk between processes.

    Positions are not propagated by Lark (that doubled the parse time): the builder takes spans
    from the tokens at the edges of each rule.
    """
    return Lark(grammar_text(), parser="lalr", lexer=_TokenListLexer, strict=strict,
                maybe_placeholders=False, transformer=transformer, cache=False if strict else _cache_path())


@functools.lru_cache(maxsize=None)
def build_lark(strict: bool = False) -> Lark:
    """The plain tree-building parser (used by tests and tools); built once per process."""
    return make_lark(strict=strict)


def describe_token(token: Token) -> str:
    """An author's name for a token that was found."""
    if token.type in ("CMD", "NAME"):
        return f"`{token.value}`"
    if token.type == "KEY":
        return f"`{token.value}`"
    if token.type == "NUMBER":
        return f"number `{token.value}`"
    if token.type == "STRING":
        text = token.value if len(token.value) <= 30 else token.value[:29] + "…"
        return f'string `"{text}"`'

    if token.type == "CONST" or token.type == "CONST_DEF":
        return f"`{token.value}`"
    if token.type == "ATOM":
        return f"atom `{token.value}`"
    return TERMINAL_WORDS.get(token.type, f"`{token.value}`")


def describe_expected(expected: set[str] | frozenset[str]) -> str:
    """A short list of what could come next, in words; expression starters fold to 'an expression'."""
    names = set(expected)
    words: list[str] = []
    if len(names & EXPRESSION_STARTS) >= 5:
        names -= EXPRESSION_STARTS
        words.append("an expression")
    if len(names & OPERATOR_TERMINALS) >= 5:
        names -= OPERATOR_TERMINALS
        words.append("an operator")
    described = sorted({TERMINAL_WORDS.get(name, name.lower()) for name in names if not name.startswith("__")})
    words.extend(described)
    if len(words) > 6:
        words = words[:6] + ["…"]
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def parse_tokens(source: SourceFile, tokens: list[Token]) -> Tree:
    """Parse a token list of `source` into a Lark tree; Lark errors become BubbleSyntaxError."""
    try:
        return build_lark().parse(tokens)  # type: ignore[arg-type]
    except UnexpectedToken as error:
        raise syntax_error(source, tokens, error) from None


def check_size(source: SourceFile, limits: Limits) -> None:
    if len(source.text) > limits.source_bytes:
        raise BubbleSyntaxError.single(
            "B011", f"script is too large: {len(source.text)} characters, the limit is {limits.source_bytes}",
            source.span(0, 0), hint="split the bot into several files in a directory")


def parse_source(source: SourceFile, limits: Limits = DEFAULT_LIMITS) -> Tree:
    """Tokenize and parse one file into a Lark tree (the AST comes from `build.parse_script`)."""
    check_size(source, limits)
    return parse_tokens(source, tokenize(source, limits))


_CLOSERS = {"RPAR": ("LPAR", "CALL_LPAR"), "RSQB": ("LSQB", "INDEX_LSQB"), "RBRACE": ("MAP_START",),
            "INTERP_END": ("INTERP_START",)}


def _possible(tokens: list[Token], token: Token, expected: set[str]) -> set[str]:
    """What could really come next: LALR merges states, so its expected set may list closing
    brackets for brackets that are not open. Drop those."""
    opened: list[str] = []
    for candidate in tokens:
        if candidate is token:
            break
        if candidate.type in ("LPAR", "CALL_LPAR", "LSQB", "INDEX_LSQB", "MAP_START", "INTERP_START"):
            opened.append(candidate.type)
        elif candidate.type in _CLOSERS and opened:
            opened.pop()
    innermost = opened[-1] if opened else None
    return {name for name in expected if name not in _CLOSERS or innermost in _CLOSERS[name]}


def _previous_token(tokens: list[Token], token: Token) -> Token | None:
    for index, candidate in enumerate(tokens):
        if candidate is token:
            return tokens[index - 1] if index > 0 else None
    return None


def syntax_error(source: SourceFile, tokens: list[Token], error: UnexpectedToken) -> BubbleSyntaxError:
    from .syntax_hints import match_hint

    token: Token = error.token
    fill_lines(source, tokens)
    end_of_input = token.type == "$END" or token.start_pos is None
    if isinstance(tokens, TokenList):
        if end_of_input and tokens.unclosed_dos:
            return unclosed_block_error(source, tokens)
        if token.type == "END" and token.start_pos in tokens.unmatched_ends:
            return unmatched_end_error(source, token.start_pos)
        if tokens.unmatched_ends and token.type == "_NL" and "DO" in error.expected:
            pass  # a missing `do` (reported below) explains the extra `end`
    previous = tokens[-1] if end_of_input else _previous_token(tokens, token)
    expected = describe_expected(_possible(tokens, token, error.expected))
    hint_entry = match_hint(source, tokens, token, previous, error)
    if end_of_input or token.type == "_NL":
        # Something is missing: point just past the token before it.
        at = previous.end_pos if previous is not None else 0
        span = source.span(at, at)
        found = "end of file" if end_of_input else "end of line"
        message = f"expected {expected} before {found}"
        label = f"expected {expected} here"
    else:
        span = source.span(token.start_pos, token.end_pos)
        message = f"unexpected {describe_token(token)}"
        label = f"expected {expected}"
    hint = "check the statement against the examples in docs/language.md"
    code = "B010"
    labels: tuple[Label, ...] = ()
    if hint_entry is not None:
        code, message, hint = hint_entry.code, hint_entry.message, hint_entry.hint
        if hint_entry.label:
            label = hint_entry.label
        if hint_entry.missing and previous is not None:
            span = source.span(previous.end_pos, previous.end_pos)
        if hint_entry.at_line_start:
            line = token.line if token.type != "$END" and token.line else (previous.line if previous is not None else 1)
            first = next(t for t in tokens if t.line == line)
            span = source.span(first.start_pos, first.end_pos)
    return BubbleSyntaxError([make_diagnostic(code, message, span, label=label, hint=hint, labels=labels)])
