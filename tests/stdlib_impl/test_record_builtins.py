"""Builtins that build records: intents, entity matchers, widgets, content, events, `_`."""

from __future__ import annotations

import pendulum
import pytest

from bubble_lang.runtime.values import Atom, Record, Text, from_plain, to_plain
from bubble_lang.stdlib import WIDGET_KINDS
from bubble_lang.stdlib_impl import Context

from .helpers import call, fails, make_ctx


def test_intent_and_entity_records(ctx: Context) -> None:
    yes = call(ctx, "intent", match="yes | yep", label="Yes")
    assert yes == Record("intent", {"match": ["yes | yep"], "label": "Yes"})
    about = call(ctx, "intent", match=["about _", Text("tell me")])
    assert about.fields == {"match": ["about _", "tell me"], "label": None}
    assert call(ctx, "entity", match="[email]") == Record("entity_matcher", {"match": ["[email]"]})
    assert fails(ctx, "intent", match=[], code="B403").message == "`intent` needs at least one pattern in `match:`"
    assert fails(ctx, "intent", match=["ok", 1]).message == "`intent` needs a text for `match`, got an integer"
    assert fails(ctx, "intent", match="x", label=3).message == "`intent` needs a text for `label`, got an integer"


def test_match_calls_the_conversations_matcher(ctx: Context) -> None:
    seen = []

    def matcher(pattern: str, text: str) -> dict | None:
        seen.append((pattern, text))
        return {"name": "Ann"} if "Ann" in text else None

    wired = make_ctx(match_text=matcher)
    assert call(wired, "match", "my name is [1+=name]", Text("I am Ann")) == {"name": "Ann"}
    assert call(wired, "match", "x", "nobody") is None
    assert call(wired, "match", "x", None) is None
    assert seen == [("my name is [1+=name]", "I am Ann"), ("x", "nobody")]
    long_text = "a" * 10_000
    call(wired, "match", "x", long_text)
    assert len(seen[-1][1]) == wired.limits.match_text_chars
    assert fails(wired, "match", 1, "x").message == "`match` needs a text, got an integer"
    assert fails(ctx, "match", "x", "y", code="B403").message == "matching is not available in this context"


def test_event_and_translation(ctx: Context) -> None:
    assert call(ctx, "event", " paid ") == Record("event_pattern", {"name": "paid"})
    assert fails(ctx, "event", "  ", code="B403")
    assert fails(ctx, "event", Atom("paid"), code="B401")
    assert call(ctx, "_", "Hello") == "Hello"
    dutch = make_ctx(locale="nl", translate={"Hello": "Hallo"}.get)
    assert call(dutch, "_", Text("Hello")) == "Hallo"
    assert fails(ctx, "_", None).message == "`_` needs a text, got nil"


def test_input_method_builds_a_widget_record(ctx: Context) -> None:
    widget = call(ctx, "input_method", "int", min=1, max=10)
    assert widget == Record("widget", {"kind": "int", "min": 1, "max": 10})
    assert call(ctx, "input_method", Atom("confirm")).fields == {"kind": "confirm"}
    merged = call(ctx, "input_method", "text", {"caption": "Name?", "max_length": 5}, max_length=20)
    assert merged.fields == {"kind": "text", "caption": "Name?", "max_length": 20}


@pytest.mark.parametrize("kind", sorted(WIDGET_KINDS))
def test_every_widget_kind_can_be_built(ctx: Context, kind: str) -> None:
    options = {
        "items": ["a", "b"],
        "fields": [{"name": "age", "kind": "int", "min": 0}],
    }
    required = {name: options[name] for name in WIDGET_KINDS[kind].required_options}
    widget = call(ctx, "input_method", kind, **required)
    assert widget.kind == "widget" and widget.fields["kind"] == kind
    assert from_plain(to_plain(widget)) == widget


def test_widget_options_are_checked_and_normalised(ctx: Context) -> None:
    picked = call(ctx, "input_method", "duration", min="15m", max=7200)
    assert picked.fields["min"] == pendulum.duration(minutes=15)
    assert picked.fields["max"] == pendulum.duration(hours=2)
    when = call(ctx, "input_method", "datetime", min="2024-03-05")
    assert when.fields["min"] == pendulum.datetime(2024, 3, 5, tz="Europe/Amsterdam")
    assert call(ctx, "input_method", "upload", types=".pdf").fields["types"] == [".pdf"]
    items = [{"title": "Tea", "value": "t"}, "Coffee"]
    assert call(ctx, "input_method", "single_choice", items=items, default="t").fields["default"] == "t"
    assert call(ctx, "input_method", "multi_choice", items=items, default=["Tea", "Coffee"])


