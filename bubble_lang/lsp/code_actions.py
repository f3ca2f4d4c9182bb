"""Quick fixes: every diagnostic whose hint says "did you mean `X`?" offers to write X in its place.

Why from the hint: the suggestion is computed once, by the code that found the problem (names,
options, statements, entity kinds, widget kinds, `bubble.toml` keys), so the fix can never offer
something the diagnostic did not say. The hint shows the suggestion as it is written (`@menu`,
`timeout:`, `[email]`, `"Europe/Amsterdam"`), while the diagnostic's span may cover less or more
than that (the word inside a pattern's brackets, a quoted value); `replacement` makes the two
agree, so the edit changes exactly the misspelt name.
"""

from __future__ import annotations

import re

_DID_YOU_MEAN = re.compile(r'did you mean `([^`]+)`\?|did you mean "([^"]+)"\?')
_PAIRS = (('"', '"'), ("[", "]"))
_PREFIXES = ("@", ":")
_SUFFIXES = (":",)


def suggestion(hint: str | None) -> str | None:
    """The X of "did you mean `X`?" (or `"X"`) in a hint, if any."""
    if not hint:
        return None
    found = _DID_YOU_MEAN.search(hint)
    if found is None:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


def replacement(hint: str | None, written: str) -> str | None:
    """The text to put in place of `written` (the diagnostic's span), or None when the hint
    suggests nothing or the suggestion is what is written already."""
    guess = suggestion(hint)
    if guess is None or not written:
        return None
    for opener, closer in _PAIRS:
        has = written.startswith(opener) and written.endswith(closer) and len(written) >= 2
        wants = guess.startswith(opener) and guess.endswith(closer) and len(guess) >= 2
        if wants and not has:
            guess = guess[1:-1]
        elif has and not wants:
            guess = opener + guess + closer
    for prefix in _PREFIXES:
        if guess.startswith(prefix) and not written.startswith(prefix):
            guess = guess[len(prefix):]
        elif written.startswith(prefix) and not guess.startswith(prefix):
            guess = prefix + guess
    for suffix in _SUFFIXES:
        if guess.endswith(suffix) and not written.endswith(suffix):
            guess = guess[: -len(suffix)]
        elif written.endswith(suffix) and not guess.endswith(suffix):
            guess = guess + suffix
    if not guess or guess == written or "\n" in written:
        return None
    return guess
