"""Hand-written messages for common syntax mistakes (layer 3).

Input: the parser's failure (the unexpected token, the token before it, what was expected).
Output: a `Hint` with a code, a message and a fix, or None (the parser's generic message stands).

Each entry names the mistake as an author would and carries broken snippets; a test parses every
snippet and checks the entry fires for it and no other. Entries are tried in order.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from lark import Token
from lark.exceptions import UnexpectedToken

from .lexer import KEYWORDS
from .source import SourceFile


@attrs.frozen
class Context:
    """What the parser saw when it failed."""

    source: SourceFile
    tokens: list[Token]
    token: Token
    previous: Token | None
    expected: frozenset[str]

    @property
    def next_token(self) -> Token | None:
        for index, candidate in enumerate(self.tokens):
            if candidate is self.token:
                return self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return None

    def line_tokens(self) -> list[Token]:
        """Tokens on the failing token's line, up to it."""
        line = self.token.line if self.token.type != "$END" and self.token.line else None
        if line is None and self.previous is not None:
            line = self.previous.line
        return [t for t in self.tokens if t.line == line and (t.start_pos or 0) <= (self.token.start_pos or 1 << 60)]


@attrs.frozen
class Hint:
    """One catalogued mistake."""

    code: str
    message: str
    hint: str
    matches: Callable[[Context], bool]
    examples: tuple[str, ...]
    label: str = ""
    missing: bool = False  # the mistake is a missing token: point just past the token before
    at_line_start: bool = False  # the mistake is the first word of the line: point at it


def _is_python_colon(ctx: Context) -> bool:
    following = ctx.next_token
    if ctx.token.type == "COLON" and following is not None and following.type in ("_NL", "$END"):
        return True  # `if x > 1:`
    key = ctx.token if ctx.token.type == "KEY" else ctx.previous
    if key is not None and key.type == "KEY" and _token_before(ctx, key) is not None \
            and _token_before(ctx, key).type == "COMMA":
        return False  # `say "a", class:` is an option without a value
    if key is None or key.type != "KEY":
        return False
    following = ctx.next_token if key is ctx.token else ctx.token
    return following is not None and following.type in ("_NL", "$END")


def _token_before(ctx: Context, token: Token) -> Token | None:
    for index, candidate in enumerate(ctx.tokens):
        if candidate is token:
            return ctx.tokens[index - 1] if index > 0 else None
    return None


def _name_after_options(ctx: Context) -> bool:
    line = ctx.line_tokens()
    return ctx.token.type == "NAME" and ctx.previous is not None and ctx.previous.type == "COMMA" \
        and bool(line) and line[0].type in ("DIALOG", "TASK") and any(t.type == "KEY" for t in line)


def _missing_do(ctx: Context) -> bool:
    return "DO" in ctx.expected and ctx.token.type in ("_NL", "$END")


def _assign_in_condition(ctx: Context) -> bool:
    if ctx.token.type != "ASSIGN":
        return False
    return any(t.type in ("IF", "UNLESS", "WHEN", "BRANCH") for t in ctx.line_tokens())


def _fat_arrow(ctx: Context) -> bool:
    following = ctx.next_token
    return ctx.token.type == "ASSIGN" and following is not None and following.type == "GT" \
        and following.start_pos == ctx.token.end_pos


def _missing_comma_before_option(ctx: Context) -> bool:
    return ctx.token.type == "KEY" and "COMMA" in ctx.expected


def _missing_comma_in_list(ctx: Context) -> bool:
    return ctx.token.type in ("STRING", "STR_START", "NUMBER", "NAME", "CONST", "ATOM") and "COMMA" in ctx.expected \
        and ("RSQB" in ctx.expected or "RPAR" in ctx.expected or "RBRACE" in ctx.expected)


def _then_keyword(ctx: Context) -> bool:
    return ctx.token.type in ("NAME", "CMD") and ctx.token.value == "then" and "DO" in ctx.expected


def _brace_block(ctx: Context) -> bool:
    return ctx.token.type == "RBRACE" or (ctx.token.type == "MAP_START" and "DO" in ctx.expected)


def _elif(ctx: Context) -> bool:
    first = ctx.line_tokens()[:1]
    return bool(first) and first[0].type == "CMD" and first[0].value in ("elif", "elsif", "elseif")


def _reserved_word_assigned(ctx: Context) -> bool:
    """`when = …` (the parser stops at the word) or `once = …` (it stops at the `=`): a line
    that starts with a reserved word followed by `=`."""
    line = ctx.line_tokens()
    if ctx.token.type == "ASSIGN":
        return len(line) == 2 and line[0].type in RESERVED_TYPES
    following = ctx.next_token
    return len(line) == 1 and ctx.token.type in RESERVED_TYPES and following is not None \
        and following.type == "ASSIGN"


