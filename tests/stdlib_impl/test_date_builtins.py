"""Date builtins against a fixed clock: 2024-03-05 10:00 in Europe/Amsterdam."""

from __future__ import annotations

import pendulum
import pytest

from bubble_lang.runtime.values import Atom, Text
from bubble_lang.stdlib import DATE_DIRECTIVES
from bubble_lang.stdlib_impl import Context
from bubble_lang.stdlib_impl.date_text import iso_text

from .helpers import NOW, ZONE, call, fails, make_ctx


def parse(ctx: Context, text: str, layout: str | None = None) -> pendulum.DateTime | None:
    return call(ctx, "date_parse", text) if layout is None else call(ctx, "date_parse", text, layout)


def iso(value: pendulum.DateTime | None) -> str | None:
    return None if value is None else iso_text(value)


def test_date_now_is_the_conversation_clock(ctx: Context) -> None:
    assert iso(call(ctx, "date_now")) == "2024-03-05T10:00:00+01:00"
    assert iso(call(ctx, "date_now", "UTC")) == "2024-03-05T09:00:00+00:00"
    assert iso(call(ctx, "date_now", "America/New_York")) == "2024-03-05T04:00:00-05:00"
    assert call(ctx, "date_now").timezone_name == ZONE
    later = make_ctx(NOW.add(minutes=16))
    assert iso(call(later, "date_now")) == "2024-03-05T10:16:00+01:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-05", "2024-03-05T00:00:00+01:00"),
    ("2024-07-01T12:00", "2024-07-01T12:00:00+02:00"),  # summer time in the conversation's zone
    ("2024-03-05 09:30:15", "2024-03-05T09:30:15+01:00"),
    ("2024-03-05T09:30:00Z", "2024-03-05T09:30:00+00:00"),
    ("2024-03-05T09:30:00+02:00", "2024-03-05T09:30:00+02:00"),
    ("2024-03-05T09:30:00.250-0330", "2024-03-05T09:30:00.250000-03:30"),
    ("  2024-03-05  ", "2024-03-05T00:00:00+01:00"),
    ("2024-02-30", None), ("2024-13-01", None), ("2024-03-05T25:00", None), ("05-03-2024", None),
    ("tomorrow", None), ("", None), ("2024-03-05T09:30+25:00", None),
])
def test_date_parse_iso(ctx: Context, text: str, expected: str | None) -> None:
    assert iso(parse(ctx, text)) == expected


@pytest.mark.parametrize(("text", "layout", "expected"), [
    ("5/3/2024", "{D}/{M}/{YYYY}", "2024-03-05T00:00:00+01:00"),
    ("05-03-24", "{0D}-{0M}-{YY}", "2024-03-05T00:00:00+01:00"),
    ("March 5, 2024 9:30pm", "{Mfull} {D}, {YYYY} {h12}:{0m}{am}", "2024-03-05T21:30:00+01:00"),
    ("mar 5 2024  12:15 AM", "{Mshort} {D} {YYYY} {h12}:{0m} {AM}", "2024-03-05T00:15:00+01:00"),
    ("Tuesday 5 March", "{WDfull} {D} {Mfull}", "2024-03-05T00:00:00+01:00"),
    ("Monday 5 March", "{WDfull} {D} {Mfull}", None),  # the weekday does not fit
    ("21:30", "{h24}:{0m}", "2024-03-05T21:30:00+01:00"),  # today, by the conversation's clock
    ("2024-03-05 09:00 UTC", "{YYYY}-{0M}-{0D} {0h24}:{0m} {Zname}", "2024-03-05T09:00:00+00:00"),
    ("2024-03-05 09:00 +05:30", "{YYYY}-{0M}-{0D} {0h24}:{0m} {Z}", "2024-03-05T09:00:00+05:30"),
    ("2024-03-05 09:00 Mars/Base", "{YYYY}-{0M}-{0D} {0h24}:{0m} {Zname}", None),
    ("{2024}", "{{{YYYY}}}", "2024-01-01T00:00:00+01:00"),
    ("13:00pm", "{h12}:{0m}{am}", None),
    ("5/3", "{D}/{M}/{YYYY}", None),
])
def test_date_parse_with_a_format(ctx: Context, text: str, layout: str, expected: str | None) -> None:
    assert iso(parse(ctx, text, layout)) == expected


