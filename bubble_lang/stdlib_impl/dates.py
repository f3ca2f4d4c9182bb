"""Date builtins (layer 6): `date_now`, `date_parse`, `date_format`, `date_add`, `date_diff`,
`timezone`.

Input: date-times (pendulum, with a timezone), texts, numbers, unit atoms. Output: date-times,
texts, integers. "Now" is always the conversation's clock (`ctx.now`), never the system's, and
a date-time without an offset is in the conversation's timezone. Calendar units (years, months,
weeks, days) follow the wall clock of the date-time's zone, so adding a day across a DST change
keeps the time of day; clock units (hours, minutes, seconds) are elapsed time.
"""

from __future__ import annotations

from typing import Any, NoReturn

import pendulum

from ..checks.durations import DURATION_HINT, parse_duration
from ..stdlib import DATE_UNITS, DEFAULT_DATE_FORMAT
from .args import (
    bad_argument,
    datetime_arg,
    is_number,
    is_text,
    name_arg,
    optional_text,
    text_arg,
    type_error,
)
from .binding import builtin
from .context import Context
from .date_text import (
    read_formatted,
    read_iso,
    resolve_locale,
    split_format,
    write_directive,
    zone_named,
)
from .guards import check_text_size, text_bytes

_CLOCK_SECONDS = {"hours": 3600, "minutes": 60, "seconds": 1}

#: The furthest `date_add` moves a date-time, in seconds (about 10 000 years): beyond it the
#: result cannot be a date-time anyway, and Python's arithmetic would overflow.
_MAX_SHIFT_SECONDS = 10_000 * 366 * 86_400


def unit_arg(function: str, unit: Any) -> str:
    """A unit atom or text, plural or singular (`:day` is `:days`)."""
    name = name_arg(function, unit, "unit")
    plural = name if name.endswith("s") else name + "s"
    if plural not in DATE_UNITS:
        bad_argument(f"`{function}` has no unit `:{name}`",
                     "use one of " + ", ".join(f"`:{u}`" for u in DATE_UNITS))
    return plural


def conversation_zone(ctx: Context, function: str) -> pendulum.Timezone:
    """The conversation's timezone (an unknown one is reported against `function`)."""
    return zone_named(ctx.timezone, function)


@builtin("date_now")
def date_now(ctx: Context, zone: Any = None) -> pendulum.DateTime:
    """The conversation clock, in its timezone or in `zone`."""
    if zone is None:
        return ctx.now.in_timezone(conversation_zone(ctx, "date_now"))
    return ctx.now.in_timezone(zone_named(text_arg("date_now", zone), "date_now"))


@builtin("date_parse")
def date_parse(ctx: Context, text: Any, format_text: Any = None) -> pendulum.DateTime | None:
    """ISO 8601, or text laid out as the format; nil when it does not fit. A bad format is
    the script's mistake and an error; text that does not fit is the user's, and nil."""
    source = text_arg("date_parse", text)
    zone = conversation_zone(ctx, "date_parse")
    if format_text is None:
        return read_iso(source, zone)
    pieces = split_format(text_arg("date_parse", format_text, "format"), "date_parse")
    locale = resolve_locale(ctx.locale) or "en"
    return read_formatted(source, pieces, zone, ctx.now, locale)


@builtin("date_format")
def date_format(ctx: Context, date_time: Any, format_text: Any = None, *, locale: Any = None) -> str:
    """The date-time written with the format's directives, names in the conversation's
    language or `locale:`."""
    moment = datetime_arg("date_format", date_time)
    layout = optional_text("date_format", format_text, "format", DEFAULT_DATE_FORMAT)
    if locale is None:
        language = resolve_locale(ctx.locale) or "en"
    else:
        requested = text_arg("date_format", locale, "locale")
        found = resolve_locale(requested)
        if found is None:
            bad_argument(f"`date_format` does not know the locale `{requested}`",
                         'use a language code such as "en", "nl", "de" or "fr"')
        language = found
    out: list[str] = []
    size = 0
    for is_directive, piece in split_format(layout, "date_format"):
        written = write_directive(piece, moment, language) if is_directive else piece
        size += text_bytes(written)
        check_text_size(size, ctx.limits)
        out.append(written)
    return "".join(out)


