"""Widget questions as prompt-toolkit controls (cli/widget_controls.py), driven through
prompt-toolkit's pipe input with a dummy output, on the host."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pendulum
import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.validation import ValidationError

from bubble_lang.cli import interactive
from bubble_lang.cli.widget_controls import Reply, ask_fields, ask_widget, prompt_options
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.storage import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")
SIDES = [{"title": "Fries", "value": "Fries"}, {"title": "Onion rings", "value": "rings"},
         {"title": "Cheese", "value": "Cheese"}]
BACKSPACE = "\x7f"


def play(keys: str, tmp_path: Path, monkeypatch, bot_text: str) -> tuple[Runner, list[str]]:
    """Type `keys` into `bubble run`'s interactive terminal; the lines it printed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    printed: list[str] = []
    monkeypatch.setattr(interactive, "print_formatted_text", lambda text, **_: printed.append(str(text)))
    bot_path = tmp_path / "bot.bot"
    bot_path.write_text(bot_text, encoding="utf-8")
    runner = Runner(load_bot(bot_path), MemoryStore(), clock=lambda: NOW)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        assert asyncio.run(interactive.run_interactive(runner, "tty", bot_path, fast=True, errors=io.StringIO())) == 0
    return runner, printed


def test_the_widgets_sample_through_its_controls(tmp_path, monkeypatch):
    """Each mistake is caught before sending (the server never says "Please …"), the int's
    default is filled in, `1 2` picks two sides, a multi-line answer keeps its line break
    (Esc then Enter sends it), `1` confirms."""
    keys = ("A\r" + BACKSPACE + "Ada\r"  # too short: refused by the validator, then fixed
            "2\r" "beef pizza\r"
            "\r"  # Enter keeps the default, 1
            "1 2\r" "1\r" "tomorrow 18:00\r" "line one\rline two\x1b\r" "1\r")
    runner, printed = play(keys, tmp_path, monkeypatch, (ROOT / "samples" / "widgets.bot").read_text("utf-8"))
    state = asyncio.run(runner.state("tty"))
    values = {name: state.globals[name] for name in ("name", "restaurant", "main_dish", "amount", "sides", "notes")}
    assert {k: v if isinstance(v, (int, list)) else str(v) for k, v in values.items()} == {
        "name": "Ada", "restaurant": "3 Pizza", "main_dish": "Beef Pizza", "amount": 1,
        "sides": ["Fries", "Cheese"], "notes": "line one\nline two"}
    assert "ordered" in state.tags
    assert [line for line in printed if line.startswith(("Please type", "Please give", "Please choose"))] == []
    assert "  [ ] 1. Fries" in printed and "  ( ) 2. 3 Pizza" in printed
    assert "Step 4 of 8 — Sides   Back: /back" in printed


def test_a_number_out_of_range_is_refused_before_sending(tmp_path, monkeypatch):
    bot = 'dialog main do\n  n = ask "How many?", expecting: input_method("int", min: 1, max: 20)\n  say "got #{n}"\nend\n'
    runner, printed = play("50\r" + BACKSPACE * 2 + "7\r", tmp_path, monkeypatch, bot)
    assert "got 7" in printed
    assert asyncio.run(runner.state("tty")).globals["n"] == 7
    assert not any("between" in line for line in printed)  # the server never saw 50


def test_commands_pass_any_widget(tmp_path, monkeypatch):
    bot = 'dialog main do\n  n = ask "How many?", expecting: input_method("int")\n  say "got #{n}"\nend\n'
    runner, printed = play("/stack\r/quit\r", tmp_path, monkeypatch, bot)
    assert "stack: main" in printed
    assert "n" not in asyncio.run(runner.state("tty")).globals


def validator_says(options: dict, text: str) -> str | None:
    try:
        options["validator"].validate(Document(text))
    except ValidationError as error:
        return error.message
    return None


def test_choice_validation_and_completion():
    single = prompt_options({"kind": "single_choice"}, SIDES, NOW, "UTC")
    assert validator_says(single, "2") is None and validator_says(single, "rings") is None
    assert validator_says(single, "7") == "`7` is not one of the 3 choices: type a number from 1 to 3 or a name"
    assert validator_says(single, "/quit") is None
    multi = prompt_options({"kind": "multi_choice"}, SIDES, NOW, "UTC")
    assert validator_says(multi, "1, onion rings") is None
    assert validator_says(multi, "1, pizza") == "`pizza` is not one of the 3 choices: type a number from 1 to 3 or a name"
    fuzzy = prompt_options({"kind": "autocomplete"}, SIDES, NOW, "UTC")
    assert [c.text for c in fuzzy["completer"].get_completions(Document("ongs"), CompleteEvent())] == ["Onion rings"]
    assert validator_says(fuzzy, "che") is None  # a unique prefix, as the server takes it
    after = [c.text for c in multi["completer"].get_completions(Document("Fries, che"), CompleteEvent())]
    assert after == ["Cheese"]


def test_prompt_options_per_kind():
    assert prompt_options({"kind": "int", "default": 3}, [], NOW, "UTC")["default"] == "3"
    assert prompt_options({"kind": "secret"}, [], NOW, "UTC")["is_password"] is True
    assert prompt_options({"kind": "multiline"}, [], NOW, "UTC")["multiline"] is True
    assert prompt_options({"kind": "text", "placeholder": "Your name"}, [], NOW, "UTC")["placeholder"] == "Your name"
    confirm = prompt_options({"kind": "confirm"}, [], NOW, "UTC")
    assert validator_says(confirm, "maybe") == "Please answer yes or no (1 or 2)."
    duration = prompt_options({"kind": "duration", "max": "1h"}, [], NOW, "UTC")
    assert validator_says(duration, "2h") == "Please give a duration of at most 3600."  # the server's words
    assert validator_says(duration, "30m") is None