def test_date_parse_reads_month_names_in_the_conversations_language() -> None:
    dutch = make_ctx(locale="nl")
    assert iso(parse(dutch, "5 maart 2024", "{D} {Mfull} {YYYY}")) == "2024-03-05T00:00:00+01:00"
    assert iso(parse(dutch, "5 March 2024", "{D} {Mfull} {YYYY}")) == "2024-03-05T00:00:00+01:00"


def test_date_parse_errors(ctx: Context) -> None:
    assert fails(ctx, "date_parse", 20240305, code="B401").message == "`date_parse` needs a text, got an integer"
    assert fails(ctx, "date_parse", "x", "{Day}", code="B403").message == "`date_parse` has no directive `{Day}`"
    assert iso(call(ctx, "date_parse", Text("2024-03-05"))) == "2024-03-05T00:00:00+01:00"


def test_every_directive_writes_the_registry_example() -> None:
    moment = pendulum.datetime(2024, 3, 5, 9, 5, 7, tz=ZONE)
    for name, (_, example) in DATE_DIRECTIVES.items():
        assert call(make_ctx(), "date_format", moment, "{" + name + "}") == example, name


@pytest.mark.parametrize(("layout", "expected"), [
    (None, "2024-03-05 10:00"),
    ("{WDfull} {D} {Mfull} {YYYY}", "Tuesday 5 March 2024"),
    ("{h12}:{0m} {AM}", "10:00 AM"),
    ("{{literal}} {0h24}h", "{literal} 10h"),
    ("no directives", "no directives"),
    ("", ""),
])
def test_date_format(ctx: Context, layout: str | None, expected: str) -> None:
    now = call(ctx, "date_now")
    args = [now] if layout is None else [now, layout]
    assert call(ctx, "date_format", *args) == expected


def test_date_format_noon_midnight_and_languages(ctx: Context) -> None:
    midnight = pendulum.datetime(2024, 3, 5, 0, 30, tz=ZONE)
    noon = pendulum.datetime(2024, 3, 5, 12, 30, tz=ZONE)
    assert call(ctx, "date_format", midnight, "{h12}{am}") == "12am"
    assert call(ctx, "date_format", noon, "{h12}{am}") == "12pm"
    assert call(ctx, "date_format", noon, "{Mfull} {WDfull}", locale="nl") == "maart dinsdag"
    assert call(ctx, "date_format", noon, "{Mfull}", locale="de-DE") == "März"
    assert call(make_ctx(locale="fr_FR"), "date_format", noon, "{WDfull}") == "mardi"
    assert call(make_ctx(locale="xx"), "date_format", noon, "{Mfull}") == "March"  # unknown: English


def test_date_format_errors(ctx: Context) -> None:
    now = call(ctx, "date_now")
    assert fails(ctx, "date_format", now, "{Mful}").hint == "did you mean `{Mfull}`?"
    assert fails(ctx, "date_format", now, "{D").message == "`date_format` found a `{` that is never closed in its format"
    assert fails(ctx, "date_format", now, "{D}", locale="klingon", code="B403").message == \
        "`date_format` does not know the locale `klingon`"
    assert fails(ctx, "date_format", now, "{D}", locale="../../os").message.startswith("`date_format` does not know")
    assert fails(ctx, "date_format", "2024-03-05").hint.startswith("read a date-time")


def test_date_add(ctx: Context) -> None:
    now = call(ctx, "date_now")
    assert iso(call(ctx, "date_add", now, 90)) == "2024-03-05T10:01:30+01:00"
    assert iso(call(ctx, "date_add", now, "2h 30m")) == "2024-03-05T12:30:00+01:00"
    assert iso(call(ctx, "date_add", now, pendulum.duration(days=1))) == "2024-03-06T10:00:00+01:00"
    assert iso(call(ctx, "date_add", now, -1, Atom("years"))) == "2023-03-05T10:00:00+01:00"
    assert iso(call(ctx, "date_add", now, 2, "week")) == "2024-03-19T10:00:00+01:00"
    assert iso(call(ctx, "date_add", now, 1.5, Atom("hours"))) == "2024-03-05T11:30:00+01:00"
    assert iso(call(ctx, "date_add", now, 2.0, Atom("days"))) == "2024-03-07T10:00:00+01:00"


