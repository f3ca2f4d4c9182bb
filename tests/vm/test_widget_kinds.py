"""Every widget kind of SPEC §8 answered on the server: by a control's typed value (`send_answer`,
an `AnswerInput`) and by its plain-text form (`send_text`), valid and invalid."""

from __future__ import annotations

import json

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.engine.bot import load_bot
from bubble_lang.runtime.values import REDACTED, Text, plain_text, to_plain

from tests.bot_folders import write_bot

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")

#: (kind and options as bubble source, a valid value, its typed answer as plain data, an invalid value)
KINDS = {
    "text": ('input_method("text", min_length: 2, not_allowed: ["root"])', "Ann", "Ann", "root"),
    "identifier": ('input_method("text", is_identifier: true)', "user_1", "user_1", "1user"),
    "secret": ('input_method("secret", min_length: 4)', "hunter22", "hunter22", "abc"),
    "multiline": ('input_method("multiline")', "a\nb", "a\nb", None),
    "int": ('input_method("int", min: 1, max: 5)', 3, 3, 7),
    "number": ('input_method("number", min: 0)', 2.5, 2.5, -1),
    "single_choice": ('input_method("single_choice", items: ["tea", "coffee"])', "tea", "tea", "milk"),
    "dropdown": ('input_method("dropdown", items: [%{title: "Tea", value: "t"}])', {"value": "t"}, "Tea", "x"),
    "autocomplete": ('input_method("autocomplete", items: ["Amsterdam", "Berlin"])', "amst", "Amsterdam", "Oslo"),
    "multi_choice": ('input_method("multi_choice", items: ["a", "b", "c"], min_options: 1, max_options: 2)',
                     ["a", "c"], ["a", "c"], ["a", "b", "c"]),
    "multi_list_choice": ('input_method("multi_list_choice", items: ["x", "y"])', ["y", "x"], ["y", "x"], ["z"]),
    "item_picker": ('input_method("item_picker", mode: "multiple", items: ["a", "b"])', ["b"], "b", "c"),
    "confirm": ('input_method("confirm")', False, False, "maybe"),
    "duration": ('input_method("duration", max: "3h")', 5400, {"$type": "duration", "seconds": 5400.0}, 36000),
    "datetime": ('input_method("datetime", future: true)', "2024-03-06T09:00:00+00:00",
                 {"$type": "datetime", "iso": "2024-03-06T09:00:00Z", "tz": "UTC"}, "2024-03-01T09:00:00+00:00"),
    "location": ('input_method("location")', {"lat": 52.37, "lon": 4.89}, {"lat": 52.37, "lon": 4.89},
                 {"lat": 91, "lon": 0}),
    "upload": ('input_method("upload", allowed_types: ["pdf", "image/*"], max_size: 2000)',
               {"name": "cv.pdf", "type": "application/pdf", "size": 1200},
               {"name": "cv.pdf", "type": "application/pdf", "size": 1200},
               {"name": "cv.pdf", "type": "application/pdf", "size": 5000}),
    "multi_values": ('input_method("multi_values")', {"a": "1", "b": 2}, {"a": "1", "b": "2"}, {"a": [1]}),
    "form": ('input_method("form", fields: [%{name: "name", label: "Name"}, %{name: "age", kind: "int", min: 18}])',
             {"name": "Ann", "age": 30}, {"name": "Ann", "age": 30}, {"name": "Ann", "age": 12}),
}

#: The plain-text form of each valid answer above (what a text channel sends).
TEXT_FORMS = {
    "int": "3", "number": "2,5", "multi_choice": "a and c", "multi_list_choice": "y, x", "item_picker": "b",
    "confirm": "no", "duration": "1h 30m", "datetime": "2024-03-06 09:00", "location": "52.37, 4.89",
    "upload": '{"name": "cv.pdf", "type": "application/pdf", "size": 1200}', "multi_values": "a=1, b=2",
    "form": "name: Ann; Age: 30", "dropdown": "Tea",
}


