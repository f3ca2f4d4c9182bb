"""What entity extractors share (runtime matching): the found-entity record and the scan context.

Input: a message text (already cut to `limits.match_text_chars`), the conversation clock and the
limits. Output: `EntitySpan` records, produced by the extractors in `entities.py` and `dates.py`
and turned into entity tokens by `tokens.py`. Every extractor regex runs through `Scan.finditer`
with the per-call timeout, so even our own patterns cannot hang a turn on hostile text; a timeout
only means fewer entities, never an error, since extraction is best effort.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import pendulum
import regex

from ...limits import DEFAULT_LIMITS, Limits

FLAGS = regex.IGNORECASE | regex.UNICODE | regex.VERSION0
"""Flags of every extractor regex."""


@attrs.frozen
class EntitySpan:
    """One entity in the message: `text[start:end]` is `text`; `value` is the normalised value.

    Values: number/ordinal int or float; email, url, phone_number str; amount_of_money a dict
    `{"amount": 5.95, "unit": "USD"}`; time a `pendulum.DateTime` in the conversation's timezone
    with `grain` ("second" … "year"); duration seconds (int when integral).
    """

    kind: str
    start: int
    end: int
    text: str
    value: Any
    grain: str | None = None


@attrs.frozen
class Scan:
    """A text being scanned for entities, with the clock relative expressions refer to."""

    text: str
    now: pendulum.DateTime
    limits: Limits = DEFAULT_LIMITS

    def finditer(self, pattern: regex.Pattern[str]) -> Iterator[regex.Match[str]]:
        """Matches of one extractor regex; stops quietly at the per-call timeout."""
        found = pattern.finditer(self.text, timeout=self.limits.regex_seconds_per_call)
        while True:
            try:
                match = next(found)
            except (StopIteration, TimeoutError):
                return
            yield match

    def span(
        self, kind: str, start: int, end: int, value: Any, grain: str | None = None
    ) -> EntitySpan:
        return EntitySpan(kind, start, end, self.text[start:end], value, grain)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so `sept` wins over `sep`."""
    return "|".join(regex.escape(word) for word in sorted(words, key=len, reverse=True))