@pytest.mark.parametrize(("args", "options", "message"), [
    (("slider",), {}, 'unknown widget kind `"slider"`'),
    (("int",), {"items": ["a"]}, 'widget `"int"` has no option `items:`'),
    (("single_choice",), {}, 'widget `"single_choice"` needs the option `items:`'),
    (("int",), {"min": 1.5}, 'widget `"int"` needs an integer for `min:`, got a number'),
    (("int",), {"min": 5, "max": 1}, 'widget `"int"` has `min:` above `max:`'),
    (("text",), {"required": "yes"}, 'widget `"text"` needs `true` or `false` for `required:`, got a text'),
    (("text",), {"max_length": -1}, 'widget `"text"` needs a whole number, 0 or more for `max_length:`, got an integer'),
    (("text",), {"pattern": "(unclosed"}, 'widget `"text"` has an invalid `pattern:`'),
    (("dropdown",), {"items": []}, 'widget `"dropdown"` needs a non-empty list for `items:`, got a list'),
    (("dropdown",), {"items": [1]}, 'widget `"dropdown"` needs texts or maps with a `title` in `items:`, item 1 is an integer'),
    (("multi_choice",), {"items": ["a"], "min_items": 2}, 'widget `"multi_choice"` asks for more items than it offers'),
    (("item_picker",), {"items": ["a"], "mode": "all"}, 'widget `"item_picker"` has no mode `"all"`'),
    (("datetime",), {"max": "someday"}, 'widget `"datetime"` needs a date-time for `max:`, got a text'),
    (("duration",), {"max": "1x"}, 'widget `"duration"` needs a duration for `max:`, got a text'),
    (("form",), {"fields": [{"label": "x"}]}, 'widget `"form"` needs maps with a `name` in `fields:`, item 1 has none'),
    (("form",), {"fields": [{"name": "a"}, {"name": "a"}]}, 'widget `"form"` has two fields named `a`'),
    (("form",), {"fields": [{"name": "a", "kind": "form", "fields": []}]}, 'a field of widget `"form"` cannot be of kind `"form"`'),
    (("form",), {"fields": [{"name": "a", "kind": "int", "items": []}]}, 'widget `"int"` has no option `items:`'),
    (("text", [1]), {}, "`input_method` needs a map for `options`, got a list"),
    ((3,), {}, "`input_method` needs a text, got an integer"),
])
def test_widget_errors(ctx: Context, args: tuple, options: dict, message: str) -> None:
    error = fails(ctx, "input_method", *args, **options)
    assert error.message.startswith(message), error.message


@pytest.mark.parametrize(("name", "url"), [
    ("image", "https://example.com/cat.png"), ("image", "cat.png"), ("image", "/static/cat.png"),
    ("image", "data:image/png;base64,iVBORw0KGgo="), ("audio", "HTTP://example.com/a.mp3"),
    ("video", "data:video/mp4;base64,AAAA"), ("web", "https://example.com/menu?x=1#top"),
])
def test_media_content(ctx: Context, name: str, url: str) -> None:
    assert call(ctx, name, url) == Record("content", {"kind": name, "url": url})


@pytest.mark.parametrize(("name", "url", "message"), [
    ("image", "javascript:alert(1)", "`image` cannot use a `javascript:` URL"),
    ("image", "file:///etc/passwd", "`image` cannot use a `file:` URL"),
    ("image", "data:text/html,<script>", "`image` cannot use a `data:` URL"),
    ("web", "data:image/png;base64,AAAA", "`web` cannot use a `data:` URL"),
    ("audio", "  ", "`audio` needs a URL, got an empty text"),
    ("video", "https://x.com/a\nb", "`video` got a URL with control characters"),
])
def test_media_content_refuses_unsafe_urls(ctx: Context, name: str, url: str, message: str) -> None:
    assert fails(ctx, name, url, code="B403").message == message


def test_location_contact_md(ctx: Context) -> None:
    assert call(ctx, "location", {"lat": 52.36, "lon": 4.89}).fields == {"kind": "location", "lat": 52.36, "lon": 4.89}
    assert call(ctx, "location", Record("location", {"lat": 0, "lon": -180})).fields["lon"] == -180
    assert fails(ctx, "location", {"lat": 91, "lon": 0}, code="B403").message == "`location` needs `lat` from -90 to 90, got 91"
    assert fails(ctx, "location", {"lat": 1}).message == "`location` needs a number for `lon`, got nil"
    # The original's bare pair is longitude first (its example: `show location [4.915, 52.332]`).
    assert call(ctx, "location", [4.915, 52.332]).fields == {"kind": "location", "lat": 52.332, "lon": 4.915}
    assert fails(ctx, "location", [200, 52.3], code="B403").message == "`location` needs `lon` from -180 to 180, got 200"
    assert fails(ctx, "location", [1, 2, 3]).message == (
        "`location` needs a map with `lat` and `lon`, or a `[lon, lat]` pair, got a list")
    card = call(ctx, "contact", {"name": "Support", "email": "a@b.c"}, name="Ann")
    assert card.fields == {"kind": "contact", "name": "Ann", "email": "a@b.c"}
    assert fails(ctx, "contact", {"nmae": "x"}, code="B403").message == "`contact` has no field `nmae`"
    assert fails(ctx, "contact", code="B403").message == "`contact` needs at least one detail"
    assert fails(ctx, "contact", url="javascript:x").message == "`contact` cannot use a `javascript:` URL for `url`"
    assert call(ctx, "md", "# Hi").fields == {"kind": "md", "text": "# Hi"}


