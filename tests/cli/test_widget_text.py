"""How `bubble run` words widget questions and translates what the user types (cli/widget_prompts.py)."""

from __future__ import annotations

import base64
import io
import json

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubble_lang.cli import widget_prompts as wp
from bubble_lang.cli.widget_prompts import (captcha_lines, control_lines, encode_structured, parse_choice_input,
                                            translate_answer, widget_hint)

SIDES = [{"title": "Fries", "value": "Fries"}, {"title": "Onion rings", "value": "rings"},
         {"title": "Cheese", "value": "Cheese"}]
NAMES = ["Fries", "Onion rings", "Cheese"]
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")


@pytest.mark.parametrize(("widget", "hint"), [
    ({"kind": "single_choice"}, "  (choose one: [1] Fries  [2] Onion rings  [3] Cheese)"),
    ({"kind": "dropdown", "default": "Cheese"}, "  (choose one: [1] Fries  [2] Onion rings  [3] Cheese; Enter = Cheese)"),
    ({"kind": "autocomplete"}, "  (choose one, or type part of a name: [1] Fries  [2] Onion rings  [3] Cheese)"),
    ({"kind": "item_picker", "mode": "multiple"}, "  (choose any, comma-separated: [1] Fries  [2] Onion rings  [3] Cheese)"),
    ({"kind": "multi_choice", "min_items": 1, "max_items": 2},
     "  (choose any, comma-separated: [1] Fries  [2] Onion rings  [3] Cheese; at least 1 and at most 2)"),
])
def test_choice_hints_number_the_items(widget, hint):
    assert widget_hint(widget, SIDES) == [hint]


@pytest.mark.parametrize(("widget", "hint"), [
    ({"kind": "int", "min": 1, "max": 20, "default": 1}, "  (a whole number from 1 to 20; Enter = 1)"),
    ({"kind": "number", "min": 0.5}, "  (a number of at least 0.5)"),
    ({"kind": "int", "max": 9, "required": False}, "  (a whole number of at most 9; optional)"),
    ({"kind": "text", "min_length": 2, "max_length": 40}, "  (2 to 40 characters)"),
    ({"kind": "multiline"}, "  (one line here: type \\n for a line break)"),
    ({"kind": "secret"}, "  (hidden: not echoed, not kept in history)"),
    ({"kind": "duration", "max": "2h"}, '  (a duration of at most 2h, like "2h 30m" or "1d")'),
    ({"kind": "datetime", "min": "2024-03-05T09:00:00Z", "max": "2024-03-12T09:00:00Z"},
     '  (a date and time from 5 March 10:00 to 12 March 10:00, like "tomorrow 18:00")'),
    ({"kind": "location"}, "  (a location: lat, lon, like 52.37, 4.89)"),
    ({"kind": "confirm"}, "  (yes or no: [1] Yes  [2] No)"),
    ({"kind": "upload", "types": ["pdf", "image/png"], "max_size": 2097152},
     "  (a file; pdf, image/png; at most 2.0 MB — send it with /upload PATH)"),
    ({"kind": "form", "fields": [{"name": "name", "kind": "text"}, {"name": "age", "kind": "int"}]},
     '  (a form: name (text), age (int); answer with one JSON object, like {"name": "…", "age": "…"})'),
])
def test_every_kind_has_a_plain_hint(widget, hint):
    assert widget_hint(widget, [], "Europe/Amsterdam")[-1] == hint


def test_a_plain_text_widget_without_constraints_adds_no_line():
    assert widget_hint({"kind": "text"}, []) == []
    assert widget_hint(None, SIDES[:2]) == ["  [1] Fries  [2] Onion rings"]  # quick replies as before


def test_confirm_shows_its_data_as_a_table():
    lines = widget_hint({"kind": "confirm", "data": {"Name": "Ada", "Amount": 2}}, [])
    assert any("Name" in line and "Ada" in line for line in lines)
    assert lines[-1] == "  (yes or no: [1] Yes  [2] No)"


def test_interactive_lists_are_radio_and_checkbox_lists():
    assert control_lines({"kind": "single_choice", "default": "Cheese"}, SIDES) == [
        "  ( ) 1. Fries", "  ( ) 2. Onion rings", "  (*) 3. Cheese",
        "  (choose one: type a number or a name; Enter = Cheese)"]
    assert control_lines({"kind": "multi_choice", "default": ["Fries", "Cheese"]}, SIDES) == [
        "  [x] 1. Fries", "  [ ] 2. Onion rings", "  [x] 3. Cheese",
        "  (choose any, comma-separated: type numbers or names, like 1, 2 or 1 2; Enter = Fries, Cheese)"]
    assert control_lines({"kind": "multiline", "max_length": 9}, []) == ["  (at most 9 characters)"]