def bot_for(tmp_path, widget: str, name: str = "w"):
    source = f'''dialog main do
  x = ask "Q?", expecting: {widget}
  log x
  say "got"
  ask "Again?"
  say "end"
end
'''
    return load_bot(write_bot(tmp_path, name, source))


def conversation(bot):
    return bot.conversation("c", seed=1, clock=lambda: NOW)


def texts(outputs) -> list[str]:
    return [o.text for o in outputs]


def answer_of(chat):
    answer = chat.state.globals.get("x", chat.state.runtime.get("answer"))
    return to_plain(answer.text if isinstance(answer, Text) else answer)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_takes_a_typed_value_and_refuses_a_bad_one(tmp_path, kind):
    widget, valid, expected, invalid = KINDS[kind]
    chat = conversation(bot_for(tmp_path, widget))
    chat.start()
    if invalid is not None:
        refused = chat.send_answer(invalid)
        assert refused[0].data.get("widget_error") is True, texts(refused)
        assert refused[-1].kind == "ask" and refused[-1].text == "Q?"  # the same question again
        assert not chat.errors
    replies = chat.send_answer(valid)
    assert "got" in texts(replies), texts(replies)
    assert answer_of(chat) == expected
    assert not chat.errors


@pytest.mark.parametrize("kind", sorted(TEXT_FORMS))
def test_each_kind_has_a_text_form(tmp_path, kind):
    widget, _, expected, _ = KINDS[kind]
    chat = conversation(bot_for(tmp_path, widget))
    chat.start()
    replies = chat.send_text(TEXT_FORMS[kind])
    assert "got" in texts(replies), texts(replies)
    assert answer_of(chat) == expected
    assert not chat.errors


def test_location_input_answers_a_location_widget_instead_of_location_triggers(tmp_path):
    source = '''dialog main do
  where = ask "Where?", expecting: input_method("location")
  say "at #{where.lat}"
end
dialog location: [lat: 52.37, lon: 4.89], radius: 1000 do
  say "In Amsterdam"
end
'''
    chat = conversation(load_bot(write_bot(tmp_path, "loc", source)))
    chat.start()
    assert texts(chat.send_location(52.37, 4.89)) == ["at 52.37"]
    assert texts(chat.send_location(52.37, 4.89)) == ["In Amsterdam"]  # no location question open now