def _amount_seconds(amount: Any) -> float:
    """A duration given as seconds, a text like "1h30m" or a duration value."""
    if isinstance(amount, pendulum.Duration):
        return amount.total_seconds()
    if is_number(amount):
        return amount
    if is_text(amount):
        seconds = parse_duration(str(amount))
        if seconds is None:
            bad_argument(f"`date_add` cannot read `{amount}` as a duration", DURATION_HINT)
        return seconds
    type_error("date_add", "a duration, a number or a text", amount, "amount", hint=DURATION_HINT)


@builtin("date_add")
def date_add(ctx: Context, date_time: Any, amount: Any, unit: Any = None) -> pendulum.DateTime:
    """The date-time moved by a duration or by a number of units."""
    moment = datetime_arg("date_add", date_time)
    if unit is None:
        if isinstance(amount, pendulum.Duration) and (amount.years or amount.months):
            return _shifted(moment, amount)
        return _shifted(moment, seconds=_amount_seconds(amount))
    name = unit_arg("date_add", unit)
    if not is_number(amount):
        type_error("date_add", "a number", amount, "amount",
                   hint=f"give a number of {name}, like `date_add(t, 2, :{name})`")
    if name in _CLOCK_SECONDS:
        return _shifted(moment, seconds=amount * _CLOCK_SECONDS[name])
    if amount != int(amount):
        bad_argument(f"`date_add` needs a whole number of {name}, got {amount}",
                     "use a smaller unit, such as `:hours`, for parts of a day")
    return _shifted(moment, **{name: int(amount)})


def _shifted(moment: pendulum.DateTime, duration: pendulum.Duration | None = None,
             **units: Any) -> pendulum.DateTime:
    """`moment` moved, or a B403 error when the result is outside the years 1 to 9999."""
    seconds = units.get("seconds", 0)
    years = abs(units.get("years", 0)) + abs(units.get("months", 0)) / 12
    days = abs(units.get("days", 0)) + 7 * abs(units.get("weeks", 0))
    if abs(seconds) > _MAX_SHIFT_SECONDS or years > 10_000 or days > 10_000 * 366:
        _out_of_range()
    try:
        return moment + duration if duration is not None else moment.add(**units)
    except (OverflowError, ValueError):
        _out_of_range()


def _out_of_range() -> NoReturn:
    bad_argument("`date_add` would give a date outside the years 1 to 9999",
                 "check the amount and the unit")


@builtin("date_diff")
def date_diff(ctx: Context, a: Any, b: Any, unit: Any) -> int:
    """Whole units from `b` to `a`, rounded toward zero: negative when `a` is earlier."""
    later = datetime_arg("date_diff", a)
    earlier = datetime_arg("date_diff", b, "b").in_timezone(later.timezone or "UTC")
    name = unit_arg("date_diff", unit)
    if name in _CLOCK_SECONDS:
        seconds = (later - earlier).total_seconds()
        return int(seconds / _CLOCK_SECONDS[name])
    if name in ("years", "months"):
        months = _whole_steps(earlier, later, "months",
                              (later.year - earlier.year) * 12 + later.month - earlier.month)
        return months if name == "months" else int(months / 12)
    days = _whole_steps(earlier, later, "days", (later.date() - earlier.date()).days)
    return days if name == "days" else int(days / 7)


def _whole_steps(start: pendulum.DateTime, end: pendulum.DateTime, unit: str, guess: int) -> int:
    """The number of whole calendar `unit`s from `start` to `end`, toward zero: `guess` counts
    calendar boundaries, which is one too many when the last step overshoots."""
    try:
        if guess > 0 and start.add(**{unit: guess}) > end:
            return guess - 1
        if guess < 0 and start.add(**{unit: guess}) < end:
            return guess + 1
    except (OverflowError, ValueError):  # a step past year 9999 overshoots by definition
        return guess - 1 if guess > 0 else guess + 1
    return guess


@builtin("timezone")
def timezone(ctx: Context, date_time: Any, zone: Any) -> pendulum.DateTime:
    """The same moment in another timezone."""
    moment = datetime_arg("timezone", date_time)
    return moment.in_timezone(zone_named(text_arg("timezone", zone, "zone"), "timezone"))

