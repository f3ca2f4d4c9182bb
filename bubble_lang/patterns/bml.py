"""BML parser (patterns layer): a trigger/`expecting:` string -> a `Pattern` tree.

Input: the decoded text of a pattern string and the `Limits`. Output: a `Pattern` whose nodes
carry offsets into that text, or a `PatternError` at the exact spot (the unclosed `(`, the bad
entity name, the character a regex refuses). It never matches anything, never recurses deeper
than `limits.syntax_nesting` groups, and never raises anything but `PatternError`.

Grammar (reference §10.3/§10.4; whitespace separates rules, `|` may touch its neighbours):

    pattern  := alts                       (empty or blank: allowed, never matches)
    alts     := seq ( '|' seq )*
    seq      := rule ( SPACE rule )*
    rule     := atom ( '?' | '[' modifier ']' )*
    atom     := word ( '-' word )* | "text" | 'text' | '_' | /regex/ | %TAG | @name(.name)*
              | '(' alts ')' | '<' seq '>' | '[' block ']'
    block    := count ( '=' name )? | entity ( '=' name )? | /regex/ ( '=' name )? | Start | End
    modifier := count ( '=' name )? | '=' name
    count    := ( N | N '-' M | N '+' ) '?'?       ('?' = non-greedy)

Choices where the reference is silent: rules must be separated by a space, as in the reference
library (`mus(ic|eum)` is an error whose hint suggests the regex `/mus(ic|eum)/`, instead of
silently meaning two words); a `'` between two letters belongs to the word, and such a word
(`don't`) is a `Literal`, since the tokenizer splits it; entities, regexes and concepts may be
optional or repeated; `_` and ranges take only a capture; `[Start]`/`[End]` take no modifier;
counts are capped by `limits.regex_repeat`. Whole-pattern shortcuts: `.*` is `[1+]`, and a
pattern starting with `^` is one regex.

Speed: the compiler parses every trigger of a bot (thousands), so the hot paths index the text
directly and read whole runs (a word, whitespace, a name) with one precompiled `re` match instead
of a method call per character. Blocks (`[…]`) have one reader, `parse_block`, which also words
every error about them.
"""

from __future__ import annotations

import re

from collections.abc import Callable

import attrs

from ..limits import DEFAULT_LIMITS, Limits
from .atoms import (
    Block,
    Cursor,
    is_word_char,
    spaces_end,
)
from .pattern_error import PatternError
from .tree import (
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
    Repeat,
    Rule,
    Seq,
    Start,
    Word,
)

_RULE_STARTS = frozenset("\"'_/%@(<[")
#: Punctuation written in a pattern outside BML syntax: optional, it matches with or without the
#: mark (the matcher tries the message's words without punctuation first), never a compile error.
OPTIONAL_PUNCTUATION = ",.!;:"
_PUNCTUATION_RUN = re.compile("[" + re.escape(OPTIONAL_PUNCTUATION) + "]+")
_SEQUENCE_ENDS = frozenset("|)>")
_MODIFIER_STARTS = frozenset("?[")


def parse_bml(text: str, limits: Limits = DEFAULT_LIMITS) -> Pattern:
    """Parse a BML pattern; raise `PatternError` with offsets into `text` when it is invalid."""
    stripped = text.strip()
    if not stripped:
        return Pattern(text=text, root=None, never_matches=True)
    if stripped == ".*":
        lead = len(text) - len(text.lstrip())
        return Pattern(
            text=text,
            root=Range(min=1, max=None, greedy=True, start=lead, end=lead + 2),
        )
    parser = _Parser(text, limits)
    try:
        if stripped[0] == "^":
            lead = len(text) - len(text.lstrip())
            root: Rule = parser.whole_regex(lead, lead + len(stripped))
        else:
            root = parser.parse()
    except RecursionError:
        # Only reachable when `syntax_nesting` is configured above what Python's stack allows.
        raise PatternError(
            "pattern nests too deeply",
            parser.deepest,
            parser.deepest + 1,
            "split the pattern into simpler patterns",
        ) from None
    return Pattern(text=text, root=root)


