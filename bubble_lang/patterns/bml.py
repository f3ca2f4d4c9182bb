"""BML parser (patterns layer): a trigger/`expecting:` string -> a `Pattern` tree.

Input: the decoded text of a pattern string and the `Limits`. Output: a `Pattern` whose nodes
carry offsets into that text, or a `PatternError` at the exact spot (the unclosed `(`, the bad
entity name, the character a regex refuses). It never matches anything, never recurses deeper
than `limits.syntax_nesting` groups, and never raises anything but `PatternError`.

Grammar (reference §10.3/§10.4; whitespace separates rules, `|` may touch its neighbours):

    pattern  := alts                       (empty or blank: never matches)
    alts     := seq ( '|' seq )*
    seq      := rule ( SPACE rule )*
    rule     := atom ( '?' | '[' modifier ']' )*
    atom     := word ( '-' word )* | "text" | 'text' | '_' | /regex/ | %TAG | @name(.name)*
              | '(' alts ')' | '<' seq '>' | '[' block ']'
    block    := range ( '=' name )? | entity ( '=' name )? | /regex/ ( '=' name )? | Start | End
    modifier := range ( '=' name )? | '=' name
    range    := N | N '-' M | N '+'  followed by an optional '?' (non-greedy)

Choices where the reference is silent: rules must be separated by a space (`mus(ic|eum)` is an
error whose hint suggests the regex `/mus(ic|eum)/`, instead of silently meaning two words); a
`'` between two letters belongs to the word, and such a word (`don't`) is matched as a literal;
entities, regexes and concepts may be optional or repeated; `_` and ranges take only a capture.
Whole-pattern shortcuts: `.*` is `[1+]`, and a pattern starting with `^` is one regex.
"""

from __future__ import annotations

import difflib
from typing import NoReturn

from ..limits import DEFAULT_LIMITS, Limits
from .errors import PatternError
from .nodes import (
    ENTITY_KINDS,
    Alt,
    Any,
    Capture,
    Compound,
    Concept,
    End,
    Entity,
    Literal,
    Optional,
    Pattern,
    Perm,
    Pos,
    Range,
    Regex,
    Repeat,
    Rule,
    Seq,
    Start,
)
from .regexes import check_regex
from .words import normalize_word

_SPECIAL = frozenset("`~!@#$%^&*()_+=-{}|\\][';\":?><,./")
_RULE_STARTS = frozenset("\"'_/%@(<[")
_PUNCT_HINT = "quote punctuation to match it, like `'!'`, or leave it out: punctuation is optional"
_MAX_DIGITS = 9  # longer numbers are over any sane limit; int() of huge strings is slow


def parse_bml(text: str, limits: Limits = DEFAULT_LIMITS) -> Pattern:
    """Parse a BML pattern; raise `PatternError` with offsets into `text` when it is invalid."""
    stripped = text.strip()
    if not stripped:
        return Pattern(text=text, root=None, never_matches=True)
    lead = len(text) - len(text.lstrip())
    if stripped == ".*":
        return Pattern(text=text, root=Range(min=1, max=None, greedy=True, start=lead, end=lead + 2))
    parser = _Parser(text, limits)
    try:
        if stripped.startswith("^"):
            root: Rule = parser.whole_regex(lead, lead + len(stripped))
        else:
            root = parser.parse()
    except RecursionError:
        raise PatternError(
            "pattern nests too deeply",
            parser.deepest,
            parser.deepest + 1,
            "split the pattern into simpler patterns",
        ) from None
    return Pattern(text=text, root=root)


def _is_word_char(char: str | None) -> bool:
    return char is not None and char not in _SPECIAL and not char.isspace()


def _is_name(name: str) -> bool:
    return name.isascii() and name.isidentifier()


