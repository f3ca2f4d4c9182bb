"""The naive tokenizer (runtime matching): a message -> the token lists BML patterns run on.

Input: the message text (only its first `limits.match_text_chars` characters are used, SPEC
§13), the conversation clock and timezone for entities. Output: a `Sentence` with every token and
the tokenizations to try, in the order of reference §10.1: entity-enriched ones first (an entity
token replaces the tokens it covers), then the words without punctuation, then with punctuation
(only if different). That order is why punctuation is optional in patterns yet matchable with a
quoted literal (`hello '.'`).

Tokens split on whitespace, and each punctuation character of §10.1 is a token of its own. A
token's `value` is `normalize_word` (shared with the pattern parser, so trigger words and message
words fold alike) with non-word characters other than `+`/`-` removed; `norm` is `normalize_word`
of the raw text (so `😍` still matches `😍`); `lemma` comes from a tiny table (`was` -> `be`),
standing in for spaCy's lemmas. A whole message is one sentence, as in the naive tokenizer.
"""

from __future__ import annotations

import unicodedata

import attrs
import pendulum
import regex

from ...patterns.contractions import expand

from ...limits import DEFAULT_LIMITS, Limits
from ...patterns import normalize_word
from .scan import EntitySpan

# §10.1's punctuation, plus the typographic apostrophes `normalize_word` folds to `'`.
PUNCTUATION = frozenset("?!@#$%^&*();:,.<>[]\"'~`\u2019\u2018\u02bc\u02b9\u00b4\u2032\uff07")
_CLASS = "[" + regex.escape("".join(sorted(PUNCTUATION))) + "]"
# \x1c-\x1f are whitespace to Python's str.strip() but not to `\s`: split on them too, so token
# text never carries whitespace that a capture would then trim (found by hypothesis).
_TOKEN = regex.compile(rf"{_CLASS}|[^\s\x1c-\x1f{_CLASS[1:-1]}]+")
_NON_WORD = regex.compile(r"[^\w+\-]+")
# A token made only of dashes or bullets (a list item's "- ", a "—" between clauses) is
# punctuation: it must not stand between two words a pattern wants adjacent.
_DASHES = regex.compile(r"[-\u2010-\u2015\u2022\u00b7]+")

LEMMAS: dict[str, str] = dict.fromkeys(("am", "is", "are", "was", "were", "been", "being"), "be")
"""Lemmas the naive tokenizer knows: only the forms of `be`, which patterns use most."""

MAX_ENTITY_LAYERS = 3
"""At most this many entity-enriched tokenizations (each costs one more matching pass)."""


@attrs.frozen
class Token:
    """One token: `text` is as typed, `text == message[start:end]`.

    `kind` is "word", "punct" or "entity"; `forms` are the strings a pattern word may equal
    (value, norm, lemma); an entity token has the `entity` and no forms.
    """

    text: str
    start: int
    end: int
    kind: str
    value: str
    norm: str
    forms: frozenset[str]
    lemma: str | None = None
    entity: EntitySpan | None = None


@attrs.frozen
class Sentence:
    """A tokenized message: `text` is the part used for matching (regexes search it)."""

    text: str
    tokens: tuple[Token, ...]
    tokenizations: tuple[tuple[Token, ...], ...]
    entities: tuple[EntitySpan, ...]
    words: frozenset[str]
    """Every form of every token, for the trigger index."""


def make_token(text: str, start: int) -> Token:
    """A word or punctuation token for `text` found at `start`."""
    norm = normalize_word(text)
    if text in PUNCTUATION or _DASHES.fullmatch(text) or _is_emoji(text):
        return Token(text, start, start + len(text), "punct", "", norm, frozenset((norm,)))
    value = norm if norm.isalnum() else _NON_WORD.sub("", norm).strip()
    lemma = LEMMAS.get(value)
    forms = frozenset(form for form in (value, norm, lemma) if form)
    return Token(text, start, start + len(text), "word", value, norm, forms, lemma)


def _is_emoji(text: str) -> bool:
    """Emoji and other pictographs are punctuation (SPEC §7b): "hello 😍 world" matches
    `hello world`, and a pattern can still name one (`hello 😍`)."""
    return any(unicodedata.category(char) == "So" for char in text) and \
        all(unicodedata.category(char) in ("So", "Sk", "Mn", "Me", "Cf") for char in text)


def split_tokens(text: str) -> list[Token]:
    """The naive tokens of `text`, punctuation included, in order."""
    return [make_token(found.group(), found.start()) for found in _TOKEN.finditer(text)]


