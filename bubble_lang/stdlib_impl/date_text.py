"""Date-times to and from text (layer 6): the `{…}` directives of `date_format`/`date_parse`,
ISO 8601, IANA zone names and month/weekday names per language.

Input: format texts, texts, date-times, zone and locale names from scripts. Output: texts,
date-times, or None for text that does not fit. Script-supplied names never reach a lookup
unchecked: a zone name must look like an IANA name before `zoneinfo` sees it, and a locale must
be one of the locales pendulum ships (it imports a module by that name). Nothing here reads the
system clock: a format without a date takes the date from the conversation's clock.
"""

from __future__ import annotations

import datetime

import functools
import importlib.resources
import re
from collections.abc import Callable
from typing import Any

import pendulum
from pendulum.tz.exceptions import InvalidTimezone

from ..stdlib import DATE_DIRECTIVES
from ..spelling import nearest_name
from ..runtime.script_errors import ScriptError
from .args import bad_argument

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}\Z")
_ISO = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?)?"
    r"\s*(?P<offset>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?",
    re.ASCII,
)
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|\{")


def _available_locales() -> frozenset[str]:
    """The locales pendulum ships, read once from its package (each is a module)."""
    folder = importlib.resources.files("pendulum.locales")
    return frozenset(entry.name for entry in folder.iterdir()
                     if entry.is_dir() and not entry.name.startswith("_"))


LOCALES: frozenset[str] = _available_locales()


def resolve_locale(requested: str) -> str | None:
    """The shipped locale for `"nl"`, `"nl-NL"`, `"en_GB"`: the exact one, else the language;
    None when neither exists."""
    name = requested.strip().lower().replace("-", "_")
    if name in LOCALES:
        return name
    language = name.split("_", 1)[0]
    return language if language in LOCALES else None


def zone_named(name: str, function: str) -> pendulum.Timezone:
    """The timezone of an IANA name, or a B403 error naming it."""
    if len(name) <= 64 and _ZONE_NAME.match(name):
        try:
            return pendulum.timezone(name)
        except (InvalidTimezone, ValueError):
            pass
    bad_argument(f"`{function}` does not know the timezone `{name}`",
                 'use an IANA name such as "Europe/Amsterdam", "America/New_York" or "UTC"')


def offset_text(moment: pendulum.DateTime) -> str:
    """The UTC offset as `+01:00` (`+00:00` for UTC, never `Z`)."""
    offset = moment.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def iso_text(moment: pendulum.DateTime) -> str:
    """ISO 8601 with the offset written out: `2024-03-05T09:05:07+01:00`."""
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
            f"{moment.minute:02d}:{moment.second:02d}{fraction}{offset_text(moment)}")


@functools.lru_cache(maxsize=64)
def _names(locale: str) -> dict[str, tuple[str, ...]]:
    """Month and weekday names of a shipped locale, index 0 = January / Monday."""
    months = [pendulum.datetime(2024, m, 1) for m in range(1, 13)]
    days = [pendulum.datetime(2024, 1, d) for d in range(1, 8)]  # 2024-01-01 is a Monday
    return {
        "Mfull": tuple(m.format("MMMM", locale=locale) for m in months),
        "Mshort": tuple(m.format("MMM", locale=locale) for m in months),
        "WDfull": tuple(d.format("dddd", locale=locale) for d in days),
        "WDshort": tuple(d.format("ddd", locale=locale) for d in days),
    }


def _hour12(moment: pendulum.DateTime) -> int:
    return moment.hour % 12 or 12


_WRITERS: dict[str, Callable[[pendulum.DateTime, str], str]] = {
    "YYYY": lambda t, _: f"{t.year:04d}",
    "YY": lambda t, _: f"{t.year % 100:02d}",
    "M": lambda t, _: str(t.month),
    "0M": lambda t, _: f"{t.month:02d}",
    "Mfull": lambda t, loc: _names(loc)["Mfull"][t.month - 1],
    "Mshort": lambda t, loc: _names(loc)["Mshort"][t.month - 1],
    "D": lambda t, _: str(t.day),
    "0D": lambda t, _: f"{t.day:02d}",
    "WDfull": lambda t, loc: _names(loc)["WDfull"][t.isoweekday() - 1],
    "WDshort": lambda t, loc: _names(loc)["WDshort"][t.isoweekday() - 1],
    "WDmon": lambda t, _: str(t.isoweekday()),
    "h24": lambda t, _: str(t.hour),
    "0h24": lambda t, _: f"{t.hour:02d}",
    "h12": lambda t, _: str(_hour12(t)),
    "0h12": lambda t, _: f"{_hour12(t):02d}",
    "m": lambda t, _: str(t.minute),
    "0m": lambda t, _: f"{t.minute:02d}",
    "s": lambda t, _: str(t.second),
    "0s": lambda t, _: f"{t.second:02d}",
    "am": lambda t, _: "am" if t.hour < 12 else "pm",
    "AM": lambda t, _: "AM" if t.hour < 12 else "PM",
    "Z": lambda t, _: offset_text(t),
    "Zname": lambda t, _: t.timezone_name or offset_text(t),
    "ISO": lambda t, _: iso_text(t),
}