def test_download_file_qrcode_loading(ctx: Context) -> None:
    offered = call(ctx, "download", name="order.txt", data="1 pizza")
    assert offered.fields == {"kind": "download", "name": "order.txt", "data": "1 pizza", "type": "text/plain"}
    assert call(ctx, "download", name="x.bin", url="https://e.com/x").fields["type"] == "application/octet-stream"
    assert call(ctx, "download", name="a.csv", data="", type="text/csv").fields["type"] == "text/csv"
    assert fails(ctx, "download", name="a.txt", code="B403").message == "`download` needs exactly one of `data:` and `url:`"
    assert fails(ctx, "download", name="../etc/passwd", data="x", code="B403")
    assert fails(ctx, "download", name="a", data="x", type="not a type", code="B403")
    held = call(ctx, "file", name="t.pdf", base64="JVBE\nRi0x")
    assert held.fields == {"kind": "file", "name": "t.pdf", "type": "application/pdf", "base64": "JVBERi0x"}
    assert fails(ctx, "file", name="t.pdf", base64="@@@", code="B403")
    assert call(ctx, "qrcode", "https://e.com").fields == {"kind": "qrcode", "text": "https://e.com"}
    assert fails(ctx, "qrcode", "x" * 3000, code="B403").message == "`qrcode` can hold at most 2953 bytes, got 3000"
    assert call(ctx, "loading", "Busy").fields == {"kind": "loading", "text": "Busy"}
    assert call(ctx, "loading", "Busy", progress=40.5, id="job").fields["progress"] == 40.5
    assert fails(ctx, "loading", "x", progress=-1, code="B403")
    assert fails(ctx, "loading", "x", progress="50", code="B401")


def test_table(ctx: Context) -> None:
    people = [{"name": "Ann", "age": 31}, {"age": 40, "name": "Bob", "city": "Delft"}]
    made = call(ctx, "table", people)
    assert made.fields == {"kind": "table", "columns": ["name", "age"], "rows": [["Ann", 31], ["Bob", 40]]}
    chosen = call(ctx, "table", people, columns=[Atom("city"), "name"])
    assert chosen.fields["rows"] == [[None, "Ann"], ["Delft", "Bob"]]
    grid = call(ctx, "table", [[1, 2], [3, 4]], columns=["a", "b"])
    assert grid.fields == {"kind": "table", "columns": ["a", "b"], "rows": [[1, 2], [3, 4]]}
    assert call(ctx, "table", []).fields == {"kind": "table", "rows": []}
    assert fails(ctx, "table", [[1, 2]], columns=["a"], code="B403").message == \
        "`table` row 1 has 2 cells, the table has 1 column"
    assert fails(ctx, "table", ["a"], code="B403")
    assert fails(ctx, "table", {"a": 1}, code="B401")


def test_chart_and_buttons(ctx: Context) -> None:
    figure = {"data": [{"type": "bar"}], "layout": {"title": "T"}}
    assert call(ctx, "chart", figure, layout={"title": "U"}).fields == \
        {"kind": "chart", "data": [{"type": "bar"}], "layout": {"title": "U"}}
    assert fails(ctx, "chart", {"data": [], "colour": 1}, code="B403").message == "`chart` has no figure field `colour`"
    assert fails(ctx, "chart", data=[], layout=[], code="B401").message == "`chart` needs a map for `layout`, got a list"
    made = call(ctx, "buttons", "Next?", ["Menu", {"title": "Pay", "event": "pay", "payload": {"id": 1}}])
    assert made.fields["buttons"] == [{"title": "Menu", "value": "Menu"},
                                      {"title": "Pay", "event": "pay", "payload": {"id": 1}}]
    assert fails(ctx, "buttons", "x", [], code="B403")
    assert fails(ctx, "buttons", "x", [{"title": "a"}], code="B403").message == \
        "`buttons` needs exactly one of `event`, `url` and `value` in button 1"
    assert fails(ctx, "buttons", "x", [{"title": "a", "url": "u", "value": 1}], code="B403")
    assert fails(ctx, "buttons", "x", [{"title": "a", "value": 1, "payload": 2}], code="B403")
    assert fails(ctx, "buttons", "x", [{"title": "a", "url": "javascript:x"}], code="B403")
    assert fails(ctx, "buttons", "x", [3], code="B403")


def test_records_survive_the_state_round_trip(ctx: Context) -> None:
    for record in (
        call(ctx, "intent", match="yes"),
        call(ctx, "table", [{"a": 1}]),
        call(ctx, "input_method", "duration", min="1m"),
        call(ctx, "buttons", "x", ["a"]),
    ):
        assert from_plain(to_plain(record)) == record
