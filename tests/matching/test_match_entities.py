"""The built-in entity extractors: kind, covered text and normalised value, at a fixed clock.

NOW is Tuesday 2024-03-05 10:00 Europe/Amsterdam.
"""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from matching_helpers import NOW, TZ, run

from bubble_lang.runtime.matching import extract_entities


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=TZ)


ROWS: list[tuple[str, str, str, Any]] = [
    # email
    ("mail John.Doe@Example.com now", "email", "John.Doe@Example.com", "john.doe@example.com"),
    ("a+b@mail.co.uk.", "email", "a+b@mail.co.uk", "a+b@mail.co.uk"),
    # url
    ("see https://example.com/x?y=1. ok", "url", "https://example.com/x?y=1",
     "https://example.com/x?y=1"),
    ("visit www.bubble.io today", "url", "www.bubble.io", "www.bubble.io"),
    ("go to example.nl/path", "url", "example.nl/path", "example.nl/path"),
    # number: digits
    ("it is -15 degrees", "number", "-15", -15),
    ("it is 10.5 now", "number", "10.5", 10.5),
    ("about 1,000 people", "number", "1,000", 1000),
    ("exactly 10.0", "number", "10.0", 10),
    ("add 5 and 5", "number", "5", 5),
    # number: words
    ("five", "number", "five", 5),
    ("twenty one", "number", "twenty one", 21),
    ("twenty-one", "number", "twenty-one", 21),
    ("a hundred", "number", "a hundred", 100),
    ("one hundred and five", "number", "one hundred and five", 105),
    ("two thousand three hundred", "number", "two thousand three hundred", 2300),
    ("zero", "number", "zero", 0),
    # ordinal
    ("the 3rd one", "ordinal", "3rd", 3),
    ("the third one", "ordinal", "third", 3),
    ("twenty first", "ordinal", "twenty first", 21),
    # phone_number
    ("call +31 6 1234 5678", "phone_number", "+31 6 1234 5678", "+31612345678"),
    ("call 555-1234 now", "phone_number", "555-1234", "5551234"),
    ("call (020) 123 4567", "phone_number", "(020) 123 4567", "0201234567"),
    ("call 0612345678", "phone_number", "0612345678", "0612345678"),
    # amount_of_money
    ("it costs $5.95", "amount_of_money", "$5.95", {"amount": 5.95, "unit": "USD"}),
    ("it costs 5 euro", "amount_of_money", "5 euro", {"amount": 5, "unit": "EUR"}),
    ("it costs € 10", "amount_of_money", "€ 10", {"amount": 10, "unit": "EUR"}),
    ("it costs 5,95 euro", "amount_of_money", "5,95 euro", {"amount": 5.95, "unit": "EUR"}),
    ("it costs EUR 1,200", "amount_of_money", "EUR 1,200", {"amount": 1200, "unit": "EUR"}),
    ("only £3", "amount_of_money", "£3", {"amount": 3, "unit": "GBP"}),
    ("20 dollars", "amount_of_money", "20 dollars", {"amount": 20, "unit": "USD"}),
    # duration (seconds)
    ("2h 30m", "duration", "2h 30m", 9000),
    ("1h30m", "duration", "1h30m", 5400),
    ("1d", "duration", "1d", 86400),
    ("90 minutes", "duration", "90 minutes", 5400),
    ("an hour", "duration", "an hour", 3600),
    ("two hours and 30 minutes", "duration", "two hours and 30 minutes", 9000),
    ("1.5 hours", "duration", "1.5 hours", 5400),
    ("45s", "duration", "45s", 45),
    # time
    ("tomorrow at 6pm", "time", "tomorrow at 6pm", at(2024, 3, 6, 18)),
    ("meet at 18:00", "time", "18:00", at(2024, 3, 5, 18)),
    ("at 6pm", "time", "6pm", at(2024, 3, 5, 18)),
    ("at 8am", "time", "8am", at(2024, 3, 6, 8)),  # 8am today has passed
    ("at 6:30 p.m.", "time", "6:30 p.m.", at(2024, 3, 5, 18, 30)),
    ("born March 3rd 1990", "time", "March 3rd 1990", at(1990, 3, 3)),
    ("on 3 March 1990", "time", "3 March 1990", at(1990, 3, 3)),
    ("on the 3rd of March", "time", "3rd of March", at(2025, 3, 3)),  # passed this year
    ("on March 10", "time", "March 10", at(2024, 3, 10)),
    ("next friday", "time", "next friday", at(2024, 3, 8)),
    ("friday", "time", "friday", at(2024, 3, 8)),
    ("tuesday", "time", "tuesday", at(2024, 3, 5)),
    ("next tuesday", "time", "next tuesday", at(2024, 3, 12)),
    ("last friday", "time", "last friday", at(2024, 3, 1)),
    ("friday at 18:00", "time", "friday at 18:00", at(2024, 3, 8, 18)),
    ("6pm tomorrow", "time", "6pm tomorrow", at(2024, 3, 6, 18)),
    ("in 2 hours", "time", "in 2 hours", at(2024, 3, 5, 12)),
    ("in an hour", "time", "in an hour", at(2024, 3, 5, 11)),
    ("in three days", "time", "in three days", at(2024, 3, 8, 10)),
    ("18 years ago", "time", "18 years ago", at(2006, 3, 5, 10)),
    ("a week ago", "time", "a week ago", at(2024, 2, 27, 10)),
    ("2024-03-05", "time", "2024-03-05", at(2024, 3, 5)),
    ("2024-12-24T18:30", "time", "2024-12-24T18:30", at(2024, 12, 24, 18, 30)),
    ("yesterday", "time", "yesterday", at(2024, 3, 4)),
    ("the day after tomorrow", "time", "the day after tomorrow", at(2024, 3, 7)),
    ("next week", "time", "next week", at(2024, 3, 11)),
    ("at noon", "time", "noon", at(2024, 3, 5, 12)),
    ("at midnight", "time", "midnight", at(2024, 3, 6, 0)),
    ("now", "time", "now", at(2024, 3, 5, 10)),
    # found by a fidelity probe: bare hours after `at`, parts of the day, half past / quarter to
    ("friday at 9", "time", "friday at 9", at(2024, 3, 8, 9)),
    ("at 9 on friday", "time", "at 9 on friday", at(2024, 3, 8, 9)),
    ("see you at 3", "time", "at 3", at(2024, 3, 5, 15)),
    ("friday at 6", "time", "friday at 6", at(2024, 3, 8, 18)),
    ("friday at 12", "time", "friday at 12", at(2024, 3, 8, 12)),
    ("monday at 10.30", "time", "monday at 10.30", at(2024, 3, 11, 10, 30)),
    ("tomorrow morning", "time", "tomorrow morning", at(2024, 3, 6, 9)),
    ("friday evening", "time", "friday evening", at(2024, 3, 8, 19)),
    ("tomorrow in the afternoon", "time", "tomorrow in the afternoon", at(2024, 3, 6, 14)),
    ("tonight", "time", "tonight", at(2024, 3, 5, 21)),
    ("this morning", "time", "this morning", at(2024, 3, 5, 9)),  # today, though past
    ("9 tonight", "time", "9 tonight", at(2024, 3, 5, 21)),
    ("at 9 in the evening", "time", "at 9 in the evening", at(2024, 3, 5, 21)),
    ("it is 3 in the morning", "time", "3 in the morning", at(2024, 3, 6, 3)),
    ("half past 3", "time", "half past 3", at(2024, 3, 5, 15, 30)),
    ("quarter to 5", "time", "quarter to 5", at(2024, 3, 5, 16, 45)),
    ("tomorrow at half past 8", "time", "tomorrow at half past 8", at(2024, 3, 6, 8, 30)),
]