class FakePrompt:
    """Answers prompts from a list, and records the options each prompt got."""

    def __init__(self, *lines: str):
        self.lines = list(lines)
        self.asked: list[tuple[str, dict]] = []

    async def __call__(self, message, **options):
        self.asked.append((message, options))
        return self.lines.pop(0)


def run(coro):
    return asyncio.run(coro)


def test_location_confirm_and_multiline_replies():
    shown: list[str] = []
    ask = lambda widget, *lines, choices=(): run(ask_widget(FakePrompt(*lines), lambda l, k: shown.extend(l),  # noqa: E731
                                                             widget, list(choices), NOW, "UTC"))
    assert json.loads(ask({"kind": "location"}, "52.37, 4.89").text) == {"lat": 52.37, "lon": 4.89}
    assert ask({"kind": "confirm"}, "2") == Reply("no")
    assert ask({"kind": "confirm"}, "Y") == Reply("yes")
    assert ask({"kind": "multiline"}, "a\nb") == Reply("a\nb")
    assert ask({"kind": "multi_choice"}, "3 1", choices=SIDES) == Reply("Cheese, Fries")
    assert ask({"kind": "single_choice"}, "2", choices=SIDES) == Reply("Onion rings")
    assert ask({"kind": "text"}, "//slash") == Reply("/slash")
    assert ask({"kind": "text"}, "/help") == Reply("/help", ready=False)
    assert ask({"kind": "text"}, "") is None


def test_a_form_is_asked_field_by_field_and_sent_as_one_json_object():
    widget = {"kind": "form", "fields": [
        {"name": "name", "label": "Your name", "kind": "text"},
        {"name": "age", "kind": "int", "min": 0},
        {"name": "sides", "kind": "multi_choice", "items": ["Fries", "Onion rings"]},
        {"name": "note", "kind": "text", "required": False},
    ]}
    shown: list[str] = []
    prompt = FakePrompt("Ada", "36", "2, 1", "")
    reply = run(ask_fields(prompt, lambda lines, kind: shown.extend(lines), widget, NOW, "UTC"))
    assert json.loads(reply.text) == {"name": "Ada", "age": "36", "sides": "Onion rings, Fries", "note": ""}
    assert [message for message, _ in prompt.asked] == ["Your name> ", "age> ", "sides> ", "note> "]
    assert "  1/4 Your name" in shown and "  [ ] 1. Fries" in shown
    assert validator_says(prompt.asked[1][1], "-1") == "Please give a number of at least 0."


def test_a_command_in_a_form_field_stops_the_form():
    widget = {"kind": "multi_values", "fields": [{"name": "a"}, {"name": "b"}]}
    reply = run(ask_fields(FakePrompt("x", "/quit"), lambda lines, kind: None, widget, NOW, "UTC"))
    assert reply == Reply("/quit", ready=False)


@pytest.mark.parametrize("kind", ["upload", "captcha"])
def test_upload_and_captcha_prompt_for_text(kind):
    assert run(ask_widget(FakePrompt("abc"), lambda l, k: None, {"kind": kind}, [], NOW, "UTC")) == Reply("abc")


def test_markdown_is_printed_styled_and_script_text_is_not(tmp_path, monkeypatch):
    """In colour, only rich's own lines are printed as ANSI."""
    from bubble_lang.cli.chat_session import ChatSession

    seen: list[tuple[str, list[str]]] = []
    bot_path = tmp_path / "bot.bot"
    bot_path.write_text('dialog main do\n  show md("**hi**")\n  say "plain"\nend\n', encoding="utf-8")

    async def main() -> None:
        async with Runner(load_bot(bot_path), MemoryStore(), clock=lambda: NOW) as runner:
            session = ChatSession(runner, "c", lambda lines, kind: seen.append((kind, lines)), io.StringIO(),
                                  color=True, interactive=True)
            await session.begin()

    asyncio.run(main())
    assert seen[0][0] == "styled" and "\x1b[" in seen[0][1][0]
    assert seen[1] == ("bot", ["plain"])


def test_a_resumed_widget_question_shows_its_control_again(tmp_path):
    from bubble_lang.cli.chat_session import ChatSession

    bot_path = tmp_path / "bot.bot"
    bot_path.write_text('dialog main do\n  s = ask "Sides?", expecting: input_method("multi_choice", '
                        'items: ["Fries", "Cheese"])\n  say "#{join_and(s)}"\nend\n', encoding="utf-8")
    store = MemoryStore()
    shown: list[str] = []

    async def main() -> None:
        async with Runner(load_bot(bot_path), store, clock=lambda: NOW) as runner:
            await ChatSession(runner, "c", lambda lines, kind: None, io.StringIO()).begin()
        async with Runner(load_bot(bot_path), store, clock=lambda: NOW) as runner:
            session = ChatSession(runner, "c", lambda lines, kind: shown.extend(lines), io.StringIO())
            await session.begin()
            await session.user_line("2 1")

    asyncio.run(main())
    assert shown == ["(conversation resumed; /restart starts over)", "Sides?",
                     "  (choose any, comma-separated: [1] Fries  [2] Cheese)", "Cheese and Fries"]
