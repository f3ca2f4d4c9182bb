"""The BML backtracking engine (runtime matching): one pattern tree against one token list.

Input: a pattern rule, the tokens of one tokenization, the side tables `matcher.compile_pattern`
built (compiled regexes, literal words), the turn's `RegexBudget` and a shared step counter.
Output: for each rule, a generator of (end position, captures) in preference order; the caller
takes the first result of the whole pattern. Semantics are reference §10.2-§10.5:

- ranges (`_`, `[N-M]`) and repeats backtrack on their count, greedy ones from the largest;
  `_` is non-greedy (0–5 tokens, fewest first), `[N-M]` greedy unless written `[N-M?]`;
- an alternative `( … | … )` backtracks: each option's results are tried in turn, so an option
  is chosen only if the rest of the pattern then matches (`(x | x y) a` on "x y a");
- a permutation `< a b >` is `( a _ b | b _ a )`, searched without expanding the orderings: a
  depth-first walk over (items used, position) states that remembers failed states, and, like
  the alternative it stands for, commits to the first complete ordering found;
- a regex searches (unanchored) the message text from the current token on and consumes every
  token up to the end of its match.

Captures are an immutable linked list (entry, rest), so backtracking drops them for free. Python
recursion is bounded by the pattern's nesting, not by the message: a sequence, repeat or
permutation keeps its own explicit stack, so each group level costs about four generator frames
(some 400 at the parser's default `syntax_nesting` of 100; a `RecursionError` counts as giving
up). Every attempt costs a step: past `max_steps` the whole match gives up (`GiveUp`). The
permutation's memo makes its work at most (2^items x tokens) states, and the steps cap that too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import regex

from ...patterns import nodes as n
from ...patterns.contractions import expand_words
from .budget import RegexBudget
from .tokens import Token, split_tokens

Caps = tuple[Any, Any] | None
"""Captures as a linked list: (entry, older captures) or None."""
Results = Iterator[tuple[int, Caps]]

ANY_MAX = 5
DATE_GRAINS = frozenset({"day", "week", "month", "year"})
KIND_ALIASES = {"money": "amount_of_money"}
_MISSING = object()


class GiveUp(Exception):
    """The step budget of one match ran out."""


@attrs.frozen
class TokenEntry:
    """A capture of tokens `first:end` (of the tokenization it was made on)."""

    name: str
    first: int
    end: int
    value: Any = None
    kind: str | None = None


@attrs.frozen
class TextEntry:
    """A capture of message characters `start:end` (a regex's named group)."""

    name: str
    start: int
    end: int


@attrs.frozen
class SkipEntry:
    """A regex at token `pos` whose match starts at token `first`: the tokens between were
    skipped by its unanchored search and belong to no capture that starts at `pos`."""

    pos: int
    first: int


@attrs.define
class Steps:
    """Attempts left for one `match` call, shared by all its tokenizations and start positions."""

    left: int

    def tick(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise GiveUp


@attrs.define
class Tables:
    """What a compiled pattern precomputed for its nodes, keyed by `id(node)`."""

    text: str
    regexes: dict[int, regex.Pattern[str]]
    literals: dict[int, tuple[str, ...]]


class Engine:
    """Matches rules against one tokenization; see the module docstring for the semantics."""

    def __init__(
        self,
        tables: Tables,
        text: str,
        tokens: Sequence[Token],
        *,
        budget: RegexBudget,
        steps: Steps,
        regex_cache: dict[tuple[int, int], Any],
        concepts: ConceptTable,
    ) -> None:
        self.tables = tables
        self.text = text
        self.tokens = tokens
        self.n = len(tokens)
        self.budget = budget
        self.steps = steps
        self.regex_cache = regex_cache
        self.concepts = concepts

    def gen(self, rule: n.Rule, pos: int, caps: Caps) -> Results:
        """Every way `rule` can match from token `pos`, best first."""
        self.steps.tick()
        return _HANDLERS[type(rule)](self, rule, pos, caps)

    # -- leaves --------------------------------------------------------------------------------

    def word(self, rule: n.Word, pos: int, caps: Caps) -> Results:
        if pos < self.n and rule.value in self.tokens[pos].forms:
            yield pos + 1, caps

    def compound(self, rule: n.Compound, pos: int, caps: Caps) -> Results:
        """`was-machine`: one token `wasmachine`/`was-machine`, or the tokens `was machine`."""
        if pos < self.n:
            forms = self.tokens[pos].forms
            if "".join(rule.parts) in forms or "-".join(rule.parts) in forms:
                yield pos + 1, caps
        if self.covers(pos, rule.parts, lambda token, part: part in token.forms):
            yield pos + len(rule.parts), caps

    def literal(self, rule: n.Literal, pos: int, caps: Caps) -> Results:
        """Quoted text: its tokens must equal whole message tokens, punctuation included."""
        words = self.tables.literals[id(rule)]
        if words and self.covers(pos, words, lambda token, word: token.norm == word):
            yield pos + len(words), caps
        if not rule.quote and "'" in rule.value and pos < self.n and \
                rule.value.replace("'", "") in self.tokens[pos].forms:
            yield pos + 1, caps  # a word with an apostrophe: `harry's` also matches "harrys" (SPEC §7b)
        spelled = expand_words(words) if not rule.quote else None
        if spelled and self.covers(pos, spelled, lambda token, word: word in token.forms):
            yield pos + len(spelled), caps  # `don't` also matches "do not"

    def covers(self, pos: int, words: Sequence[str], same: Callable[[Token, str], bool]) -> bool:
        if pos + len(words) > self.n:
            return False
        tokens = self.tokens
        return all(
            tokens[pos + i].kind != "entity" and same(tokens[pos + i], word)
            for i, word in enumerate(words)
        )

    def range(self, rule: n.Any | n.Range, pos: int, caps: Caps) -> Results:
        """`_` and `[N-M]`: arbitrary tokens, the count backtracked (greedy: largest first)."""
        available = self.n - pos
        top = available if rule.max is None else min(rule.max, available)
        greedy = isinstance(rule, n.Range) and rule.greedy  # `_` takes as few tokens as it can (SPEC §7b)
        counts = range(top, rule.min - 1, -1) if greedy else range(rule.min, top + 1)
        for count in counts:
            self.steps.tick()
            yield pos + count, caps

    def entity(self, rule: n.Entity, pos: int, caps: Caps) -> Results:
        if pos >= self.n or (span := self.tokens[pos].entity) is None:
            return
        wanted = KIND_ALIASES.get(rule.kind, rule.kind)
        if wanted == span.kind or (
            wanted == "date" and span.kind == "time" and span.grain in DATE_GRAINS
        ):
            yield pos + 1, (TokenEntry(rule.name, pos, pos + 1, span.value, span.kind), caps)

    def search(self, rule: n.Regex, pos: int, caps: Caps) -> Results:
        """Search the text from this token on; consume the tokens up to the match's end. With
        the `T` flag, search this one token's text and consume just it."""
        if rule.per_token:
            yield from self.token_search(rule, pos, caps)
            return
        offset = self.tokens[pos].start if pos < self.n else len(self.text)
        key = (id(rule), offset)
        found = self.regex_cache.get(key, _MISSING)
        if found is _MISSING:
            pattern = self.tables.regexes[id(rule)]
            found = self.budget.search(pattern, self.text[offset:], self.tables.text)
            self.regex_cache[key] = found
        if found is None:
            return
        match_start, match_end = offset + found.start(), offset + found.end()
        first = pos
        while first < self.n and self.tokens[first].end <= match_start:
            first += 1
        after = first
        while after < self.n and self.tokens[after].start < match_end:
            after += 1
        if first > pos:
            caps = (SkipEntry(pos, min(first, after)), caps)
        for name in rule.group_names:
            start, end = found.span(name)
            if start >= 0:
                caps = (TextEntry(name, offset + start, offset + end), caps)
        yield after, caps

    def token_search(self, rule: n.Regex, pos: int, caps: Caps) -> Results:
        if pos >= self.n:
            return
        token = self.tokens[pos]
        key = (id(rule), "token", token.start, token.end)  # by text span: tokenizations differ
        found = self.regex_cache.get(key, _MISSING)
        if found is _MISSING:
            found = self.budget.search(self.tables.regexes[id(rule)], token.text, self.tables.text)
            self.regex_cache[key] = found
        if found is None:
            return
        for name in rule.group_names:
            start, end = found.span(name)
            if start >= 0:
                caps = (TextEntry(name, token.start + start, token.start + end), caps)
        yield pos + 1, caps

    def start(self, rule: n.Start, pos: int, caps: Caps) -> Results:
        if pos == 0:
            yield pos, caps

    def end(self, rule: n.End, pos: int, caps: Caps) -> Results:
        if pos == self.n:
            yield pos, caps

    def nothing(self, rule: n.Rule, pos: int, caps: Caps) -> Results:
        """`%POS`: the naive tokenizer has no part-of-speech tags, so it never matches."""
        return iter(())

    def concept(self, rule: n.Concept, pos: int, caps: Caps) -> Results:
        """`@flower`: any phrase of the host's concept list, in list order."""
        name = rule.capture_name
        for words in self.concepts.get(".".join(rule.path), ()):
            if words and self.covers(pos, words, lambda token, word: word in token.forms):
                end = pos + len(words)
                yield end, caps if name is None else (TokenEntry(name, pos, end), caps)

    # -- combinations --------------------------------------------------------------------------

    def seq(self, rule: n.Seq, pos: int, caps: Caps) -> Results:
        """Adjacent rules, with full backtracking between them (an explicit stack)."""
        items = rule.items
        stack = [self.gen(items[0], pos, caps)]
        while stack:
            result = next(stack[-1], None)
            if result is None:
                stack.pop()
            elif len(stack) == len(items):
                yield result
            else:
                stack.append(self.gen(items[len(stack)], *result))

    def alt(self, rule: n.Alt, pos: int, caps: Caps) -> Results:
        """Every result of each option, in order: an option is kept only if the rest of the
        pattern then matches, so `(x | x y) a` matches "x y a" (SPEC §7b, as bubble-match)."""
        for option in rule.options:
            yield from self.gen(option, pos, caps)

    def optional(self, rule: n.Optional, pos: int, caps: Caps) -> Results:
        return self.counted(rule.rule, 0, 1, True, pos, caps)

    def repeat(self, rule: n.Repeat, pos: int, caps: Caps) -> Results:
        return self.counted(rule.rule, rule.min, rule.max, rule.greedy, pos, caps)

    def counted(
        self, rule: n.Rule, low: int, high: int | None, greedy: bool, pos: int, caps: Caps
    ) -> Results:
        """`rule` repeated low..high times; greedy tries one more before stopping.

        A repetition that consumes nothing once `low` is reached is skipped, so `(a?)[0+]`
        cannot loop forever.
        """
        stack: list[list[Any]] = [[0, pos, caps, None]]
        while stack:
            frame = stack[-1]
            count, at, held, more = frame
            if more is None:
                if not greedy and count >= low:
                    yield at, held
                can_grow = high is None or count < high
                more = frame[3] = self.gen(rule, at, held) if can_grow else iter(())
            result = next(more, None)
            if result is None:
                stack.pop()
                if greedy and count >= low:
                    yield at, held
            elif result[0] != at or count < low:
                stack.append([count + 1, result[0], result[1], None])

    def capture(self, rule: n.Capture, pos: int, caps: Caps) -> Results:
        for end, inner in self.gen(rule.rule, pos, caps):
            yield end, (TokenEntry(rule.name, skipped_start(inner, caps, pos), end), inner)

    def perm(self, rule: n.Perm, pos: int, caps: Caps) -> Results:
        """`< a b c >`: the items in any order with up to `_` between them; first one wins."""
        items = rule.items
        full = (1 << len(items)) - 1
        failed: set[tuple[int, int]] = set()
        stack = [(0, pos, self.placements(items, full, 0, pos, caps))]
        while stack:
            mask, at, options = stack[-1]
            option = next(options, None)
            if option is None:
                failed.add((mask, at))
                stack.pop()
                continue
            used, end, held = option
            if used == full:
                yield end, held
                return
            if (used, end) not in failed:
                stack.append((used, end, self.placements(items, full, used, end, held)))

    def placements(
        self, items: tuple[n.Rule, ...], full: int, used: int, pos: int, caps: Caps
    ) -> Iterator[tuple[int, int, Caps]]:
        """Each unused item matched at `pos`, then (unless it was the last) a `_` gap."""
        for index, item in enumerate(items):
            bit = 1 << index
            if used & bit:
                continue
            for end, held in self.gen(item, pos, caps):
                if used | bit == full:
                    yield full, end, held
                    continue
                for gap in range(min(ANY_MAX, self.n - end), -1, -1):
                    self.steps.tick()
                    yield used | bit, end + gap, held


def skipped_start(caps: Caps, older: Caps, pos: int) -> int:
    """Where a match from `pos` really starts: after tokens a leading regex skipped.

    `caps` are the captures after the match, `older` those before it; only the entries in
    between (made by this match) are looked at.
    """
    while caps is not None and caps is not older:
        entry, caps = caps
        if isinstance(entry, SkipEntry) and entry.pos == pos:
            return entry.first
    return pos


class ConceptTable:
    """The host's concepts (`"flower"` or `"flower.sub"` -> phrases), tokenized on first use."""

    def __init__(self, concepts: Mapping[str, Sequence[str]] | None) -> None:
        self.concepts = concepts or {}
        self.cache: dict[str, list[tuple[str, ...]]] = {}

    def get(self, name: str, default: Sequence[tuple[str, ...]] = ()) -> Sequence[tuple[str, ...]]:
        if name not in self.cache:
            phrases = self.concepts.get(name)
            if phrases is None:
                return default
            self.cache[name] = [
                tuple(token.value for token in split_tokens(phrase) if token.kind == "word")
                for phrase in phrases
            ]
        return self.cache[name]


# One table for every engine (building a dict of bound methods per engine cost a third of a
# short match): rule class -> the method that matches it.
_HANDLERS: dict[type, Callable[..., Results]] = {
    n.Word: Engine.word, n.Compound: Engine.compound, n.Literal: Engine.literal,
    n.Any: Engine.range, n.Range: Engine.range, n.Entity: Engine.entity, n.Regex: Engine.search,
    n.Seq: Engine.seq, n.Alt: Engine.alt, n.Perm: Engine.perm, n.Optional: Engine.optional,
    n.Repeat: Engine.repeat, n.Capture: Engine.capture, n.Start: Engine.start,
    n.End: Engine.end, n.Pos: Engine.nothing, n.Concept: Engine.concept,
}


def extractor_kinds(kind: str) -> frozenset[str]:
    """The entity kinds an `[kind]` rule can match: what the message must be scanned for."""
    wanted = KIND_ALIASES.get(kind, kind)
    return frozenset({"time"} if wanted == "date" else {wanted})