if set(_WRITERS) != set(DATE_DIRECTIVES):  # pragma: no cover - a bug in bubble, caught at import
    raise RuntimeError("date directives and their writers differ")


def split_format(format_text: str, function: str) -> list[tuple[bool, str]]:
    """The format as (is_directive, text) pieces; `{{` and `}}` are literal braces. An unknown
    directive or a `{` that is never closed is a B403 error."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for found in _TOKEN.finditer(format_text):
        if found.start() > position:
            pieces.append((False, format_text[position:found.start()]))
        token = found.group(0)
        if token in ("{{", "}}"):
            pieces.append((False, token[0]))
        elif token == "{":
            bad_argument(f"`{function}` found a `{{` that is never closed in its format",
                         "write `{{` for a literal brace, or close the directive with `}`")
        else:
            name = found.group(1)
            if name not in DATE_DIRECTIVES:
                guess = nearest_name(name, DATE_DIRECTIVES)
                bad_argument(f"`{function}` has no directive `{{{name}}}`",
                             f"did you mean `{{{guess}}}`?" if guess
                             else "use a directive such as `{D}`, `{Mfull}`, `{h24}` or `{0m}`")
            pieces.append((True, name))
        position = found.end()
    if position < len(format_text):
        pieces.append((False, format_text[position:]))
    return pieces


def write_directive(name: str, moment: pendulum.DateTime, locale: str) -> str:
    """One directive's text for a date-time."""
    return _WRITERS[name](moment, locale)


def read_iso(text: str, zone: pendulum.Timezone) -> pendulum.DateTime | None:
    """An ISO 8601 date or date-time; without an offset it is in `zone`. None if it is not one
    or names a day that does not exist."""
    found = _ISO.fullmatch(text.strip())
    if found is None:
        return None
    parts = {key: int(value) for key, value in found.groupdict().items()
             if value is not None and key not in ("offset", "fraction")}
    fraction = found.group("fraction")
    microsecond = int((fraction + "000000")[:6]) if fraction else 0
    tz = zone if found.group("offset") is None else _fixed_zone(found.group("offset"))
    if tz is None:
        return None
    return build_datetime(parts, microsecond, tz)


def _fixed_zone(offset: str) -> pendulum.FixedTimezone | None:
    """`Z`, `+02`, `+0200` or `+02:00` as a fixed timezone; None beyond ±23:59."""
    if offset in ("Z", "z"):
        return pendulum.fixed_timezone(0)
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    seconds = (hours * 3600 + minutes * 60) * (-1 if offset[0] == "-" else 1)
    return pendulum.fixed_timezone(seconds)


def build_datetime(parts: dict[str, int], microsecond: int, tz: Any) -> pendulum.DateTime | None:
    """A date-time from year/month/day/hour/minute/second; None for a day or time that does
    not exist (February 30, hour 25), or one so near year 1 or 9999 that moving it to another
    time zone leaves the calendar (`9999-12-31T23:59-23:59` is in the year 10000 in UTC, and
    `timezone`, `date_diff` and storing it failed)."""
    try:
        moment = pendulum.datetime(
            parts["year"], parts["month"], parts["day"], parts.get("hour", 0),
            parts.get("minute", 0), parts.get("second", 0), microsecond, tz=tz,
        )
        day = moment.in_timezone("UTC").date()
    except (ValueError, OverflowError):
        return None
    return moment if _FIRST_SAFE_DAY <= day <= _LAST_SAFE_DAY else None


# A day inside the calendar in every time zone (offsets reach ±14 hours).
_FIRST_SAFE_DAY = datetime.date(1, 1, 2)
_LAST_SAFE_DAY = datetime.date(9999, 12, 30)