class _Parser:
    """Recursive descent over `text`; `pos` is the next unread character."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self.pos = 0
        self.depth = 0
        self.deepest = 0

    # -- helpers -------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> str | None:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else None

    def skip_ws(self) -> bool:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.pos > start

    def fail(self, message: str, start: int, end: int | None = None, hint: str | None = None) -> NoReturn:
        raise PatternError(message, start, start + 1 if end is None else end, hint)

    def unexpected(self, char: str) -> NoReturn:
        """Report a character that cannot start a rule, with the most useful hint for it."""
        at = self.pos
        if char == "]":
            self.fail("unmatched `]`", at, hint="remove it or add a `[` before it")
        if char == "?":
            after_space = at > 0 and self.text[at - 1].isspace()
            hint = "remove the space before `?`" if after_space else "put `?` right after a rule"
            self.fail("`?` must follow a rule directly", at, hint=hint)
        if char == "*" or (char == "." and self.peek(1) == "*"):
            end = at + (2 if char == "." else 1)
            self.fail(f"unexpected `{self.text[at:end]}`", at, end, "use `[0+]` for any number of words")
        if char == "-":
            self.fail("unexpected `-`", at, hint="join two words with it, like `was-machine`")
        if char == "^":
            self.fail("unexpected `^`", at, hint="start the whole pattern with `^`, or write a regex like `/^hi/`")
        if char in "=+{}\\":
            self.fail(f"unexpected `{char}`", at, hint="quote it to match it literally, like `'{char}'`")
        self.fail(f"unexpected `{char}`", at, hint=_PUNCT_HINT)

    def enter(self, at: int) -> None:
        self.depth += 1
        self.deepest = at
        if self.depth > self.limits.syntax_nesting:
            self.fail(
                f"groups nest deeper than {self.limits.syntax_nesting} levels",
                at,
                hint="split the pattern into simpler patterns",
            )

    # -- structure -----------------------------------------------------------------------------

    def parse(self) -> Rule:
        root = self.parse_alts()
        char = self.peek()
        if char == ")":
            self.fail("unmatched `)`", self.pos, hint="remove it or add a `(` before it")
        if char == ">":
            self.fail("unmatched `>`", self.pos, hint="remove it or add a `<` before it")
        assert root is not None and char is None
        return root

    def parse_alts(self) -> Rule | None:
        """Alternatives up to EOF, `)` or `>`; None when there is no rule at all."""
        options: list[Rule] = []
        bar: int | None = None
        while True:
            self.skip_ws()
            items = self.parse_seq(splice=True)
            if not items:
                if bar is not None:
                    self.fail("missing rule after `|`", bar, hint="remove the extra `|` or add a rule after it")
                if self.peek() == "|":
                    self.fail("missing rule before `|`", self.pos, hint="remove the `|` or add a rule before it")
                return None
            options.append(self.make_seq(items))
            self.skip_ws()
            if self.peek() != "|":
                break
            bar = self.pos
            self.pos += 1
        if len(options) == 1:
            return options[0]
        return Alt(options=tuple(options), start=options[0].start, end=options[-1].end)

    @staticmethod
    def make_seq(items: list[Rule]) -> Rule:
        if len(items) == 1:
            return items[0]
        return Seq(items=tuple(items), start=items[0].start, end=items[-1].end)

    def parse_seq(self, *, splice: bool) -> list[Rule]:
        """Space-separated rules up to `|`, `)`, `>` or EOF; groups of a plain sequence splice."""
        items: list[Rule] = []
        spaced = True
        while (char := self.peek()) is not None and char not in "|)>":
            if not spaced:
                self.missing_space(items[-1], char)
            rule = self.parse_rule()
            if splice and isinstance(rule, Seq):
                items.extend(rule.items)
            else:
                items.append(rule)
            spaced = self.skip_ws()
        return items

    def missing_space(self, previous: Rule, char: str) -> NoReturn:
        if not (_is_word_char(char) or char in _RULE_STARTS):
            self.unexpected(char)
        hint = f"add a space before `{char}`"
        if char == "(" and isinstance(previous, (Compound, Literal)) or char == "(" and previous.end == self.pos:
            hint = "write a regex to match part of a word, like `/mus(ic|eum)/`, or add a space before `(`"
        self.fail(f"missing space before `{char}`", self.pos, hint=hint)

    def parse_rule(self) -> Rule:
        start = self.pos
        atom = self.parse_atom()
        return self.parse_modifiers(atom, start)

    def parse_atom(self) -> Rule:
        char = self.peek()
        assert char is not None
        if char == "(":
            return self.parse_group()
        if char == "<":
            return self.parse_perm()
        if char == "[":
            return self.parse_block()
        if char in "\"'":
            return self.parse_literal(char)
        if char == "/":
            return self.parse_regex()
        if char == "_":
            self.pos += 1
            return Any(start=self.pos - 1, end=self.pos)
        if char == "%":
            name, start = self.parse_path("%", "a part-of-speech tag", "%VERB", dotted=False)
            return Pos(tag=name[0], start=start, end=self.pos)
        if char == "@":
            path, start = self.parse_path("@", "a concept name", "@flower", dotted=True)
            return Concept(path=path, start=start, end=self.pos)
        if _is_word_char(char):
            return self.parse_word()
        self.unexpected(char)

    def parse_group(self) -> Rule:
        opener = self.pos
        self.enter(opener)
        self.pos += 1
        inner = self.parse_alts()
        char = self.peek()
        if char is None:
            self.fail("unclosed `(`", opener, hint="add a `)` to close the group")
        if char == ">":
            self.fail("unmatched `>`", self.pos, hint="remove it, or close the group with `)` first")
        self.pos += 1
        self.depth -= 1
        if inner is None:
            self.fail("empty group", opener, self.pos, "put rules inside the parentheses or remove them")
        if isinstance(inner, (Seq, Alt)):
            import attrs

            return attrs.evolve(inner, start=opener, end=self.pos)
        return inner

    def parse_perm(self) -> Rule:
        opener = self.pos
        self.enter(opener)
        self.pos += 1
        self.skip_ws()
        items = self.parse_seq(splice=False)
        char = self.peek()
        if char is None:
            self.fail("unclosed `<`", opener, hint="add a `>` to close the permutation")
        if char == ")":
            self.fail("unmatched `)`", self.pos, hint="remove it, or close the permutation with `>` first")
        if char == "|":
            self.fail(
                "alternatives inside `< >` need parentheses",
                self.pos,
                hint="wrap them in a group, like `< (a | b) c >`",
            )
        self.pos += 1
        self.depth -= 1
        if not items:
            self.fail("empty permutation", opener, self.pos, "put rules between `<` and `>` or remove them")
        return Perm(items=tuple(items), start=opener, end=self.pos)
