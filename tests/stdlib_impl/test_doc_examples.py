"""Every example line of the builtin docs runs and gives what the doc says.

Lines whose result is a literal are compared exactly (an integer is not a float); a result
written as an ISO date-time is compared by its ISO text; a result in words ("image content",
"an intent labelled "Yes"") is checked by the kind of record; random builtins are checked for
the kind of value. Lines this cannot express are skipped, counted, and the count is kept small.
"""

from __future__ import annotations

import re
from typing import Any

import pendulum
import pytest

from bubble_lang.runtime.values import Atom, Record
from bubble_lang.stdlib import BUILTINS
from bubble_lang.stdlib_impl import Context, call_builtin
from bubble_lang.stdlib_impl.date_text import iso_text

from .example_syntax import IsoDateTime, Reader, Unsupported, split_example
from .helpers import ZONE, make_ctx

#: The clock of the doc examples (the directive table's example moment).
DOC_NOW = pendulum.datetime(2024, 3, 5, 9, 5, 7, tz=ZONE)

CONSTANTS: dict[str, Any] = {
    "menu": [
        {"title": "Pizza", "price": 12, "veggie": True},
        {"title": "Steak", "price": 25, "veggie": False},
        {"title": "Salad", "price": 9.5, "veggie": True},
    ],
    "item_picker": {"caption": "Pick one", "mode": "single", "items": ["Tea", "Coffee"]},
    "support": {"name": "Support", "email": "help@example.com", "phone": "+31 20 123 4567"},
    "sales_figure": {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {"title": "Sales"}},
    "ticket_b64": "JVBERi0xLjQK",
}

CONTENT_WORDS = {
    "image": "image", "audio": "audio", "video": "video", "web": "web", "location": "location",
    "contact": "contact", "markdown": "md", "download": "download", "QR code": "qrcode",
    "loading": "loading", "table": "table", "chart": "chart", "file": "file", "buttons": "buttons",
}

#: Results described in words: a leading phrase and the record kind it means.
RECORD_WORDS = (
    ("an intent", "intent"),
    ("an entity matcher", "entity_matcher"),
    ("a widget", "widget"),
    ("an event pattern", "event_pattern"),
)

#: Notes after a literal result, and the conversation they describe.
NOTES = {
    "(in a Dutch conversation)": {"locale": "nl", "translate": {"Hello": "Hallo"}.get},
}

EXAMPLES = [(b.name, line) for b in BUILTINS.values() for line in b.examples]

#: Lines that cannot be checked here, and why; keep this short.
KNOWN_SKIPS = {
    "sort_by(@menu, :price, :desc) -> the most expensive first": "result in words",
    "filter(@menu, :veggie, true) -> the vegetarian items": "result in words",
    "date_diff(date_now(), message.time, :days) -> 2": "uses a runtime variable",
}


#: Lines that need the BML matcher of `runtime.matching` (built alongside these builtins).
MATCHER_LINES = {line for name, line in EXAMPLES if name == "match"}

try:
    from bubble_lang.runtime.matching import compile_text, match
except ImportError:  # pragma: no cover - only while the matcher is being written
    compile_text = match = None


def bml_match_text(pattern: str, text: str) -> dict[str, Any] | None:
    """`ctx.match_text` as the VM wires it: the runtime's BML matcher, captures as texts."""
    if match is None:
        raise Unsupported("needs the BML matcher")
    found = match(compile_text(pattern), text, now=DOC_NOW, timezone=ZONE)
    return None if found is None else {name: capture.text for name, capture in found.captures.items()}


def doc_ctx(note: str | None = None) -> Context:
    fields: dict[str, Any] = {"match_text": bml_match_text}
    if note is not None:
        setting = NOTES[note]
        fields["locale"] = setting["locale"]
        translate = setting["translate"]
        fields["translate"] = lambda text: translate(text) or text
    return make_ctx(DOC_NOW, **fields)


def same(actual: Any, expected: Any) -> bool:
    """Equal and of the same type all the way down (3 is not 3.0, true is not 1)."""
    if isinstance(expected, IsoDateTime):
        return isinstance(actual, pendulum.DateTime) and iso_text(actual) == expected.text
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in expected)
    return actual == expected


def check_example(name: str, line: str) -> str:
    """Run one example line; gives "checked", or raises `Unsupported` with the reason."""
    call_text, result_text = split_example(line)
    note = next((n for n in NOTES if result_text.endswith(n)), None)
    if note:
        result_text = result_text[: -len(note)].strip()
    ctx = doc_ctx(note)

    def evaluate(fn: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return call_builtin(ctx, fn, args, kwargs)

    actual = Reader(call_text, evaluate, CONSTANTS).value()
    declaration = BUILTINS[name]
    for phrase, kind in RECORD_WORDS:
        if result_text.startswith(phrase):
            assert isinstance(actual, Record) and actual.kind == kind, actual
            label = re.search(r'labelled "([^"]*)"', result_text)
            if label:
                assert actual.fields["label"] == label.group(1)
            return "checked"
    words = re.fullmatch(r"(.+) content", result_text)
    if words:
        assert isinstance(actual, Record) and actual.kind == "content", actual
        assert actual.fields["kind"] == CONTENT_WORDS[words.group(1)], actual
        return "checked"
    reader = Reader(result_text, evaluate, CONSTANTS)
    expected = reader.value()
    if reader.rest():
        raise Unsupported(f"result in words: {reader.rest()!r}")
    if declaration.effectful:
        # Random: the doc shows one possible outcome; check the kind and the possibilities.
        assert type(actual) is type(expected), (actual, expected)
        return "checked"
    assert same(actual, expected), f"{line}: got {actual!r}"
    return "checked"


@pytest.mark.parametrize(("name", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_doc_example(name: str, line: str) -> None:
    try:
        check_example(name, line)
    except Unsupported as reason:
        assert line in KNOWN_SKIPS or (line in MATCHER_LINES and match is None), \
            f"cannot check {line!r}: {reason}"
        pytest.skip(KNOWN_SKIPS.get(line, str(reason)))


def test_few_examples_are_skipped() -> None:
    checked = 0
    for name, line in EXAMPLES:
        try:
            check_example(name, line)
            checked += 1
        except Unsupported:
            pass
    allowed = len(KNOWN_SKIPS) + (len(MATCHER_LINES) if match is None else 0)
    assert len(EXAMPLES) - checked == allowed <= 5
    assert checked >= 100


def test_random_examples_draw_from_their_arguments() -> None:
    ctx = make_ctx(DOC_NOW)
    assert call_builtin(ctx, "random_item", [["heads", "tails"]], {}) in ("heads", "tails")
    assert sorted(call_builtin(ctx, "shuffle", [[1, 2, 3]], {})) == [1, 2, 3]
    assert 1 <= call_builtin(ctx, "random_int", [1, 6], {}) <= 6


def test_the_menu_examples_in_words() -> None:
    ctx = make_ctx(DOC_NOW)
    by_price = call_builtin(ctx, "sort_by", [CONSTANTS["menu"], Atom("price"), Atom("desc")], {})
    assert [item["title"] for item in by_price] == ["Steak", "Pizza", "Salad"]
    veggie = call_builtin(ctx, "filter", [CONSTANTS["menu"], Atom("veggie"), True], {})
    assert [item["title"] for item in veggie] == ["Pizza", "Salad"]