def test_location_text_out_of_range_is_refused(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("location")'))
    chat.start()
    replies = chat.send_text("95, 10")
    assert "latitude from -90 to 90" in replies[0].text
    assert replies[-1].text == "Q?"


def test_an_attachment_answers_an_upload_widget(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("upload", types: ["image/*"])'))
    chat.start()
    refused = chat.send_attachment("file", name="a.exe", type="application/x-msdownload", size=10)
    assert "not accepted" in refused[0].text
    chat.send_attachment("image", name="a.png", type="image/png", size=10, url="https://example.com/a.png")
    assert chat.state.globals["x"] == {"name": "a.png", "type": "image/png", "size": 10,
                                            "url": "https://example.com/a.png"}


def test_form_reports_every_error_at_once_and_refuses_unknown_fields(tmp_path):
    widget = ('input_method("form", fields: [%{name: "name", min_length: 2}, %{name: "age", kind: "int", min: 18},'
              ' %{name: "when", kind: "datetime", required: false}])')
    chat = conversation(bot_for(tmp_path, widget))
    chat.start()
    replies = chat.send_answer({"name": "A", "age": "x", "colour": "red"})
    message = replies[0].text
    assert message.count("\n- ") == 3, message
    assert "`colour` is not one of the fields" in message and "name:" in message and "age:" in message
    replies = chat.send_answer({"name": "Ann", "age": 20})
    assert "got" in texts(replies)
    assert chat.state.globals["x"] == {"name": "Ann", "age": 20, "when": None}


def test_form_as_json_text(tmp_path):
    chat = conversation(bot_for(tmp_path, KINDS["form"][0]))
    chat.start()
    assert "got" in texts(chat.send_text(json.dumps({"name": "Ann", "age": 40})))


def test_multi_values_with_fields_checks_each_by_kind(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("multi_values", fields: ["city", %{name: "n", kind: "int"}])'))
    chat.start()
    assert "not one of the fields" in chat.send_text("town=Paris")[0].text
    assert "n:" in chat.send_text("n=lots")[0].text
    assert "got" in texts(chat.send_text("city=Paris, n=3"))
    assert chat.state.globals["x"] == {"city": "Paris", "n": 3}


def test_confirm_offers_yes_and_no_and_false_is_an_answer(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("confirm")'))
    asked = chat.start()[-1]
    assert [c["title"] for c in asked.data["choices"]] == ["Yes", "No"]
    chat.send_answer(False)
    assert chat.state.globals["x"] is False


def test_a_skippable_widget_gives_nil(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("int", required: false)'))
    chat.start()
    assert "got" in texts(chat.send_text(""))
    assert chat.state.globals["x"] is None


def test_a_secret_is_redacted_on_the_structured_path(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("secret")'))
    chat.start()
    replies = chat.send_answer("hunter22")
    assert all("hunter22" not in o.text and "hunter22" not in json.dumps(to_plain(o.data)) for o in replies)
    assert chat.state.runtime["message"].text == REDACTED
    assert chat.state.globals["x"].text == "hunter22"
    assert "hunter22" not in chat.state.user_utterances


def test_a_text_value_without_a_widget_question_is_a_message(tmp_path):
    source = '''dialog main do
  ask "Name?"
  say "Hi #{answer}"
end
dialog trigger: "help" do
  say "Helping"
end
'''
    chat = conversation(load_bot(write_bot(tmp_path, "plain", source)))
    chat.start()
    assert texts(chat.send_answer("Ann")) == ["Hi Ann"]
    assert texts(chat.send_answer("help")) == ["Helping"]


def test_a_structured_value_without_a_widget_question_is_refused_with_a_note(tmp_path):
    source = '''dialog main do
  ask "Name?"
  say "Hi #{answer}"
end
'''
    chat = conversation(load_bot(write_bot(tmp_path, "plain", source)))
    chat.start()
    replies = chat.send_answer({"a": 1})
    assert "no question with a form or a control is open" in replies[0].text
    assert replies[-1].text == "Name?"
    assert texts(chat.send_text("Ann")) == ["Hi Ann"]
    assert not chat.errors


def test_seed_aliases_are_stored_under_bubble_names(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("upload", allowed_types: "pdf", max_size: 10)'))
    widget = chat.start()[-1].data["widget"]
    assert widget == {"kind": "upload", "types": ["pdf"], "max_size": 10}


def test_both_spellings_of_one_option_are_refused(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("multi_choice", items: ["a"], min_items: 1, min_options: 1)'))
    chat.start()
    assert chat.last_errors and "both `min_options:` and `min_items:`" in str(chat.last_errors[0].diagnostics[0].message)


# ---------------------------------------------------------------------------------- captcha
def test_captcha_is_drawn_on_the_server_and_its_text_never_leaves_it(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("captcha", max_tries: 2)'))
    asked = chat.start()[-1]
    widget = asked.data["widget"]
    assert widget["image"].startswith("data:image/png;base64,") and widget["tries_left"] == 2
    solution = chat.state.frames[-1].wait.options["$captcha"]["text"]
    assert solution not in json.dumps(to_plain(asked.data))
    wrong = chat.send_text("nope")
    assert wrong[0].text == "That was not right, 1 try left. Here is a new picture."
    new_solution = chat.state.frames[-1].wait.options["$captcha"]["text"]
    replies = chat.send_text(new_solution.lower())
    assert "got" in texts(replies) and chat.state.globals["x"] is True
    for output in wrong + replies:
        assert new_solution not in json.dumps(to_plain(output.data)) and new_solution not in output.text
    assert new_solution not in chat.state.user_utterances and solution not in chat.state.user_utterances


def test_captcha_gives_false_after_the_last_try(tmp_path):
    chat = conversation(bot_for(tmp_path, 'input_method("captcha", max_tries: 2)'))
    chat.start()
    chat.send_answer("x")
    replies = chat.send_answer("y")
    assert "no tries left" in replies[0].text and "got" in texts(replies)
    assert chat.state.globals["x"] is False


def test_captcha_challenges_replay_with_the_seed(tmp_path):
    bot = bot_for(tmp_path, 'input_method("captcha")')
    first, second = conversation(bot), conversation(bot)
    first.start()
    second.start()
    assert first.state.frames[-1].wait.options["$captcha"] == second.state.frames[-1].wait.options["$captcha"]


def test_without_a_seed_the_challenge_cannot_be_computed_from_the_conversation_id(tmp_path):
    """A host's conversation (no seed given) draws from a random secret: two conversations with
    the same id, hence the same derived seed, get different challenges."""
    bot = bot_for(tmp_path, 'input_method("captcha")')
    first, second = bot.conversation("same-id"), bot.conversation("same-id")
    first.start()
    second.start()
    assert first.state.seed == second.state.seed and first.state.secret != second.state.secret
    assert first.state.frames[-1].wait.options["$captcha"] != second.state.frames[-1].wait.options["$captcha"]


# ---------------------------------------------------------------------------------- never a crash
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def every_kind_bots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinds")
    widgets = {kind: spec[0] for kind, spec in KINDS.items()}
    widgets["captcha"] = 'input_method("captcha")'
    return {kind: bot_for(folder, widget, name=kind) for kind, widget in widgets.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted([*KINDS, "captcha"])), value=_JSON)
def test_any_json_value_never_crashes_and_never_loses_the_conversation(every_kind_bots, kind, value):
    chat = conversation(every_kind_bots[kind])
    chat.start()
    replies = chat.send_answer(value)
    assert not chat.errors, chat.errors
    assert replies, "a reply is always given"
    if chat.state.frames and chat.state.frames[-1].wait is not None:
        assert replies[-1].kind == "ask"  # refused: the question again; accepted: the next one
    top = chat.state.frames[-1]
    if kind != "captcha" and top.wait is not None and top.wait.question == "Q?":  # refused: still answerable
        assert "got" in texts(chat.send_answer(KINDS[kind][1]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted([*KINDS, "captcha"])), text=st.text(max_size=60))
def test_any_text_never_crashes(every_kind_bots, kind, text):
    chat = conversation(every_kind_bots[kind])
    chat.start()
    chat.send_text(text)
    assert not chat.errors, chat.errors


@pytest.mark.parametrize("widget, expected", [
    ('input_method("text", default: "Man")', "Man"),
    ('input_method("int", min: 1, max: 20, default: 1)', 1),
    ('input_method("single_choice", items: ["a", "b"], default: "b")', "b"),
])
def test_an_empty_answer_takes_the_default_on_every_path(tmp_path, widget, expected):
    """The seed pre-filled a control with `default:`; sending it untouched means the default,
    typed (an empty text) or as a control's value (nil)."""
    bot = bot_for(tmp_path, widget)
    typed, control = conversation(bot), conversation(bot)
    typed.start()
    control.start()
    typed.send_text("")
    control.send_answer(None)
    assert plain_text(typed.state.globals["x"]) == expected
    assert plain_text(control.state.globals["x"]) == expected


PICKER = """dialog main do
  ask "Sides?", expecting: input_method("item_picker", mode: "multiple",
    items: [%{title: "Fries", value: "f"}, %{title: "Onion rings", value: "o"}, %{title: "Cheese", value: "c"}])
  say "#{answer.text} / #{answer.data[0].value} #{answer.data[1].value} / #{length(answer.data)}"
end
"""


@pytest.mark.parametrize("send", [
    lambda chat: chat.send_answer(["c", {"value": "f"}]),
    lambda chat: chat.send_text("cheese and fries"),
])
def test_a_multiple_item_picker_answers_with_titles_and_the_items_in_data(tmp_path, send):
    """The original documents `answer.data` for item_picker, `answer.text` for what is shown; in
    `mode: "multiple"` the answer was a bare list, so `answer.data` was nil (catalogue B19)."""
    chat = conversation(load_bot(write_bot(tmp_path, "picker", PICKER)))
    chat.start()
    assert texts(send(chat)) == ["Cheese, Fries / c f / 2"]
    assert not chat.errors
