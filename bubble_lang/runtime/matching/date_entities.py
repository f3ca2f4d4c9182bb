"""Time and date expressions (runtime matching): "tomorrow at 6pm" -> a pendulum DateTime.

Input: a `Scan` (text, the conversation clock `now` in its timezone). Output: `time` entities
whose value is a `pendulum.DateTime` in that timezone and whose `grain` says how precise it is
("minute" for `6pm`, "day" for `March 3rd 1990`, "year" for `18 years ago`), so `[date]` can
accept day-or-coarser times. Three tables of regexes find the pieces: dates, clock times and
moments (relative or complete); a date next to a clock time (`friday at 18:00`,
`6pm tomorrow`) joins into one entity. Resolution is fixed and documented, not guessed:

- a clock time alone is its next occurrence (today if not yet past, else tomorrow);
- a weekday alone or with `this`/`coming` is the next such day, today included; `next friday`
  is the next one after today, `last friday` the one before;
- a month and day without a year is the next such date, today included;
- `in 2 hours`, `18 years ago` count calendar units from `now` (pendulum arithmetic);
- `next week`/`month`/`year` is the start of that period, `last …` and `this …` likewise;
- a bare hour needs `at` (`friday at 9`, `at 3`) or a part of the day (`9 tonight`, `3 in the
  afternoon`); without am/pm it is read as the original reads an hour: 7 to 12 as said, 1 to 6
  as the afternoon when joined to a date, and the next such time when alone. `half past 3`,
  `quarter to 5` and `quarter past 8` are clock times of the same kind;
- a part of the day is one moment, where it starts to matter: morning 9:00, afternoon 14:00,
  evening 19:00, night 21:00 (`tomorrow morning` is tomorrow at 9:00, `friday evening` at
  19:00); `this morning`, `this evening` and `tonight` are today, even when already past. A bare
  `morning` counts only after a date (`good morning` holds no time); `in the morning` and
  `at night` alone are the next such moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pendulum
import regex

from .number_entities import SPELLED, spelled_number
from .scan import FLAGS, EntitySpan, Scan, alternation

_MONTHS = {
    name: number
    for number, names in enumerate(
        ("january jan", "february feb", "march mar", "april apr", "may", "june jun",
         "july jul", "august aug", "september sep sept", "october oct", "november nov",
         "december dec"),
        1,
    )
    for name in names.split()
}
_WEEKDAYS = {
    name: day
    for day, names in zip(
        pendulum.WeekDay,
        # No short forms: `sat`, `sun`, `wed` are too often plain words.
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
    for name in names.split()
}
_UNITS = {"second": "seconds", "sec": "seconds", "minute": "minutes", "min": "minutes",
          "hour": "hours", "hr": "hours", "day": "days", "week": "weeks", "month": "months",
          "year": "years"}
_GRAINS = {"seconds": "second", "minutes": "minute", "hours": "hour", "days": "day",
           "weeks": "week", "months": "month", "years": "year"}

_E = r"(?!\w)"
_MONTH = rf"(?P<month>{alternation(_MONTHS)})\.?"
_DAY = rf"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?{_E}"
_YEAR = rf"(?:,?\s+(?P<year>\d{{4}}){_E})?"
_COUNT = rf"(?P<n>\d{{1,6}}|{SPELLED})\s+(?P<unit>{alternation(_UNITS)})s?{_E}"


@attrs.frozen
class _Piece:
    """A found date (`pendulum.Date`), clock time (`(h, m, s)` or `(h, None)` for am-or-pm)
    or complete moment (`pendulum.DateTime`)."""

    start: int
    end: int
    kind: str
    value: Any
    grain: str


Handler = Callable[[regex.Match[str], pendulum.DateTime], tuple[Any, str] | None]


def _month_day(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str] | None:
    month, day = _MONTHS[found.group("month").lower()], int(found.group("day"))
    year = found.group("year")
    try:
        date = pendulum.date(int(year) if year else now.year, month, day)
        if not year and date < now.date():
            date = pendulum.date(now.year + 1, month, day)
    except ValueError:
        return None
    return date, "day"


def _iso_date(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str] | None:
    try:
        date = pendulum.date(*(int(found.group(name)) for name in ("year", "month", "day")))
    except ValueError:
        return None
    return date, "day"


_DAY_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2,
              "day before yesterday": -2}


def _day_word(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    words = " ".join(found.group("word").lower().split())
    return now.date().add(days=_DAY_WORDS[words]), "day"


def _weekday(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    day = _WEEKDAYS[found.group("weekday").lower()]
    relation = (found.group("rel") or "").lower()
    today = now.date()
    if relation == "next":
        return today.next(day), "day"
    if relation == "last":
        return today.previous(day), "day"
    return (today if today.day_of_week == day else today.next(day)), "day"


def _period(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    unit = found.group("unit").lower()
    shift = {"next": 1, "last": -1, "this": 0}[found.group("rel").lower()]
    moment = now.add(**{f"{unit}s": shift}).start_of(unit)  # type: ignore[arg-type]
    return moment, unit


# A clock time is (hour, minute, second, ambiguous): `ambiguous` when am or pm was not said.
_PARTS = {"morning": 9, "afternoon": 14, "evening": 19, "night": 21, "tonight": 21}
_IN_PART = r"in\s+the\s+(?P<part>morning|afternoon|evening)|at\s+(?P<part>night)"
_PART = rf"(?:{_IN_PART}|(?P<part>tonight))"  # after an hour: `9 tonight`, `3 in the afternoon`


def _clock_12(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str] | None:
    hour = int(found.group("h")) % 12
    if found.group("ap").lower().startswith("p"):
        hour += 12
    minute = found.group("mi")
    return (hour, int(minute or 0), 0, False), "minute" if minute else "hour"


def _clock_24(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str] | None:
    second = found.group("s")
    clock = (int(found.group("h")), int(found.group("mi")), int(second or 0), False)
    return clock, "second" if second else "minute"


def _clock_word(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    return ((0, 0, 0, False) if found.group().lower() == "midnight" else (12, 0, 0, False)), "hour"


def _oclock(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    minute = found.groupdict().get("mi")  # `at 9:30` has minutes, `9 o'clock` none
    return (int(found.group("h")) % 12, int(minute or 0), 0, True), "minute" if minute else "hour"


def _past_to(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    """`half past 3`, `quarter past 8`, `quarter to 5` (am or pm unsaid)."""
    hour = int(found.group("h")) % 12
    minutes = 30 if found.group("q").lower() == "half" else 15
    if found.group("dir").lower() == "to":
        hour, minutes = (hour - 1) % 12, 60 - minutes
    return (hour, minutes, 0, True), "minute"


def _hour_in_part(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    """`9 tonight`, `3 in the afternoon`, `at 7 in the morning`."""
    hour = int(found.group("h")) % 12
    if found.group("part").lower() != "morning":
        hour += 12
    minute = found.group("mi")
    return (hour, int(minute or 0), 0, False), "minute" if minute else "hour"


def _part_of_day(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    """`morning`, `in the evening`, `at night`: a clock time (joined to a date, or the next one)."""
    return (_PARTS[found.group("part").lower()], 0, 0, False), "hour"


def _part_of_today(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    """`this morning`, `this evening`, `tonight`: today, even when that part has begun or passed."""
    return now.set(hour=_PARTS[found.group("part").lower()], minute=0, second=0, microsecond=0), "hour"


def _relative(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str] | None:
    text = found.group("n")
    count = int(text) if text.isdigit() else spelled_number(text)
    if count is None or count > 10_000:
        return None
    unit = _UNITS[found.group("unit").lower()]
    sign = -1 if found.group().lower().rstrip().endswith("ago") else 1
    return now.add(**{unit: sign * count}), _GRAINS[unit]  # type: ignore[arg-type]


def _now(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str]:
    return now, "second"


def _iso_moment(found: regex.Match[str], now: pendulum.DateTime) -> tuple[Any, str] | None:
    try:
        parsed = pendulum.parse(found.group(), tz=now.timezone)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        return None
    if not isinstance(parsed, pendulum.DateTime):
        return None
    return parsed.in_timezone(now.timezone), "minute"


def _table(*rows: tuple[str, str, Handler]) -> tuple[tuple[str, regex.Pattern[str], Handler], ...]:
    return tuple((kind, regex.compile(r"(?<!\w)" + source, FLAGS), handler)
                 for kind, source, handler in rows)


_PATTERNS = _table(
    ("date", rf"{_MONTH}\s+{_DAY}{_YEAR}", _month_day),
    ("date", rf"{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", _month_day),
    ("date", rf"(?P<year>\d{{4}})-(?P<month>1[0-2]|0?[1-9])-(?P<day>[12]\d|3[01]|0?[1-9]){_E}",
     _iso_date),
    ("date", rf"(?:the\s+)?(?P<word>day\s+after\s+tomorrow|day\s+before\s+yesterday){_E}",
     _day_word),
    ("date", rf"(?P<word>today|tomorrow|yesterday){_E}", _day_word),
    ("date", rf"(?:(?P<rel>next|last|this|coming)\s+)?(?P<weekday>{alternation(_WEEKDAYS)})"
     rf"\.?{_E}", _weekday),
    ("moment", rf"(?P<rel>next|last|this)\s+(?P<unit>week|month|year){_E}", _period),
    ("clock", rf"(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]m{_E}|[ap]\.m\.)",
     _clock_12),
    ("clock", rf"(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\w:])", _clock_24),
    ("clock", rf"(?:noon|midday|midnight){_E}", _clock_word),
    ("clock", rf"(?P<h>1[0-2]|0?[1-9])\s+o'?clock{_E}", _oclock),
    ("clock", rf"at\s+(?P<h>1[0-2]|0?[1-9])(?:\.(?P<mi>[0-5]\d))?(?![\w:.])(?!\s*(?:[ap]\.?m|o'?clock|%))",
     _oclock),
    ("clock", rf"(?P<q>half|quarter)\s+(?P<dir>past|to)\s+(?P<h>1[0-2]|0?[1-9]){_E}", _past_to),
    ("clock", rf"(?:at\s+)?(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s+{_PART}{_E}", _hour_in_part),
    ("clock", rf"(?:{_IN_PART}){_E}", _part_of_day),
    ("part", rf"(?P<part>morning|afternoon|evening){_E}", _part_of_day),  # only after a date: not "good morning"
    ("moment", rf"(?:this\s+(?P<part>morning|afternoon|evening)|(?P<part>tonight)){_E}", _part_of_today),
    ("moment", rf"in\s+{_COUNT}", _relative),
    ("moment", rf"{_COUNT}\s+ago{_E}", _relative),
    ("moment", rf"(?:right\s+)?now{_E}", _now),
    ("moment", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
     rf"{_E}", _iso_moment),
)
_DATE_THEN_CLOCK = regex.compile(r"\s*(?:,|at|@)?\s*", FLAGS)
_CLOCK_THEN_DATE = regex.compile(r"\s*(?:,|on)?\s*", FLAGS)


def extract_times(scan: Scan) -> Iterator[EntitySpan]:
    """Every time expression of the text as a `time` entity (see the module docstring)."""
    pieces = _pieces(scan)
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if following is not None and _joins(scan, piece, following):
            date, clock = (piece, following) if piece.kind == "date" else (following, piece)
            moment = _at(scan.now, date.value, clock.value)
            yield scan.span("time", piece.start, following.end, moment, clock.grain)
            index += 2
            continue
        if piece.kind == "part":  # `morning` alone is not a time ("good morning")
            index += 1
            continue
        if piece.kind == "date":
            moment = pendulum.datetime(*piece.value.timetuple()[:3], tz=scan.now.timezone)
        elif piece.kind == "clock":
            moment = _next_clock(scan.now, piece.value)
        else:
            moment = piece.value
        yield scan.span("time", piece.start, piece.end, moment, piece.grain)
        index += 1


def _pieces(scan: Scan) -> list[_Piece]:
    """All pieces, then the longest of overlapping ones (earliest first)."""
    found: list[_Piece] = []
    for kind, pattern, handler in _PATTERNS:
        for match in scan.finditer(pattern):
            try:
                result = handler(match, scan.now)
            except (ValueError, OverflowError):  # past year 9999, before year 1
                continue
            if result is not None:
                found.append(_Piece(match.start(), match.end(), kind, result[0], result[1]))
    found.sort(key=lambda piece: (piece.start, piece.start - piece.end))
    chosen: list[_Piece] = []
    for piece in found:
        if not chosen or piece.start >= chosen[-1].end:
            chosen.append(piece)
    return chosen


def _joins(scan: Scan, first: _Piece, second: _Piece) -> bool:
    kinds = (first.kind, second.kind)
    if kinds not in (("date", "clock"), ("clock", "date"), ("date", "part")):
        return False
    glue = _DATE_THEN_CLOCK if first.kind == "date" else _CLOCK_THEN_DATE
    return glue.fullmatch(scan.text, first.end, second.start) is not None


def _at(now: pendulum.DateTime, date: pendulum.Date, clock: tuple[Any, ...]) -> pendulum.DateTime:
    hour, minute, second, ambiguous = clock
    if ambiguous:  # `friday at 6`: the afternoon; 7 to 11 the morning; 12 noon
        hour = 12 if hour == 0 else hour + 12 if hour < 7 else hour
    return pendulum.datetime(date.year, date.month, date.day, hour, minute, second,
                             tz=now.timezone)


def _next_clock(now: pendulum.DateTime, clock: tuple[Any, ...]) -> pendulum.DateTime:
    """The first moment at or after `now` showing that clock time (am or pm when unsaid)."""
    hour, minute, second, ambiguous = clock
    options = []
    for candidate in ((hour, hour + 12) if ambiguous else (hour,)):
        moment = now.set(hour=candidate, minute=minute, second=second, microsecond=0)
        options.append(moment if moment >= now else moment.add(days=1))
    return min(options)
