"""Word normalisation and the trigger index key (patterns layer).

Input: pattern text or a parsed pattern. Output: `normalize_word`, the one folding rule shared by
the pattern parser and the runtime tokenizer (so `Héllo` in a trigger meets "hellø" in a
message), and `index_words`, the words a message must contain for a pattern to have a chance.
The index is what keeps matching from trying every trigger on every message (SPEC §7b); it must
never exclude a message the matcher would accept, so when unsure it answers None.
"""

from __future__ import annotations

import unicodedata

import regex

from .contractions import expand_words
from .tree import (
    Alt,
    Capture,
    Compound,
    LegacyPattern,
    Literal,
    Optional,
    Pattern,
    Perm,
    Repeat,
    Rule,
    Seq,
    Word,
)

# Typographic apostrophes and quote-like marks authors and phones type for `'`.
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u02b9\u00b4\u0060\u2032\uff07"})
# Letters that carry no combining mark in NFKD but are "accented" to a reader (ø ~ o).
_FOLDS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)
# Tokenizer punctuation of reference §10.1: each is a token of its own, never part of a word.
_PUNCTUATION = regex.compile(r"""[\s?!@#$%^&*();:,.<>\[\]"'~`]+""")
_NON_WORD = regex.compile(r"[^\w+\-]+")


def normalize_word(text: str) -> str:
    """Fold text the way BML compares words: lower case, no accents, `'` for apostrophes.

    The runtime must fold message tokens with this same function, or index and matcher disagree.
    """
    if text.isascii():  # no accents to strip and nothing to fold but case and the backquote
        return text.lower().replace("`", "'")
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", text.casefold().translate(_FOLDS))


def literal_words(value: str) -> tuple[str, ...]:
    """The word token values a normalised literal spans (punctuation tokens left out)."""
    words = (_NON_WORD.sub("", part) for part in _PUNCTUATION.split(value))
    return tuple(word for word in words if word)


def index_words(pattern: Pattern | LegacyPattern) -> frozenset[str] | None:
    """Words of which at least one must appear in any message the pattern matches.

    None means "cannot tell" (the pattern may match without a fixed word: `[1+]`, `_`, a regex,
    an entity, a concept, `%POS`); the trigger must then be tried on every message. An empty set
    means the pattern never matches (the empty pattern). A message token counts as present when
    `normalize_word` of its text, of its token value or of its lemma is in the set, because the
    matcher accepts any of those for a word.
    """
    if isinstance(pattern, LegacyPattern):
        return None
    if pattern.root is None:
        return frozenset()
    return _required(pattern.root)


def _required(rule: Rule) -> frozenset[str] | None:
    if isinstance(rule, Word):
        return frozenset((rule.value,))
    if isinstance(rule, Compound):
        joined = "".join(rule.parts)
        return frozenset((joined, "-".join(rule.parts), max(rule.parts, key=len)))
    if isinstance(rule, Literal):
        words = literal_words(rule.value)
        if not words:
            return None
        if not rule.quote and "'" in rule.value:  # `harry's` also matches "harrys"; `don't` "do not"
            spelled = expand_words(tuple(rule.value.replace("'", " ' ").split()))
            return frozenset((max(words, key=len), rule.value.replace("'", ""), *(spelled or ())[-1:]))
        return frozenset((max(words, key=len),))
    if isinstance(rule, Capture):
        return _required(rule.rule)
    if isinstance(rule, Repeat):
        return _required(rule.rule) if rule.min > 0 else None
    if isinstance(rule, (Seq, Perm)):
        candidates = [found for item in rule.items if (found := _required(item)) is not None]
        if not candidates:
            return None
        return min(candidates, key=lambda words: (len(words), -min(map(len, words))))
    if isinstance(rule, Alt):
        union: set[str] = set()
        for option in rule.options:
            found = _required(option)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if isinstance(rule, Optional):
        return None
    return None
