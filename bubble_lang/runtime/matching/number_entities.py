"""English number and ordinal words (runtime matching): `twenty one` -> 21, `third` -> 3.

Input: a run of lower-case words that follow each other in a message. Output: the value the
longest valid prefix of the run spells and how many words it used, or None. Used by the number,
ordinal, duration and relative-time extractors, so "in two hours" and "a hundred" read the same
everywhere. It is a small grammar, not a guesser: `five five` is two numbers, `and` only joins
after `hundred`/`thousand` (`one hundred and five`), `a` only counts before a scale (`a hundred`).
"""

from __future__ import annotations

from collections.abc import Sequence

UNITS: dict[str, int] = {
    word: value
    for value, word in enumerate("one two three four five six seven eight nine".split(), 1)
}
TEENS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
        10,
    )
}
TENS: dict[str, int] = {
    word: value * 10
    for value, word in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(), 2
    )
}
SCALES: dict[str, int] = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

ORDINALS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
        thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth""".split(),
        1,
    )
}
ORDINALS.update(
    {
        word: value * 10
        for value, word in enumerate(
            "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split(),
            2,
        )
    }
)
ORDINALS.update({"hundredth": 100, "thousandth": 1_000})

NUMBER_WORDS: frozenset[str] = frozenset(
    {"zero", "a", "an", "and", "hundred", *UNITS, *TEENS, *TENS, *SCALES}
)
"""Every word that may be part of a spelled number (the scanners look for runs of these)."""

# Which word classes may follow which (None = at the start of the number).
_FOLLOWS: dict[str, frozenset[str | None]] = {
    "unit": frozenset({None, "tens", "hundred", "scale", "and"}),
    "teen": frozenset({None, "hundred", "scale", "and"}),
    "tens": frozenset({None, "hundred", "scale", "and"}),
    "hundred": frozenset({"a", "unit", "teen", "tens"}),
    "scale": frozenset({"a", "unit", "teen", "tens", "hundred"}),
}


_BIG = ("hundred", "scale")


def _classify(word: str) -> tuple[str, int] | None:
    if word in UNITS:
        return "unit", UNITS[word]
    if word in TEENS:
        return "teen", TEENS[word]
    if word in TENS:
        return "tens", TENS[word]
    if word == "hundred":
        return "hundred", 100
    if word in SCALES:
        return "scale", SCALES[word]
    return None


def read_number_words(words: Sequence[str]) -> tuple[int, int] | None:
    """The value of the longest prefix of `words` that spells a number, and its length."""
    if not words:
        return None
    if words[0] == "zero":
        return 0, 1
    total = current = 0
    last: str | None = None
    last_scale: int | None = None
    best: tuple[int, int] | None = None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("a", "an"):
            if last is not None or not (following == "hundred" or following in SCALES):
                break
            current, last = 1, "a"
            continue
        if word == "and":
            after = _classify(following)
            if last not in ("hundred", "scale") or after is None or after[0] in _BIG:
                break
            last = "and"
            continue
        found = _classify(word)
        if found is None or last not in _FOLLOWS[found[0]]:
            break
        kind, value = found
        if kind == "hundred":
            if current >= 100:
                break
            current *= 100
        elif kind == "scale":
            if last_scale is not None and value >= last_scale:
                break
            total += current * value
            current, last_scale = 0, value
        else:
            current += value
        last = kind
        best = (total + current, index + 1)
    return best


def read_ordinal_words(words: Sequence[str]) -> tuple[int, int] | None:
    """`third` -> (3, 1); `twenty first` -> (21, 2); None when `words` do not start one."""
    if not words:
        return None
    if words[0] in ORDINALS:
        return ORDINALS[words[0]], 1
    if words[0] in TENS and len(words) > 1 and words[1] in ORDINALS and ORDINALS[words[1]] < 10:
        return TENS[words[0]] + ORDINALS[words[1]], 2
    return None


def plain_number(value: float) -> int | float:
    """Integral values are ints (SPEC §4: numbers from entities), others floats."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


_WORD_ALTS = "|".join(
    sorted(NUMBER_WORDS - {"a", "an", "and"}, key=len, reverse=True)
)
SPELLED = (
    rf"(?:(?:an?\s+)?(?:{_WORD_ALTS})(?:[\s-]+(?:and[\s-]+)?(?:{_WORD_ALTS})){{0,8}}|an?)"
)
"""Regex source for a spelled count (`an`, `two`, `twenty one`, `a hundred`) inside other
expressions (`in two hours`, `an hour`); check the text with `spelled_number`. At most nine
words, so a long run of number words cannot make the search quadratic."""


def spelled_number(text: str) -> int | None:
    """The value of a whole spelled count matched by `SPELLED`, or None if it is not one."""
    words = text.lower().replace("-", " ").split()
    if words in (["a"], ["an"]):
        return 1
    found = read_number_words(words)
    if found is None or found[1] != len(words):
        return None
    return found[0]