def tokenize(
    text: str,
    *,
    now: pendulum.DateTime | None = None,
    timezone: str | pendulum.Timezone = "UTC",
    limits: Limits = DEFAULT_LIMITS,
    entities: bool | frozenset[str] = True,
) -> Sentence:
    """Tokenize a message once; every trigger of the turn then matches against the result.
    `entities`: extract every entity kind (True), none (False), or only the kinds given (the
    ones the patterns tried need: a pattern can match no other)."""
    text = text[: limits.match_text_chars]
    tokens = tuple(split_tokens(text))
    words = tuple(token for token in tokens if token.kind != "punct")
    found = []
    if entities:
        from .entities import extract_entities  # loaded on first use: compiling its regexes costs start-up time

        found = extract_entities(text, now=now, timezone=timezone, limits=limits,
                                 kinds=None if entities is True else entities)
    aligned = _aligned(tokens, found) if found else []
    tokenizations: list[tuple[Token, ...]] = []
    for chosen in _layers(aligned):
        enriched = _replace(text, tokens, chosen)
        if enriched not in tokenizations:
            tokenizations.append(enriched)
    tokenizations.append(words)
    if len(words) != len(tokens):  # `words` is `tokens` without punctuation
        tokenizations.append(tokens)
    expanded = _expanded(tokens)
    if expanded is not None:  # "don't" is also "do not" (SPEC §7b)
        tokenizations.append(tuple(token for token in expanded if token.kind != "punct"))
    forms = frozenset().union(*(token.forms for token in (expanded or tokens))) | \
        frozenset().union(*(token.forms for token in tokens))
    return Sentence(
        text=text,
        tokens=tokens,
        tokenizations=tuple(tokenizations),
        entities=tuple(span for span, _, _ in aligned),
        words=forms,
    )


def _expanded(tokens: tuple[Token, ...]) -> tuple[Token, ...] | None:
    """The tokens with each contraction (`don ' t`) written out (`do not`), or None without one."""
    out: list[Token] = []
    index, changed = 0, False
    while index < len(tokens):
        if index + 2 < len(tokens) and tokens[index + 1].norm == "'" and tokens[index].kind == "word" and \
                tokens[index + 2].kind == "word" and tokens[index + 1].start == tokens[index].end and \
                (words := expand(tokens[index].value, tokens[index + 2].value)) is not None:
            start, end = tokens[index].start, tokens[index + 2].end
            out.extend(attrs.evolve(make_token(word, start), end=end) for word in words)
            index, changed = index + 3, True
            continue
        out.append(tokens[index])
        index += 1
    return tuple(out) if changed else None


def _aligned(
    tokens: tuple[Token, ...], spans: list[EntitySpan]
) -> list[tuple[EntitySpan, int, int]]:
    """Entities that start and end on token boundaries, with the token range they cover."""
    starts = {token.start: index for index, token in enumerate(tokens)}
    ends = {token.end: index for index, token in enumerate(tokens)}
    aligned = []
    for span in spans:
        first, last = starts.get(span.start), ends.get(span.end)
        if first is not None and last is not None and first <= last:
            aligned.append((span, first, last + 1))
    return aligned


def _layers(
    aligned: list[tuple[EntitySpan, int, int]],
) -> list[list[tuple[EntitySpan, int, int]]]:
    """Non-overlapping entity sets, one per entity tokenization, best first.

    Entities (sorted longest first, then by kind preference) go to the first layer they do not
    overlap; each layer is then filled up with earlier layers' entities that still fit, so
    "born 18 years ago" gives [time], [duration], [number] and `[number] years` still matches.
    """
    layers: list[list[tuple[EntitySpan, int, int]]] = []
    for item in aligned:
        for layer in layers:
            if not any(_overlap(item, other) for other in layer):
                layer.append(item)
                break
        else:
            if len(layers) < MAX_ENTITY_LAYERS:
                layers.append([item])
    filled = []
    for index, layer in enumerate(layers):
        chosen = list(layer)
        for earlier in layers[:index]:
            for item in earlier:
                if not any(_overlap(item, other) for other in chosen):
                    chosen.append(item)
        filled.append(sorted(chosen, key=lambda item: item[1]))
    return filled


def _overlap(a: tuple[EntitySpan, int, int], b: tuple[EntitySpan, int, int]) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def _replace(
    text: str, tokens: tuple[Token, ...], chosen: list[tuple[EntitySpan, int, int]]
) -> tuple[Token, ...]:
    """The words without punctuation, each chosen entity replacing the tokens it covers."""
    out: list[Token] = []
    starts = {first: (span, end) for span, first, end in chosen}
    index = 0
    while index < len(tokens):
        if index in starts:
            span, end = starts[index]
            norm = normalize_word(span.text)
            out.append(
                Token(span.text, span.start, span.end, "entity", norm, norm, frozenset(),
                      entity=span)
            )
            index = end
            continue
        if tokens[index].kind != "punct":
            out.append(tokens[index])
        index += 1
    return tuple(out)