def _branch_arm_without_arrow(ctx: Context) -> bool:
    """`x > 2 say "big"` inside `branch do … end`: the arm's `->` is missing (the parser would
    otherwise ask for a `,`)."""
    line = ctx.line_tokens()
    if "ARROW" not in ctx.expected or not line or any(t.type == "ARROW" for t in line):
        return False
    depth = 0
    for token in reversed([t for t in ctx.tokens if (t.start_pos or 0) < (line[0].start_pos or 0)]):
        if token.type == "END":
            depth += 1
        elif token.type in ("DO", "DO_COLON", "COMMA_DO"):
            if depth == 0:  # the block this line is in: is it a `branch`?
                return any(t.type == "BRANCH" for t in ctx.tokens if t.line == token.line)
            depth -= 1
    return False


def _buttons_block(ctx: Context) -> bool:
    """`buttons "What next?" do "Open CNN" -> open "…" end`: the old docs' buttons template
    (reference §5.4). bubble makes buttons as content (`show buttons(…)`), so the `do` is unexpected."""
    line = ctx.line_tokens()
    return ctx.token.type == "DO" and bool(line) and line[0].value == "buttons"


RESERVED_TYPES = frozenset(KEYWORDS.values())


CATALOGUE: tuple[Hint, ...] = (
    Hint("B041", "a reserved word cannot name a variable",
         "rename it, like `moment` for `when`; docs/language.md lists the reserved words",
         _reserved_word_assigned,
         ('dialog main do\n  when = ask "When?"\nend\n', 'dialog main do\n  once = 1\nend\n'),
         label="this word is reserved", at_line_start=True),
    Hint("B031", "bubble has no `buttons … do … end` block",
         "buttons are content: `show buttons(\"What next?\", [\"Menu\", %{title: \"Open CNN\", url: \"http://cnn.com\"}])`",
         _buttons_block,
         ('dialog main do\n  buttons "What next?" do\n    "Open CNN" -> open "http://cnn.com"\n  end\nend\n',),
         label="not a statement in bubble", at_line_start=True),
    Hint("B036", "the dialog name comes first in a header", "write the name right after `dialog`, then the options",
         _name_after_options, ('dialog trigger: "x", main do\nend\n',)),
    Hint("B040", "bubble has no `elif`", "use `branch do cond1 -> … cond2 -> … end` for several conditions",
         _elif, ('dialog main do\n  if a do\n    say 1\n  elif b do\n    say 2\n  end\nend\n',), at_line_start=True),
    Hint("B013", "bubble blocks use `do … end`, not a `:` at the end of the line",
         "replace the `:` with ` do` and close the block with `end`", _is_python_colon,
         ('dialog main:\n  say "hi"\nend\n', 'dialog main do\n  if x:\n    say "a"\n  end\nend\n')),
    Hint("B016", "maps use `key: value`, not `=>`",
         "write `%{\"name\": value}` or `%{name: value}`", _fat_arrow,
         ('@m %{"a" => 1}\n',)),
    Hint("B014", "`=` assigns a value; to compare, use `==`",
         "write `==` to compare the two sides", _assign_in_condition,
         ('dialog main do\n  if x = 1 do\n    say "a"\n  end\nend\n', 'dialog main when x = 1 do\nend\n')),
    Hint("B018", "bubble has no `then`: a condition is followed by `do`",
         "replace `then` with `do`", _then_keyword,
         ('dialog main do\n  if x then\n    say "a"\n  end\nend\n',)),
    Hint("B012", "missing `do` to open the block",
         "add `do` at the end of this line (and `end` where the block stops)", _missing_do,
         ('dialog main\n  say "hi"\nend\n', 'dialog main do\n  if x > 1\n    say "a"\n  end\nend\n',
          'dialog main do\n  repeat i in xs\n    say i\n  end\nend\n')),
    Hint("B019", "blocks are written `do … end`, not with braces",
         "replace `{` with `do` and `}` with `end`", _brace_block,
         ('dialog main %{\n  say "hi"\n}\n',)),
    Hint("B015", "missing `,` before this option",
         "put a comma between the value and the option", _missing_comma_before_option,
         ('dialog main do\n  say "hi" class: "large"\nend\n', 'dialog main do\n  ask "q" expecting: ["a"]\nend\n'),
         label="expected `,` here", missing=True),
    Hint("B042", "a `branch` arm needs `->` between its condition and what it does",
         "write the arm as `condition -> statement`, like `x > 2 -> say \"big\"`", _branch_arm_without_arrow,
         ('dialog main do\n  branch do\n    x > 2 say "big"\n    true -> say "small"\n  end\nend\n',),
         label="expected `->` here", missing=True),
    Hint("B020", "missing `,` between two items",
         "separate the items with a comma", _missing_comma_in_list,
         ('@menu ["a" "b"]\n', 'dialog main do\n  say join(["a", "b"] ", ")\nend\n'),
         label="expected `,` here", missing=True),
)


def match_hint(source: SourceFile, tokens: list[Token], token: Token, previous: Token | None,
               error: UnexpectedToken) -> Hint | None:
    """The first catalogue entry that describes this failure, if any."""
    ctx = Context(source, tokens, token, previous, frozenset(error.expected))
    for entry in CATALOGUE:
        if entry.matches(ctx):
            return entry
    return None