def test_date_add_across_daylight_saving_time(ctx: Context) -> None:
    before = pendulum.datetime(2024, 3, 30, 12, tz=ZONE)
    assert iso(call(ctx, "date_add", before, 1, Atom("days"))) == "2024-03-31T12:00:00+02:00"
    assert iso(call(ctx, "date_add", before, 24, Atom("hours"))) == "2024-03-31T13:00:00+02:00"
    assert iso(call(ctx, "date_add", pendulum.datetime(2024, 3, 31, tz=ZONE), 1, Atom("months"))) == \
        "2024-04-30T00:00:00+02:00"


def test_date_add_errors(ctx: Context) -> None:
    now = call(ctx, "date_now")
    assert fails(ctx, "date_add", now, "soon", code="B403").hint.startswith("write a number of seconds")
    assert fails(ctx, "date_add", now, 1, Atom("fortnights"), code="B403").message == "`date_add` has no unit `:fortnights`"
    assert fails(ctx, "date_add", now, 0.5, Atom("months"), code="B403")
    assert fails(ctx, "date_add", now, "1", Atom("days"), code="B401")
    assert fails(ctx, "date_add", now, 10_000, Atom("years"), code="B403").message.startswith("`date_add` would give a date outside")
    assert fails(ctx, "date_add", now, 10**15, code="B403")
    assert fails(ctx, "date_add", now, None, code="B401")


@pytest.mark.parametrize(("a", "b", "unit", "expected"), [
    ("2024-03-05", "1990-06-01", "years", 33),
    ("1990-06-01", "2024-03-05", "years", -33),
    ("2024-03-05", "2023-03-05", "years", 1),
    ("2024-03-04", "2023-03-05", "years", 0),
    ("2024-02-29", "2024-01-31", "months", 1),  # as date_add: Jan 31 + 1 month is Feb 29
    ("2024-02-28", "2024-01-31", "months", 0),
    ("2024-03-31", "2024-01-31", "months", 2),
    ("2024-03-05T10:00", "2024-03-04T10:00", "days", 1),
    ("2024-03-05T09:59", "2024-03-04T10:00", "days", 0),
    ("2024-03-04T10:00", "2024-03-05T09:59", "days", 0),
    ("2024-03-31T12:00", "2024-03-30T12:00", "days", 1),  # a 23-hour day is still a day
    ("2024-03-31T12:00", "2024-03-30T12:00", "hours", 23),
    ("2024-03-19", "2024-03-05", "weeks", 2),
    ("2024-03-18", "2024-03-05", "weeks", 1),
    ("2024-03-05T10:00:59", "2024-03-05T10:00", "minutes", 0),
    ("2024-03-05T10:00", "2024-03-05T10:01:30", "seconds", -90),
])
def test_date_diff(ctx: Context, a: str, b: str, unit: str, expected: int) -> None:
    assert call(ctx, "date_diff", parse(ctx, a), parse(ctx, b), Atom(unit)) == expected


def test_date_diff_compares_instants_across_zones(ctx: Context) -> None:
    tokyo = pendulum.datetime(2024, 3, 5, 18, tz="Asia/Tokyo")  # 10:00 in Amsterdam
    assert call(ctx, "date_diff", tokyo, call(ctx, "date_now"), Atom("seconds")) == 0
    assert fails(ctx, "date_diff", call(ctx, "date_now"), "yesterday", Atom("days"), code="B401").message == \
        "`date_diff` needs a date-time for `b`, got a text"


def test_timezone(ctx: Context) -> None:
    moment = parse(ctx, "2024-03-05T09:00:00+00:00")
    assert iso(call(ctx, "timezone", moment, "Asia/Kolkata")) == "2024-03-05T14:30:00+05:30"
    assert call(ctx, "timezone", moment, "UTC").timezone_name == "UTC"
    for bad in ("Mars/Base", "../../etc/passwd", "", "Europe/Amsterdam/../x", "a" * 100):
        assert fails(ctx, "timezone", moment, bad, code="B403").message.startswith("`timezone` does not know")
