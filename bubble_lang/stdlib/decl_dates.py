"""Declarations of the date builtins (layer 4): data for the registry, no implementations.

Date-times are pendulum values with a timezone; a conversation has a clock (fixed in tests)
and a timezone (the bot's configured one unless changed). `DATE_DIRECTIVES` is the `{…}`
directive set of `date_format` and `date_parse`, Timex-style as in Bubblescript; a checker may
use it to validate a literal format string, and the implementation must cover exactly it.
"""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_date = partial(declare, category="dates")

#: Every `{…}` directive: name -> (meaning, output for 2024-03-05 09:05:07 Europe/Amsterdam).
DATE_DIRECTIVES: dict[str, tuple[str, str]] = {
    "YYYY": ("year, four digits", "2024"),
    "YY": ("year, last two digits", "24"),
    "M": ("month number, 1-12", "3"),
    "0M": ("month number, two digits", "03"),
    "Mfull": ("month name", "March"),
    "Mshort": ("month name, abbreviated", "Mar"),
    "D": ("day of the month, 1-31", "5"),
    "0D": ("day of the month, two digits", "05"),
    "WDfull": ("weekday name", "Tuesday"),
    "WDshort": ("weekday name, abbreviated", "Tue"),
    "WDmon": ("weekday number, Monday = 1 to Sunday = 7", "2"),
    "h24": ("hour, 0-23", "9"),
    "0h24": ("hour, 00-23", "09"),
    "h12": ("hour, 1-12", "9"),
    "0h12": ("hour, 01-12", "09"),
    "m": ("minute, 0-59", "5"),
    "0m": ("minute, two digits", "05"),
    "s": ("second, 0-59", "7"),
    "0s": ("second, two digits", "07"),
    "am": ("am or pm", "am"),
    "AM": ("AM or PM", "AM"),
    "Z": ("offset from UTC", "+01:00"),
    "Zname": ("timezone name", "Europe/Amsterdam"),
    "ISO": ("the whole date-time in ISO 8601", "2024-03-05T09:05:07+01:00"),
}

#: The format `date_format` uses when none is given.
DEFAULT_DATE_FORMAT = "{YYYY}-{0M}-{0D} {0h24}:{0m}"

#: Unit atoms of `date_add` and `date_diff`; the singular (`:day`) is accepted too.
DATE_UNITS: tuple[str, ...] = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


def _directive_table() -> str:
    """The directive reference shown after the docs of `date_format` and `date_parse`."""
    width = max(len(name) for name in DATE_DIRECTIVES) + 2
    lines = [f"{'{' + name + '}':<{width}}  {meaning} ({example})" for name, (meaning, example) in DATE_DIRECTIVES.items()]
    lines.append(f"{'{{ or }}':<{width}}  a literal brace")
    header = "directives (example output for 2024-03-05 09:05:07 in Europe/Amsterdam):\n"
    return header + "\n".join("  " + line for line in lines)


_UNITS_TEXT = ", ".join(f"`:{unit}`" for unit in DATE_UNITS)

DECLARATIONS: tuple[Builtin, ...] = (
    _date(
        "date_now", "zone?", "date-time",
        """Gives the current date and time of the conversation's clock (fixed in tests, moved
        by `advance`), in the conversation's timezone or in `zone` (an IANA name). It reads
        the clock, so constant definitions may not use it; guards may.""",
        "date_now() -> 2024-03-05T09:05:07+01:00",
        'date_now("UTC") -> 2024-03-05T08:05:07+00:00',
        pure=False,
    ),
    _date(
        "date_parse", "text, format?", "date-time",
        """Reads a date-time from text: ISO 8601 (`2024-03-05`, `2024-03-05T09:30`,
        `2024-03-05 09:30:00+02:00`) without a format, or text laid out as the format's `{…}`
        directives; a text without an offset is in the conversation's timezone. Text that
        does not fit gives `nil`.""",
        'date_parse("2024-03-05T09:30") -> 2024-03-05T09:30:00+01:00',
        'date_parse("5/3/2024", "{D}/{M}/{YYYY}") -> 2024-03-05T00:00:00+01:00',
        'date_parse("someday") -> nil',
        pure=False,
        details=_directive_table(),
    ),
    _date(
        "date_format", "date_time, format?", "text",
        f"""Writes a date-time as text, replacing each `{{…}}` directive of the format (default
        `"{DEFAULT_DATE_FORMAT}"`) and keeping all other characters; month and weekday names
        are in the conversation's language, or in the `locale:` option (`"en"`, `"nl"`, …).
        An unknown directive is an error.""",
        'date_format(date_parse("2024-03-05T09:05"), "{D} {Mfull} at {h24}:{0m}") -> "5 March at 9:05"',
        'date_format(date_parse("2024-03-05T21:05"), "{WDshort} {h12}{am}") -> "Tue 9pm"',
        keywords=("locale",),
        pure=False,
        details=_directive_table(),
    ),
    _date(
        "date_add", "date_time, amount, unit?", "date-time",
        f"""Moves a date-time by an amount: a duration (seconds, or text like `"1h30m"`), or a
        number of units ({_UNITS_TEXT}); a negative amount moves back. Adding months keeps
        the day when it exists, else takes the month's last day.""",
        'date_add(date_parse("2024-03-05T09:00"), "1h30m") -> 2024-03-05T10:30:00+01:00',
        'date_add(date_parse("2024-01-31"), 1, :months) -> 2024-02-29T00:00:00+01:00',
    ),
    _date(
        "date_diff", "a, b, unit", "number",
        f"""Gives how many whole units ({_UNITS_TEXT}) lie from `b` to `a` (`a` minus `b`,
        rounded toward zero), so it is negative when `a` is earlier.""",
        'date_diff(date_parse("2024-03-05"), date_parse("1990-06-01"), :years) -> 33',
        "date_diff(date_now(), message.time, :days) -> 2",
    ),
    _date(
        "timezone", "date_time, zone", "date-time",
        """Gives the same moment seen in another timezone (an IANA name such as
        `"Europe/Amsterdam"` or `"UTC"`); an unknown zone is a runtime error.""",
        'timezone(date_parse("2024-03-05T09:00:00+00:00"), "Europe/Amsterdam") -> 2024-03-05T10:00:00+01:00',
    ),
)
