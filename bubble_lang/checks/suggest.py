""""Did you mean" for unknown names (layer 4, shared by the resolver and the lint rules).

Input: a misspelt name and the known names, each with where it is defined. Output: the hint text
and a secondary label at the suggested definition (DESIGN §4: the nearest name, case and `_`
folded, within half the misspelt name's length). It never guesses beyond that budget, so a short
or very different name gets no suggestion rather than a misleading one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..diagnostics import Label
from ..source import Span
from ..spelling import nearest_name


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name closest to `name`, never `name` itself (see `spelling.nearest_name`), or
    None."""
    return nearest_name(name, candidates)


def did_you_mean(name: str, known: Mapping[str, Span | None], *, shown: str = "`{}`",
                 fallback: str | None = None) -> tuple[str | None, tuple[Label, ...]]:
    """A hint (`did you mean `x`?`) and a "defined here" label for the suggestion.

    `shown` formats the suggestion as written in source (`` `@{}` `` for constants); `fallback` is
    the hint when nothing is close.
    """
    guess = nearest(name, known)
    if guess is None:
        return fallback, ()
    text = shown.format(guess)
    span = known[guess]
    labels = (Label(span, f"{text} is defined here"),) if span is not None else ()
    where = f" (defined at {span.location()})" if span is not None else ""
    return f"did you mean {text}?{where}", labels
