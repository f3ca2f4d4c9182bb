"""English contractions (layer 3): "don't" is also "do not" (SPEC §7b).

Both sides of a match use this table: a message's `don ' t` tokens get a tokenization with `do
not`, and a pattern's `don't` also matches the words "do not". Only the regular English forms
are expanded: `n't` (with `won't`, `can't`, `shan't`, `ain't` spelled out), `'re`, `'ll`, `'ve`,
`'m`, `'d`. A possessive `'s` is not a contraction (`harry's`), so it is left alone.
"""

from __future__ import annotations

_NOT_STEMS = {"won": ("will",), "can": ("can",), "shan": ("shall",), "ain": ("is",), "don": ("do",)}
_SUFFIXES = {"re": "are", "ll": "will", "ve": "have", "m": "am", "d": "would"}


def expand(word: str, suffix: str) -> tuple[str, ...] | None:
    """The words `word'suffix` stands for (`don` + `t` -> `do not`), or None."""
    word, suffix = word.lower(), suffix.lower()
    if suffix == "t" and word.endswith("n") and len(word) > 1:
        stem = _NOT_STEMS.get(word, (word[:-1],))
        return (*stem, "not")
    if suffix in _SUFFIXES and word.isalpha():
        return (word, _SUFFIXES[suffix])
    return None


def expand_words(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """`("don", "'", "t")` -> `("do", "not")`: a literal's word tokens with one contraction."""
    if len(words) == 3 and words[1] == "'":
        return expand(words[0], words[2])
    return None