class _Parser(Cursor):
    """Recursive descent for groups, permutations, sequences and modifiers."""

    __slots__ = ("depth", "deepest")

    def __init__(self, text: str, limits: Limits) -> None:
        super().__init__(text, limits)
        self.depth = 0
        self.deepest = 0

    def enter(self, at: int) -> None:
        """Count one more open `(`/`<`; refuse to go past `limits.syntax_nesting`."""
        self.depth += 1
        self.deepest = at
        if self.depth > self.limits.syntax_nesting:
            self.fail(
                f"groups nest deeper than {self.limits.syntax_nesting} levels",
                at,
                hint="split the pattern into simpler patterns",
            )

    def parse(self) -> Rule:
        root = self.parse_alts()
        char = self.peek()
        if char == ")":
            self.fail("unmatched `)`", self.pos, hint="remove it or add a `(` before it")
        if char == ">":
            self.fail("unmatched `>`", self.pos, hint="remove it or add a `<` before it")
        if root is None and not self.text[self.pos:].strip() and self.text.strip():  # only optional punctuation
            self.fail("the pattern has only punctuation, which is optional: it would match anything", 0,
                      hint="write the words to match, or quote the punctuation to require it, like `'!'`")
        if root is None or char is not None:  # pragma: no cover - parse_alts stops only there
            raise PatternError("unexpected end of pattern", self.pos, self.pos + 1)
        return root

    def parse_alts(self, opener: int | None = None) -> Rule | None:
        """Alternatives up to the end, `)` or `>`; None when there is no rule at all.

        An alternative of several rules is a `Seq` over its own span. Inside a group (`opener`
        is the offset of its `(`) the `Seq` or `Alt` that is the group's whole content spans the
        parentheses instead: from `opener` to just past the `)` where the content stops
        (`parse_group` refuses the group if it stops anywhere else). Knowing the span here
        means no node is built twice.
        """
        options: list[Rule] = []
        bar: int | None = None
        text, size = self.text, self.size
        while True:
            first, items, end = self.parse_seq(True)
            if not items:
                if bar is not None:
                    self.fail(
                        "missing rule after `|`",
                        bar,
                        hint="remove the extra `|` or add a rule after it",
                    )
                if self.peek() == "|":  # after optional punctuation (`. | a`)
                    self.fail(
                        "missing rule before `|`",
                        self.pos,
                        hint="remove the `|` or add a rule before it",
                    )
                return None
            bar = self.pos
            more = bar < size and text[bar] == "|"
            if not (more or options):
                break  # the only alternative
            if len(items) == 1:
                options.append(items[0])
            else:
                options.append(Seq(items=tuple(items), start=first, end=end))
            if not more:
                if opener is None:
                    return Alt(options=tuple(options), start=options[0].start, end=options[-1].end)
                return Alt(options=tuple(options), start=opener, end=bar + 1)
            self.pos = bar + 1
        if opener is not None:
            first, end = opener, bar + 1
        if len(items) > 1:
            return Seq(items=tuple(items), start=first, end=end)
        rule = items[0]
        if opener is not None and isinstance(rule, Alt):  # `((a | b))`: the outer group's span
            return Alt(options=rule.options, start=first, end=end)
        return rule

    def parse_seq(self, splice: bool) -> tuple[int, list[Rule], int]:
        """Space-separated rules up to `|`, `)`, `>` or the end, with where the sequence starts
        (after leading whitespace) and ends (after its last rule).

        A group's sequence is spliced into this one when `splice`. Whitespace before the first
        rule and after the last is skipped (`pos` is past it), so the caller sees the next `|`,
        `)` or `>` at once. The hottest loop of the parser, so it reads `text` directly:
        whitespace and optional punctuation are skipped here, a rule goes straight to its
        reader, and `parse_modifiers` runs only when a `?` or `[` follows a rule.
        """
        text, size = self.text, self.size
        items: list[Rule] = []
        spaced = True
        pos = spaces_end(text, self.pos)
        first = end = pos
        while pos < size and (char := text[pos]) not in _SEQUENCE_ENDS:
            if char in OPTIONAL_PUNCTUATION:  # SPEC §7b: written punctuation is optional, never an error
                end = _PUNCTUATION_RUN.match(text, pos).end()  # type: ignore[union-attr]
                pos = spaces_end(text, end)
                spaced = True
                continue
            self.pos = pos
            if not spaced:
                self.missing_space(items[-1], char)
            if is_word_char(char):
                rule = self.parse_word()
            elif (reader := _ATOM_READERS.get(char)) is not None:
                rule = reader(self)
            else:
                self.unexpected(char)
            end = self.pos
            if end < size and text[end] in _MODIFIER_STARTS:
                rule = self.parse_modifiers(rule, pos)
                end = self.pos
            if splice and isinstance(rule, Seq):
                items.extend(rule.items)
            else:
                items.append(rule)
            pos = spaces_end(text, end)
            spaced = pos > end
        self.pos = pos
        return first, items, end

    def ends_sentence(self, at: int) -> bool:
        """Whether the `?` at `at` ends a sentence written as a bot would say it: the pattern
        starts with a capital and nothing but punctuation follows (`How are you?`), or a space and
        a capitalised word follows (`Open today? Tell me`). A lowercase trigger keeps BML's
        meaning: `a b?` makes `b` optional (the reference table of the notes)."""
        rest = self.text[at + 1:]
        stripped = rest.lstrip(OPTIONAL_PUNCTUATION + "?")
        if not stripped.strip():
            return self.text.lstrip()[:1].isupper()
        return stripped[:1].isspace() and stripped.lstrip()[:1].isupper()

    def missing_space(self, previous: Rule, char: str) -> None:
        if not (is_word_char(char) or char in _RULE_STARTS):
            self.unexpected(char)
        hint = f"add a space before `{char}`"
        if char == "(" and isinstance(previous, (Word, Compound)):
            hint = (
                "write a regex to match part of a word, like `/mus(ic|eum)/`, "
                "or add a space before `(`"
            )
        self.fail(f"missing space before `{char}`", self.pos, hint=hint)

    # -- atoms: `_ATOM_READERS` maps the character that starts each one to its reader ---------

    def parse_standalone_block(self) -> Rule:
        return self.standalone_block(self.parse_block(standalone=True))

    def parse_quoted(self) -> Rule:
        return self.parse_literal(self.text[self.pos])

    def parse_any(self) -> Rule:
        start = self.pos
        self.pos += 1
        return Any(start=start, end=self.pos)

    def parse_pos(self) -> Rule:
        start = self.pos
        tag, _ = self.parse_path("%", "a part-of-speech tag", "%VERB", dotted=False)
        return Pos(tag=tag[0], start=start, end=self.pos)

    def parse_concept(self) -> Rule:
        start = self.pos
        path, _ = self.parse_path("@", "a concept name", "@flower", dotted=True)
        return Concept(path=path, start=start, end=self.pos)

    def parse_group(self) -> Rule:
        opener = self.pos
        self.enter(opener)
        self.pos += 1
        inner = self.parse_alts(opener)
        char = self.text[self.pos] if self.pos < self.size else None
        if char is None:
            self.fail("unclosed `(`", opener, hint="add a `)` to close the group")
        if char == ">":
            self.fail(
                "unmatched `>`",
                self.pos,
                hint="remove it, or close the group with `)` first",
            )
        self.pos += 1
        self.depth -= 1
        if inner is None:
            self.fail(
                "empty group",
                opener,
                self.pos,
                "put rules inside the parentheses or remove them",
            )
        return inner

    def parse_perm(self) -> Rule:
        opener = self.pos
        self.enter(opener)
        self.pos += 1
        _, items, _ = self.parse_seq(False)
        char = self.peek()
        if char is None:
            self.fail("unclosed `<`", opener, hint="add a `>` to close the permutation")
        if char == ")":
            self.fail(
                "unmatched `)`",
                self.pos,
                hint="remove it, or close the permutation with `>` first",
            )
        if char == "|":
            self.fail(
                "alternatives inside `< >` need parentheses",
                self.pos,
                hint="wrap them in a group, like `< (a | b) c >`",
            )
        self.pos += 1
        self.depth -= 1
        if not items:
            self.fail(
                "empty permutation",
                opener,
                self.pos,
                "put rules between `<` and `>` or remove them",
            )
        return Perm(items=tuple(items), start=opener, end=self.pos)

    def standalone_block(self, block: Block) -> Rule:
        """A `[…]` that is a rule of its own: a range, an entity, a regex or an anchor."""
        start, end = block.start, block.end
        if block.anchor == "Start":
            return Start(start=start, end=end)
        if block.anchor == "End":
            return End(start=start, end=end)
        if block.kind is not None:
            return Entity(kind=block.kind, name=block.name or block.kind, start=start, end=end)
        rule: Rule
        if block.regex is not None:
            # `[/re/]` alone spans its brackets; with `=name` the capture does.
            rule = block.regex if block.name else attrs.evolve(block.regex, start=start, end=end)
        else:
            assert block.count is not None
            count = block.count
            rule = Range(min=count.min, max=count.max, greedy=count.greedy, start=start, end=end)
        if block.name is not None:
            rule = Capture(rule=rule, name=block.name, start=start, end=end)
        return rule

    def parse_modifiers(self, rule: Rule, start: int) -> Rule:
        """Apply `?` and `[count=name]` blocks written directly after a rule."""
        base = rule.rule if isinstance(rule, Capture) else rule
        captured = base is not rule
        optional = repeated = False
        text, size = self.text, self.size
        while (at := self.pos) < size and (char := text[at]) in _MODIFIER_STARTS:
            if isinstance(base, (Start, End)):
                self.fail(
                    f"{_describe(base)} cannot take modifiers",
                    at,
                    hint="remove what follows it, or add a space",
                )
            if char == "?" and isinstance(base, (Word, Compound, Literal)) and self.ends_sentence(at):
                self.pos += 1  # "How are you?": a question mark, not `you` made optional (SPEC §7b)
                while self.peek() is not None and self.peek() in OPTIONAL_PUNCTUATION + "?":
                    self.pos += 1
                break
            if char == "?":
                if isinstance(base, (Any, Range)):
                    hint = "remove the `?`"
                    if isinstance(base, Range):
                        hint = "start the range at 0, like `[0-2]`"
                    self.fail(f"{_describe(base)} cannot be optional", at, hint=hint)
                if repeated:
                    self.fail(
                        "`?` cannot be combined with a repeat",
                        at,
                        hint="remove the `?`, or start the repeat at 0, like `[0-2]`",
                    )
                if optional:
                    self.fail("rule is already optional", at, hint="remove the extra `?`")
                self.pos += 1
                rule = Optional(rule=rule, start=start, end=self.pos)
                optional = True
                continue
            block = self.parse_block(standalone=False)
            count, name, name_start, end = block.count, block.name, block.name_start, block.end
            if count is not None:
                if isinstance(base, (Any, Range)):
                    self.fail(
                        f"{_describe(base)} cannot be repeated",
                        at,
                        end,
                        "write a single range instead, like `[2-4]`",
                    )
                if optional:
                    self.fail(
                        "`?` cannot be combined with a repeat",
                        at,
                        end,
                        "remove the `?`, or start the repeat at 0, like `[0-2]`",
                    )
                if repeated:
                    self.fail(
                        "rule is already repeated",
                        at,
                        end,
                        "combine the repeats into one, like `[2-4]`",
                    )
                rule = Repeat(
                    rule=rule,
                    min=count.min,
                    max=count.max,
                    greedy=count.greedy,
                    start=start,
                    end=end,
                )
                repeated = True
            if name is not None:
                if captured:
                    self.fail(
                        "rule is already captured",
                        name_start,
                        end - 1,
                        "keep one capture name",
                    )
                rule = Capture(rule=rule, name=name, start=start, end=end)
                captured = True
        return rule


#: How each rule other than a word starts (words start with any other `is_word_char`).
_ATOM_READERS: dict[str, Callable[[_Parser], Rule]] = {
    "(": _Parser.parse_group,
    "<": _Parser.parse_perm,
    "[": _Parser.parse_standalone_block,
    '"': _Parser.parse_quoted,
    "'": _Parser.parse_quoted,
    "/": _Parser.parse_regex,
    "_": _Parser.parse_any,
    "%": _Parser.parse_pos,
    "@": _Parser.parse_concept,
}


def _describe(rule: Rule) -> str:
    if isinstance(rule, Start):
        return "`[Start]`"
    if isinstance(rule, End):
        return "`[End]`"
    if isinstance(rule, Any):
        return "`_`"
    return "a range"