@pytest.mark.parametrize(("typed", "sent"), [
    ("1, 2", "Fries, Onion rings"), ("1 2", "Fries, Onion rings"), ("3,1", "Cheese, Fries"),
    ("onion rings, 1", "Onion rings, Fries"), ("1 Cheese", "Fries, Cheese"), ("2, 2, onion RINGS", "Onion rings"),
    ("Fries, Pizza", "Fries, Pizza"), ("9", "9"), ("", ""), ("Onion rings", "Onion rings"),
])
def test_multi_choice_numbers_and_labels(typed, sent):
    assert parse_choice_input(typed, NAMES, multi=True) == sent


@pytest.mark.parametrize(("typed", "sent"), [("2", "Onion rings"), ("cheese", "Cheese"), ("4", "4"), ("rings", "rings")])
def test_single_choice_numbers_and_labels(typed, sent):
    assert parse_choice_input(typed, NAMES, multi=False) == sent


@given(st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=6),
       st.sampled_from([", ", ",", " ", " , "]))
def test_any_list_of_numbers_becomes_the_labels_once_each(numbers, separator):
    sent = parse_choice_input(separator.join(map(str, numbers)), NAMES, multi=True)
    expected = list(dict.fromkeys(NAMES[n - 1] for n in numbers))
    assert sent.split(", ") == expected


@given(st.lists(st.sampled_from(NAMES + ["1", "2", "3"]), min_size=1, max_size=5), st.booleans())
def test_labels_and_numbers_mix_in_any_case(parts, upper):
    typed = ", ".join(p.upper() if upper else p for p in parts)
    sent = parse_choice_input(typed, NAMES, multi=True).split(", ")
    expected = list(dict.fromkeys(NAMES[int(p) - 1] if p.isdigit() else p for p in parts))
    assert sent == expected


@given(st.text(max_size=30))
def test_choice_parsing_never_fails(text):
    for multi in (True, False):
        assert isinstance(parse_choice_input(text, NAMES, multi=multi), str)


def test_translation_defaults_multiline_confirm_and_location():
    assert translate_answer("", {"kind": "int", "default": 1}, []) == "1"
    assert translate_answer("  ", {"kind": "confirm", "default": True}, []) == "yes"
    assert translate_answer("", {"kind": "int"}, []) is None
    assert translate_answer("a\\nb", {"kind": "multiline"}, []) == "a\nb"
    assert translate_answer("2", {"kind": "confirm"}, []) == "no"
    assert translate_answer("1", {"kind": "confirm"}, []) == "yes"
    assert json.loads(translate_answer("52.37, 4.89", {"kind": "location"}, [])) == {"lat": 52.37, "lon": 4.89}
    assert translate_answer("52.37 4.89", {"kind": "location"}, []) == encode_structured({"lat": 52.37, "lon": 4.89})
    assert translate_answer("the moon", {"kind": "location"}, []) == "the moon"  # the server says why
    assert translate_answer("2", None, SIDES) == "rings"  # quick replies send the value, as before
    assert translate_answer("1, 3", {"kind": "multi_choice"}, SIDES) == "Fries, Cheese"


def test_local_checks_mirror_the_server():
    assert wp.local_problem({"kind": "int", "min": 1, "max": 20}, "50", NOW, "UTC") == \
        "Please give a number between 1 and 20."
    assert wp.local_problem({"kind": "int"}, "two", NOW, "UTC") == "Please type a whole number."
    assert wp.local_problem({"kind": "int"}, "2", NOW, "UTC") is None
    assert wp.local_problem({"kind": "duration"}, "soon", NOW, "UTC").startswith("Please give a duration")
    assert wp.local_problem({"kind": "datetime"}, "tomorrow 18:00", NOW, "UTC") is None
    assert wp.local_problem({"kind": "location"}, "95, 4", NOW, "UTC").startswith("Please give a location")
    assert wp.local_problem({"kind": "text", "min_length": 2}, "A", NOW, "UTC") == \
        "Please type at least 2 characters."
    assert wp.local_problem({"kind": "single_choice", "items": ["a"]}, "zzz", NOW, "UTC") is None  # left to others


def _png(width: int = 8, height: int = 4) -> str:
    image = pytest.importorskip("PIL.Image")
    picture = image.new("L", (width, height), 255)
    for x in range(width // 2):
        for y in range(height):
            picture.putpixel((x, y), 0)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_captcha_image_in_half_blocks():
    assert captcha_lines(_png()) == ["  ████", "  ████"]
    hint = widget_hint({"kind": "captcha", "image": _png()}, [])
    assert hint[-1] == "  (type the characters in the picture)"


@pytest.mark.parametrize("image", [None, "https://example.com/c.png", "data:image/png;base64,!!!",
                                   "data:image/png;base64," + base64.b64encode(b"not a png").decode()])
def test_captcha_without_a_usable_image_says_where_to_look(image):
    assert captcha_lines(image) == ["(captcha image: open the web chat)"]


def test_captcha_without_pillow(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    image = _png()
    monkeypatch.setattr(builtins, "__import__", no_pil)
    assert captcha_lines(image) == ["(captcha image: open the web chat)"]
