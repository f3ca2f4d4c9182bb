"""The pattern tree (patterns layer): what a BML or legacy trigger string means, as data.

Input: built by `bml.parse_bml` and `legacy.parse_legacy`. Output: frozen attrs nodes that the
runtime matcher walks and the checker inspects, plus `dump` for snapshots and `capture_names`.
Nodes never match anything themselves and hold no compiled objects: a `Regex` keeps the checked
source, which the matcher compiles with `regexes.REGEX_FLAGS` (the `regex` module caches it).

Every node carries `start`/`end`: code point offsets into the pattern text (end exclusive). They
take no part in equality, so two patterns that differ only in spacing compare equal.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

# Duckling and spaCy entity kinds of reference §10.7; `[kind]` with another name is an error.
ENTITY_KINDS: frozenset[str] = frozenset(
    """
    amount_of_money credit_card_number distance duration email number ordinal phone_number
    quantity temperature time url volume
    date event fac gpe language law loc money norp org percent person product work_of_art
    """.split()
)

_offset = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Rule:
    """Base of every pattern node; a rule matches a run of consecutive tokens."""

    start: int = _offset
    end: int = _offset


@attrs.frozen(kw_only=True)
class Word(Rule):
    """One token whose normalised value (or lemma) equals `value`; `text` is as written."""

    text: str
    value: str


@attrs.frozen(kw_only=True)
class Compound(Rule):
    """`was-machine`: matches `wasmachine`, `was-machine` or the words `was machine`."""

    text: str
    parts: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Literal(Rule):
    """Quoted text matched case- and accent-insensitively over whole tokens.

    `quote` is `"` or `'`, or empty for a bare word with an apostrophe (`don't`), which the
    tokenizer splits into several tokens and so is matched like a literal.
    """

    text: str
    value: str
    quote: str


@attrs.frozen(kw_only=True)
class Any(Rule):
    """`_`: zero to five arbitrary tokens, greedy."""

    @property
    def min(self) -> int:
        return 0

    @property
    def max(self) -> int:
        return 5


@attrs.frozen(kw_only=True)
class Range(Rule):
    """`[N]`, `[N-M]`, `[N+]` (max None): arbitrary tokens, greedy unless written `?`."""

    min: int
    max: int | None
    greedy: bool


@attrs.frozen(kw_only=True)
class Entity(Rule):
    """`[kind]` or `[kind=name]`: one entity token, captured under `name` (the kind by default)."""

    kind: str
    name: str


@attrs.frozen(kw_only=True)
class Regex(Rule):
    """`/re/` or `[/re/]`: `source` is unescaped (`\\/` -> `/`), compiled and within limits.

    `group_names` are the named groups, in order; each becomes a capture.
    """

    source: str
    group_names: tuple[str, ...]
    per_token: bool = False  # `/re/T`: tried on one token at a time, consuming that token


@attrs.frozen(kw_only=True)
class Seq(Rule):
    """Rules matching adjacent tokens, in order."""

    items: tuple[Rule, ...]


@attrs.frozen(kw_only=True)
class Alt(Rule):
    """`a | b` or `( a | b )`: the options are tried in order."""

    options: tuple[Rule, ...]


@attrs.frozen(kw_only=True)
class Perm(Rule):
    """`< a b c >`: the items in any order."""

    items: tuple[Rule, ...]


@attrs.frozen(kw_only=True)
class Optional(Rule):
    """`rule?`: the rule or nothing."""

    rule: Rule


@attrs.frozen(kw_only=True)
class Repeat(Rule):
    """`rule[N]`, `rule[N-M]`, `rule[N+]` (max None), greedy unless written with `?`."""

    rule: Rule
    min: int
    max: int | None
    greedy: bool


@attrs.frozen(kw_only=True)
class Capture(Rule):
    """`rule[=name]`: the tokens matched by `rule` are stored under `name`."""

    rule: Rule
    name: str


@attrs.frozen(kw_only=True)
class Start(Rule):
    """`[Start]`: the start of the sentence (token index 0)."""


@attrs.frozen(kw_only=True)
class End(Rule):
    """`[End]`: the end of the sentence (no tokens left)."""


@attrs.frozen(kw_only=True)
class Pos(Rule):
    """`%VERB`: a token with this part-of-speech tag (never matches without a tagger)."""

    tag: str


@attrs.frozen(kw_only=True)
class Concept(Rule):
    """`@flower` or `@flower.sub`: a word collection resolved by the host.

    A one-part concept is captured under its name, as in the reference library.
    """

    path: tuple[str, ...]

    @property
    def capture_name(self) -> str | None:
        return self.path[0].lower() if len(self.path) == 1 else None


@attrs.frozen(kw_only=True)
class Pattern:
    """A parsed BML pattern; `root` is None for an empty pattern, which never matches."""

    text: str
    root: Rule | None
    never_matches: bool = False


@attrs.frozen(kw_only=True)
class LegacyPattern:
    """A pre-BML `#<name>` trigger compiled to one case-insensitive regex searched anywhere."""

    text: str
    source: str
    capture_names: tuple[str, ...]
    rest_names: tuple[str, ...]
    start: int = _offset
    end: int = _offset


def iter_rules(rule: Rule) -> Iterator[Rule]:
    """Yield `rule` and every rule below it, depth first in source order."""
    stack = [rule]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(_children(node)))


def _children(rule: Rule) -> tuple[Rule, ...]:
    if isinstance(rule, (Seq, Perm)):
        return rule.items
    if isinstance(rule, Alt):
        return rule.options
    if isinstance(rule, (Optional, Repeat, Capture)):
        return (rule.rule,)
    return ()


def capture_names(pattern: Pattern | LegacyPattern) -> tuple[str, ...]:
    """Every name a match may bind, in source order without duplicates (for checks and docs)."""
    if isinstance(pattern, LegacyPattern):
        return pattern.capture_names
    if pattern.root is None:
        return ()
    names: list[str] = []
    for node in iter_rules(pattern.root):
        if isinstance(node, Capture):
            names.append(node.name)
        elif isinstance(node, Entity):
            names.append(node.name)
        elif isinstance(node, Concept) and node.capture_name is not None:
            names.append(node.capture_name)
        elif isinstance(node, Regex):
            names.extend(node.group_names)
    return tuple(dict.fromkeys(names))


def dump(pattern: Pattern | LegacyPattern | Rule) -> str:
    """A readable tree, one field per line, with `@start-end` offsets, for snapshot tests."""
    lines: list[str] = []
    if isinstance(pattern, Pattern):
        lines.append(f"Pattern {pattern.text!r}")
        lines.append(f"  never_matches: {pattern.never_matches}")
        if pattern.root is None:
            lines.append("  root: None")
        else:
            _dump_rule(pattern.root, "root", 1, lines)
    elif isinstance(pattern, LegacyPattern):
        lines.append(f"LegacyPattern {pattern.text!r} @{pattern.start}-{pattern.end}")
        lines.append(f"  source: {pattern.source!r}")
        lines.append(f"  capture_names: {pattern.capture_names!r}")
        lines.append(f"  rest_names: {pattern.rest_names!r}")
    else:
        _dump_rule(pattern, "rule", 0, lines)
    return "\n".join(lines) + "\n"


def _dump_rule(rule: Rule, label: str, indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    lines.append(f"{pad}{label}: {type(rule).__name__} @{rule.start}-{rule.end}")
    for field in attrs.fields(type(rule)):
        if field.name in ("start", "end"):
            continue
        value = getattr(rule, field.name)
        if isinstance(value, Rule):
            _dump_rule(value, field.name, indent + 1, lines)
        elif isinstance(value, tuple) and value and isinstance(value[0], Rule):
            for index, child in enumerate(value):
                _dump_rule(child, f"{field.name}[{index}]", indent + 1, lines)
        else:
            lines.append(f"{pad}  {field.name}: {value!r}")
