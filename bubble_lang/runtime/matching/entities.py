"""Built-in entity extractors (runtime matching): SPEC §7b, offline and deterministic.

Input: a message text (cut to `limits.match_text_chars`), the conversation clock and timezone.
Output: `EntitySpan`s for email, url, number (digits and English words), ordinal, phone_number,
amount_of_money, duration and time (`dates.py`), possibly overlapping: "18 years ago" is a time,
"18 years" a duration and "18" a number. `tokens.py` decides which of them become entity tokens.
Each extractor is a table of regexes (the `regex` module, with the per-call timeout) plus a few
lines that normalise the value; none downloads or guesses anything, so tests are reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pendulum
import regex

from ...limits import DEFAULT_LIMITS, Limits
from .date_entities import extract_times
from .number_entities import (
    NUMBER_WORDS,
    SPELLED,
    plain_number,
    read_number_words,
    read_ordinal_words,
    spelled_number,
)
from .scan import FLAGS, EntitySpan, Scan, alternation

Extractor = Callable[[Scan], Iterator[EntitySpan]]

_MAX_ENTITIES = 200  # a hostile 4 KiB message of digits must not make thousands of tokens
_BEFORE = r"(?<![\w.,@/+-])"  # a number starts a word: not inside `x5`, `1.5`, `555-1234`
_AFTER = r"(?![\w]|[.,]\d)"  # and ends it: not `5pm`, not `1.5` cut at the dot

_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", FLAGS)
_TLDS = "com org net io nl de be uk eu fr es it ai dev app co info biz me tv"
_URL = regex.compile(
    r"(?<![\w@./-])(?:https?://[^\s<>\"']+|www\.[^\s<>\"']+|[\w-]+(?:\.[\w-]+)*\.(?:"
    + alternation(_TLDS.split())
    + r")(?![\w-])(?:/[^\s<>\"']*)?)",
    FLAGS,
)
_URL_TRAILING = ".,;:!?)'\""
_DIGITS = regex.compile(_BEFORE + r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?" + _AFTER, FLAGS)
_ORDINAL = regex.compile(r"(?<![\w.,])(\d{1,9})(?:st|nd|rd|th)(?!\w)", FLAGS)
_WORD = regex.compile(r"[^\W\d_]+", FLAGS)
_WORD_GAP = regex.compile(r"[\s-]+")
_PHONE = regex.compile(r"(?<![\w+.,])(?:\+|\(\+?)?\d[\d \-.()]{5,}\d(?![\w]|[.,]\d)", FLAGS)
_ISO_DATE = regex.compile(r"\d{4}-\d{1,2}-\d{1,2}")

_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORDS = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "jpy": "JPY", "yen": "JPY",
}
_AMOUNT = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
_SYMBOL = "[" + regex.escape("".join(_CURRENCY_SYMBOLS)) + "]"
_CODE = "(?:" + alternation(_CURRENCY_WORDS) + r")(?!\w)"
_MONEY = regex.compile(
    rf"(?<![\w.,$€£¥])(?:(?P<cur>{_SYMBOL}|{_CODE})\s?(?P<amount>{_AMOUNT}){_AFTER}"
    rf"|(?P<amount>{_AMOUNT})\s?(?P<cur>{_SYMBOL}|{_CODE}))",
    FLAGS,
)

_DURATION_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3_600),
    **dict.fromkeys(("d", "day", "days"), 86_400),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 604_800),
    **dict.fromkeys(("month", "months"), 30 * 86_400),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), 365 * 86_400),
}
_DURATION_PIECE = regex.compile(
    # `(?<=\d[a-z]+)`: a piece may follow the unit of the previous one, as in `1h30m`
    rf"(?:(?<![\w.,])|(?<=\d[^\W\d_]{{1,7}}))"
    rf"(?:(?P<n>\d+(?:\.\d+)?)\s*|(?P<n>{SPELLED})\s+)(?P<unit>{alternation(_DURATION_UNITS)})"
    r"(?![^\W\d])",
    FLAGS,
)
_DURATION_GLUE = regex.compile(r"\s*(?:,|and)?\s*", FLAGS)


def _number(text: str) -> int | float:
    return plain_number(float(text.replace(",", "")))


def _sane(value: float, scan: Scan) -> bool:
    """Finite and within `limits.integer_magnitude`, like every number a script may hold."""
    return math.isfinite(value) and abs(value) <= scan.limits.integer_magnitude


def emails(scan: Scan) -> Iterator[EntitySpan]:
    for found in scan.finditer(_EMAIL):
        yield scan.span("email", found.start(), found.end(), found.group().lower())


def urls(scan: Scan) -> Iterator[EntitySpan]:
    for found in scan.finditer(_URL):
        text = found.group().rstrip(_URL_TRAILING)
        if "." in text:
            yield scan.span("url", found.start(), found.start() + len(text), text)


def numbers(scan: Scan) -> Iterator[EntitySpan]:
    """Digits (`-15`, `10.5`, `1,000`) and runs of English number words (`twenty one`)."""
    for found in scan.finditer(_DIGITS):
        value = _number(found.group())
        if _sane(value, scan):
            yield scan.span("number", found.start(), found.end(), value)
    for words in _word_runs(scan):
        index = 0
        while index < len(words):
            read = read_number_words([word for word, _, _ in words[index : index + 64]])
            if read is None:
                index += 1
                continue
            value, used = read
            yield scan.span("number", words[index][1], words[index + used - 1][2], value)
            index += used


def ordinals(scan: Scan) -> Iterator[EntitySpan]:
    for found in scan.finditer(_ORDINAL):
        yield scan.span("ordinal", found.start(), found.end(), int(found.group(1)))
    for words in _word_runs(scan, spelled=False):
        index = 0
        while index < len(words):
            read = read_ordinal_words([word for word, _, _ in words[index : index + 2]])
            if read is None:
                index += 1
                continue
            value, used = read
            yield scan.span("ordinal", words[index][1], words[index + used - 1][2], value)
            index += used


def phone_numbers(scan: Scan) -> Iterator[EntitySpan]:
    """7 to 15 digits written like a phone number: `+31 6 1234 5678`, `555-1234`, `(020) 1234`.

    Without a leading `+`, `(` or `0`, it needs a `-` or to be all digits, so `3.1415926` or
    `10 20 30 40` are not phone numbers.
    """
    for found in scan.finditer(_PHONE):
        text = found.group().rstrip(" -.(")
        digits = "".join(char for char in text if char.isdigit())
        if not 7 <= len(digits) <= 15 or _ISO_DATE.fullmatch(text):
            continue
        if not (text[0] in "+(0" or "-" in text or text.isdigit()):
            continue
        value = ("+" if text.lstrip("(").startswith("+") else "") + digits
        yield scan.span("phone_number", found.start(), found.start() + len(text), value)


def amounts_of_money(scan: Scan) -> Iterator[EntitySpan]:
    """`$5.95`, `5 euro`, `€ 10`, `EUR 10`, `5,95 euro` -> {"amount": 5.95, "unit": "EUR"}."""
    for found in scan.finditer(_MONEY):
        amount = found.group("amount")
        if regex.fullmatch(r"\d+,\d{1,2}", amount):
            amount = amount.replace(",", ".")  # a decimal comma: `5,95 euro`
        currency = found.group("cur").lower()
        unit = _CURRENCY_SYMBOLS.get(currency) or _CURRENCY_WORDS[currency]
        value = _number(amount)
        if _sane(value, scan):
            money = {"amount": value, "unit": unit}
            yield scan.span("amount_of_money", found.start(), found.end(), money)


def durations(scan: Scan) -> Iterator[EntitySpan]:
    """`2h 30m`, `1h30m`, `1d`, `90 minutes`, `an hour`, `2 hours and 30 minutes` -> seconds.

    Consecutive pieces with falling units join into one duration; a month is 30 days, a year 365.
    """
    run: list[tuple[int, int, float, int]] = []  # start, end, seconds, unit size
    for found in scan.finditer(_DURATION_PIECE):
        text = found.group("n")
        count = spelled_number(text) if text[0].isalpha() else float(text)
        if count is None:
            continue
        unit = _DURATION_UNITS[found.group("unit").lower()]
        piece = (found.start(), found.end(), count * unit, unit)
        if run and run[-1][3] > unit and _DURATION_GLUE.fullmatch(
            scan.text, run[-1][1], found.start()
        ):
            run.append(piece)
            continue
        if run and (span := _duration(scan, run)):
            yield span
        run = [piece]
    if run and (span := _duration(scan, run)):
        yield span


def _duration(scan: Scan, run: list[tuple[int, int, float, int]]) -> EntitySpan | None:
    seconds = plain_number(float(sum(piece[2] for piece in run)))
    if not _sane(seconds, scan):
        return None
    return scan.span("duration", run[0][0], run[-1][1], seconds)


def _word_runs(scan: Scan, *, spelled: bool = True) -> Iterator[list[tuple[str, int, int]]]:
    """Runs of adjacent words (separated by spaces or `-` only), lower-cased, with offsets.

    With `spelled`, only runs of number words; otherwise every run (for ordinals).
    """
    run: list[tuple[str, int, int]] = []
    for found in scan.finditer(_WORD):
        word = found.group().lower()
        keep = not spelled or word in NUMBER_WORDS
        adjacent = run and _WORD_GAP.fullmatch(scan.text, run[-1][2], found.start())
        if keep and adjacent:
            run.append((word, found.start(), found.end()))
            continue
        if run:
            yield run
        run = [(word, found.start(), found.end())] if keep else []
    if run:
        yield run


EXTRACTORS: tuple[Extractor, ...] = (
    emails, urls, phone_numbers, amounts_of_money, extract_times, durations, ordinals, numbers,
)
"""In preference order: for two entities over the same words the earlier kind is tried first."""

_BY_KIND: dict[str, Extractor] = {
    "email": emails, "url": urls, "phone_number": phone_numbers, "amount_of_money": amounts_of_money,
    "time": extract_times, "duration": durations, "ordinal": ordinals, "number": numbers,
}
"""The extractor of each kind (each yields spans of its one kind)."""

KIND_ORDER: dict[str, int] = {
    kind: index
    for index, kind in enumerate(
        ("email", "url", "phone_number", "amount_of_money", "time", "duration", "ordinal", "number")
    )
}


def extract_entities(
    text: str,
    *,
    now: pendulum.DateTime | None = None,
    timezone: str | pendulum.Timezone = "UTC",
    limits: Limits = DEFAULT_LIMITS,
    kinds: frozenset[str] | None = None,
) -> list[EntitySpan]:
    """Every entity in `text` (of `kinds` only, when given), sorted by start, longest first,
    then `KIND_ORDER`."""
    zone = pendulum.timezone(timezone) if isinstance(timezone, str) else timezone
    clock = (now or pendulum.now(zone)).in_timezone(zone)
    scan = Scan(text[: limits.match_text_chars], clock, limits)
    found: list[EntitySpan] = []
    for extractor in EXTRACTORS if kinds is None else [_BY_KIND[k] for k in KIND_ORDER if k in kinds]:
        try:
            for span in extractor(scan):
                if len(found) >= _MAX_ENTITIES:
                    break
                if span.end > span.start:
                    found.append(span)
        except (ValueError, OverflowError, ArithmeticError):
            # Extraction is best effort: a digit the regex engine knows but Python's `float` does
            # not (newer Unicode), a date past year 9999, … end this kind for this message only.
            continue
    found.sort(key=lambda span: (span.start, span.start - span.end, KIND_ORDER[span.kind]))
    return found