#: What each directive matches when reading text, and which field it fills.
_READERS: dict[str, tuple[str, str]] = {
    "YYYY": (r"([0-9]{4})", "year"),
    "YY": (r"([0-9]{2})", "year2"),
    "M": (r"([0-9]{1,2})", "month"),
    "0M": (r"([0-9]{2})", "month"),
    "D": (r"([0-9]{1,2})", "day"),
    "0D": (r"([0-9]{2})", "day"),
    "WDmon": (r"([1-7])", "weekday"),
    "h24": (r"([0-9]{1,2})", "hour"),
    "0h24": (r"([0-9]{2})", "hour"),
    "h12": (r"([0-9]{1,2})", "hour12"),
    "0h12": (r"([0-9]{2})", "hour12"),
    "m": (r"([0-9]{1,2})", "minute"),
    "0m": (r"([0-9]{2})", "minute"),
    "s": (r"([0-9]{1,2})", "second"),
    "0s": (r"([0-9]{2})", "second"),
    "am": (r"(am|pm|a\.m\.|p\.m\.)", "half"),
    "AM": (r"(am|pm|a\.m\.|p\.m\.)", "half"),
    "Z": (r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)", "offset"),
    "Zname": (r"([A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2})", "zone"),
    "ISO": (r"([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.,]+(?:Z|[+-][0-9:]+)?)", "iso"),
}


def _name_reader(name: str, locale: str) -> str:
    """A group matching a month or weekday name in the locale or in English."""
    words = set(_names(locale)[name]) | set(_names("en")[name])
    return "(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _name_index(name: str, word: str, locale: str) -> int | None:
    """1-based month or weekday of a name, in the locale or in English."""
    folded = word.casefold()
    for source in (locale, "en"):
        for index, candidate in enumerate(_names(source)[name], 1):
            if candidate.casefold() == folded:
                return index
    return None


def read_formatted(text: str, pieces: list[tuple[bool, str]], zone: pendulum.Timezone,
                   now: pendulum.DateTime, locale: str) -> pendulum.DateTime | None:
    """A date-time from text laid out as the format pieces, or None. Missing date parts come
    from today (the conversation's clock) when the format has no date at all, else the year
    is this year and the month and day are 1; missing time parts are 0."""
    pattern: list[str] = []
    fields: list[str] = []
    for is_directive, piece in pieces:
        if not is_directive:
            # Literal text must match as written, except that any run of spaces matches any.
            pattern.extend(r"\s+" if part.isspace() else re.escape(part)
                           for part in re.split(r"(\s+)", piece) if part)
        elif piece in ("Mfull", "Mshort", "WDfull", "WDshort"):
            pattern.append(_name_reader(piece, locale))
            fields.append(piece)
        else:
            regex, field = _READERS[piece]
            pattern.append(regex)
            fields.append(field)
    found = re.fullmatch("".join(pattern), text.strip(), re.IGNORECASE)
    if found is None:
        return None
    values: dict[str, Any] = {}
    for field, raw in zip(fields, found.groups()):
        value = _field_value(field, raw, locale)
        if value is None or values.get(field, value) != value:
            return None
        values[field] = value
    return _assemble(values, zone, now)


def _field_value(field: str, raw: str, locale: str) -> Any:
    """One matched directive as a number, a name index or text."""
    if field in ("Mfull", "Mshort", "WDfull", "WDshort"):
        return _name_index(field, raw, locale)
    if field in ("half", "offset", "zone", "iso"):
        return raw.lower().replace(".", "") if field == "half" else raw
    return int(raw)


def _assemble(values: dict[str, Any], zone: pendulum.Timezone,
              now: pendulum.DateTime) -> pendulum.DateTime | None:
    """Combine the fields read by `read_formatted` into one date-time."""
    if "iso" in values:
        return read_iso(values["iso"], zone)
    tz: Any = zone
    if "zone" in values:
        try:
            tz = zone_named(values["zone"], "date_parse")
        except ScriptError:  # an unknown zone in the text means the text does not fit
            return None
    elif "offset" in values:
        tz = _fixed_zone(values["offset"])
        if tz is None:
            return None
    months = {values[key] for key in ("month", "Mfull", "Mshort") if key in values}
    if len(months) > 1:
        return None
    month = months.pop() if months else None
    year = values.get("year")
    if year is None and "year2" in values:
        year = 2000 + values["year2"]
    today = now.in_timezone(tz)
    if year is None and month is None and "day" not in values:
        parts = {"year": today.year, "month": today.month, "day": today.day}
    else:
        parts = {"year": year if year is not None else today.year,
                 "month": month if month is not None else 1, "day": values.get("day", 1)}
    hour = values.get("hour")
    if "hour12" in values:
        hour12 = values["hour12"]
        if not 1 <= hour12 <= 12 or (hour is not None and hour % 12 != hour12 % 12):
            return None
        if hour is None:
            hour = hour12 % 12 + (12 if values.get("half") == "pm" else 0)
    elif hour is not None and "half" in values:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if values["half"] == "pm" else 0)
    parts.update(hour=hour or 0, minute=values.get("minute", 0), second=values.get("second", 0))
    result = build_datetime(parts, 0, tz)
    if result is not None and "weekday" in values and result.isoweekday() != values["weekday"]:
        return None
    for name in ("WDfull", "WDshort"):
        if result is not None and name in values and result.isoweekday() != values[name]:
            return None
    return result