@pytest.mark.parametrize(("message", "kind", "text", "value"), ROWS)
def test_extraction(message: str, kind: str, text: str, value: Any) -> None:
    found = extract_entities(message, now=NOW, timezone=TZ)
    assert (kind, text, value) in [(span.kind, span.text, span.value) for span in found]


def test_integral_values_are_ints() -> None:
    found = extract_entities("10.0 and 2.5 and 3", now=NOW, timezone=TZ)
    values = [span.value for span in found if span.kind == "number"]
    assert values == [10, 2.5, 3]
    assert [type(value) for value in values] == [int, float, int]


@pytest.mark.parametrize(
    "message",
    ["I sat in the sun on wednesday's bench", "version 3.14159265", "10 20 30 40", "and", "x1h",
     "2024-03-05"],
)
def test_no_false_phone_numbers_or_durations(message: str) -> None:
    kinds = {span.kind for span in extract_entities(message, now=NOW, timezone=TZ)}
    assert "phone_number" not in kinds and "duration" not in kinds


def test_no_entities_in_plain_words() -> None:
    assert extract_entities("I sat in the sun", now=NOW, timezone=TZ) == []
    for greeting in ("good morning", "good evening", "what a lovely afternoon", "we meet at 5 %"):
        assert [span for span in extract_entities(greeting, now=NOW, timezone=TZ) if span.kind == "time"] == []


def test_times_use_the_given_timezone() -> None:
    found = extract_entities("18:00", now=NOW, timezone="America/New_York")
    (span,) = [span for span in found if span.kind == "time"]
    assert span.value == pendulum.datetime(2024, 3, 5, 18, tz="America/New_York")


def test_invalid_dates_are_skipped() -> None:
    assert not [s for s in extract_entities("February 30 2024", now=NOW, timezone=TZ)
                if s.kind == "time"]


def test_entity_values_through_the_matcher() -> None:
    found = run("pick me up [time=pickup_time]", "Pick me up tomorrow at 6pm please")
    assert found is not None
    pickup = found.captures["pickup_time"]
    assert (pickup.text, pickup.value, pickup.kind) == (
        "tomorrow at 6pm", at(2024, 3, 6, 18), "time"
    )
    found = run("[number] plus [number=b]", "twenty one plus a hundred")
    assert found is not None
    assert (found.captures["number"].value, found.captures["b"].value) == (21, 100)
    found = run("wait [duration]", "wait 2h 30m")
    assert found is not None and found.captures["duration"].value == 9000
    found = run("[url]", "docs at https://bubble.dev/x.")
    assert found is not None and found.captures["url"].text == "https://bubble.dev/x"
    found = run("call [phone_number]", "call +31 6 1234 5678")
    assert found is not None and found.captures["phone_number"].value == "+31612345678"
    found = run("[ordinal] floor", "the 3rd floor")
    assert found is not None and found.captures["ordinal"].value == 3
