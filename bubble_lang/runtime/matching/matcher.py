"""The runtime matcher (runtime matching): a parsed pattern + a message -> captures, or None.

Input: a `Pattern` from `patterns.parse_bml` or a `LegacyPattern` from `patterns.parse_legacy`
(compiled once with `compile_pattern`), and a message (a text, or a `Sentence` that `tokenize`
made once for all triggers of the turn). Output: a `Match` with its captures, or None. Errors:
only `MatchBudgetExceeded` (a regex ran out of time), never anything else; a pattern that needs
more than `max_steps` attempts (default `MAX_STEPS`) gives up as "no match" and its text is
appended to `budget.gave_up`, so a pathological pattern costs a bounded amount and is reported,
but does not end the turn.

A BML pattern is tried on each tokenization of the message in order (§10.1), and on each of
them from every start token (the implicit non-greedy prefix of §10.2; only token 0 when the
pattern starts with `[Start]`); the first success wins. A legacy trigger is one regex searched
anywhere in the message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pendulum
import regex

from ...limits import DEFAULT_LIMITS, Limits
from ...patterns import (
    REGEX_FLAGS,
    Entity,
    LegacyPattern,
    Literal,
    Pattern,
    Regex,
    Seq,
    Start,
    index_words,
    is_legacy_trigger,
    iter_rules,
    parse_bml,
    parse_legacy,
)
from .budget import RegexBudget
from .engine import (
    Caps,
    ConceptTable,
    Engine,
    GiveUp,
    Steps,
    Tables,
    TextEntry,
    TokenEntry,
    extractor_kinds,
    skipped_start,
)
from .tokens import Sentence, Token, split_tokens, tokenize

MAX_STEPS = 100_000
"""Attempts one `match` may make (rule tries, range counts) before it gives up as no match."""


@attrs.frozen
class Capture:
    """A captured part of the message.

    `text` is the original text from the first captured token to the last, trimmed (a regex's
    named group: exactly the group's text, trimmed); `value` is the entity's normalised value for
    an entity capture, else `text`; `kind` is the entity kind or None; `start`/`end` are
    character offsets into the message; `tokens` are the tokens captured (0 for `[0-2=x]` on
    nothing).
    """

    text: str
    value: Any
    start: int
    end: int
    tokens: tuple[Token, ...] = ()
    kind: str | None = None

    def __str__(self) -> str:
        return self.text


@attrs.frozen
class Match:
    """A successful match: captures by name, and the matched part of the message.

    For a legacy trigger `entity` is the matched part (SPEC §7b: `entity`), else None.
    """

    captures: dict[str, Capture]
    text: str
    start: int
    end: int
    entity: Capture | None = None


@attrs.frozen(eq=False)
class CompiledPattern:
    """A pattern ready to match: its regexes compiled, its literals tokenized, its index words."""

    pattern: Pattern | LegacyPattern
    index_words: frozenset[str] | None
    anchored: bool
    tables: Tables
    legacy: regex.Pattern[str] | None = None
    # The entity kinds its `[number]`, `[time=pickup]` rules match: only those are extracted from
    # the message (the extractors are a dozen regexes each, 40 % of a pizza-order turn).
    entities: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return self.pattern.text


def compile_pattern(pattern: Pattern | LegacyPattern) -> CompiledPattern:
    """Prepare a parsed pattern for matching (once per pattern, at bot load)."""
    tables = Tables(text=pattern.text, regexes={}, literals={})
    entities: frozenset[str] = frozenset()
    if isinstance(pattern, LegacyPattern):
        legacy = regex.compile(pattern.source, REGEX_FLAGS)
        return CompiledPattern(pattern, None, False, tables, legacy)
    root = pattern.root
    if root is not None:
        for node in iter_rules(root):
            if isinstance(node, Regex):
                # `/re/T` must match a whole token, as bubble-match anchors it (`^re$`): `/\d{4}/T`
                # is not found in "01234"
                source = f"^(?:{node.source})$" if node.per_token else node.source
                tables.regexes[id(node)] = regex.compile(source, REGEX_FLAGS)
            elif isinstance(node, Literal):
                tables.literals[id(node)] = tuple(token.norm for token in split_tokens(node.value))
            elif isinstance(node, Entity):
                entities |= extractor_kinds(node.kind)
    first = root.items[0] if isinstance(root, Seq) else root
    anchored = isinstance(first, Start)
    return CompiledPattern(pattern, index_words(pattern), anchored, tables, entities=entities)


def compile_text(text: str, limits: Limits = DEFAULT_LIMITS) -> CompiledPattern:
    """Parse and compile a pattern string: legacy when it has `#<`, else BML (`PatternError`)."""
    if is_legacy_trigger(text):
        return compile_pattern(parse_legacy(text, limits))
    return compile_pattern(parse_bml(text, limits))


def match(
    compiled: CompiledPattern,
    text: str,
    *,
    now: pendulum.DateTime | None = None,
    timezone: str | pendulum.Timezone = "UTC",
    budget: RegexBudget | None = None,
    concepts: Mapping[str, Sequence[str]] | None = None,
    max_steps: int = MAX_STEPS,
) -> Match | None:
    """Match one pattern against a message text (tokenizes it; see `match_sentence`)."""
    budget = budget if budget is not None else RegexBudget()
    needs_entities = compiled.legacy is None
    sentence = tokenize(
        text, now=now, timezone=timezone, limits=budget.limits, entities=needs_entities
    )
    return match_sentence(compiled, sentence, budget=budget, concepts=concepts, max_steps=max_steps)


def match_sentence(
    compiled: CompiledPattern,
    sentence: Sentence,
    *,
    budget: RegexBudget | None = None,
    concepts: Mapping[str, Sequence[str]] | ConceptTable | None = None,
    max_steps: int = MAX_STEPS,
) -> Match | None:
    """Match one pattern against a tokenized message; the first tokenization that matches wins.

    Raises `MatchBudgetExceeded` when a regex runs out of time; returns None (and records the
    pattern in `budget.gave_up`) when the step budget runs out.
    """
    budget = budget if budget is not None else RegexBudget()
    if compiled.legacy is not None:
        return _match_legacy(compiled, sentence, budget)
    root = compiled.pattern.root  # type: ignore[union-attr]
    if root is None or compiled.pattern.never_matches:  # type: ignore[union-attr]
        return None
    steps = Steps(max_steps)
    cache: dict[tuple[int, int], Any] = {}
    table = concepts if isinstance(concepts, ConceptTable) else ConceptTable(concepts)
    try:
        for tokens in sentence.tokenizations:
            engine = Engine(compiled.tables, sentence.text, tokens, budget=budget, steps=steps,
                            regex_cache=cache, concepts=table)
            for first in [0] if compiled.anchored else range(len(tokens) + 1):
                for end, caps in engine.gen(root, first, None):
                    return _build(sentence.text, tokens, first, end, caps)
    except (GiveUp, RecursionError):
        budget.gave_up.append(compiled.text)
    return None


def _match_legacy(
    compiled: CompiledPattern, sentence: Sentence, budget: RegexBudget
) -> Match | None:
    assert compiled.legacy is not None
    found = budget.search(compiled.legacy, sentence.text, compiled.text)
    if found is None:
        return None
    captures: dict[str, Capture] = {}
    for name in compiled.pattern.capture_names:  # type: ignore[union-attr]
        start, end = found.span(name)
        if start >= 0:
            captures[name] = _text_capture(sentence.text, sentence.tokens, start, end)
    whole = _text_capture(sentence.text, sentence.tokens, found.start(), found.end())
    return Match(captures=captures, text=whole.text, start=whole.start, end=whole.end,
                 entity=whole)


def _build(text: str, tokens: Sequence[Token], first: int, end: int, caps: Caps) -> Match:
    first = skipped_start(caps, None, first)
    entries = []
    while caps is not None:
        entry, caps = caps
        entries.append(entry)
    captures: dict[str, Capture] = {}
    for entry in reversed(entries):  # oldest first: a later capture of a name wins
        if isinstance(entry, TextEntry):
            captures[entry.name] = _text_capture(text, tokens, entry.start, entry.end)
        elif isinstance(entry, TokenEntry):
            captures[entry.name] = _token_capture(text, tokens, entry)
    whole = _token_capture(text, tokens, TokenEntry("", first, end))
    return Match(captures=captures, text=whole.text, start=whole.start, end=whole.end)


def _token_capture(text: str, tokens: Sequence[Token], entry: TokenEntry) -> Capture:
    covered = tuple(tokens[entry.first : entry.end])
    if covered:
        start, end = covered[0].start, covered[-1].end
    else:
        start = end = tokens[entry.first].start if entry.first < len(tokens) else len(text)
    raw = text[start:end].strip()
    value = raw if entry.kind is None else entry.value
    return Capture(raw, value, start, end, covered, entry.kind)


def _text_capture(text: str, tokens: Sequence[Token], start: int, end: int) -> Capture:
    """Characters `start:end` trimmed, with the tokens they overlap."""
    raw = text[start:end]
    start += len(raw) - len(raw.lstrip())
    end -= len(raw) - len(raw.rstrip())
    end = max(end, start)
    covered = tuple(token for token in tokens if token.start < end and token.end > start)
    trimmed = text[start:end]
    return Capture(trimmed, trimmed, start, end, covered)
