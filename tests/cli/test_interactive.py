"""The interactive terminal of `bubble run`, driven through prompt-toolkit's pipe input."""

from __future__ import annotations

import io
from pathlib import Path

import pendulum
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bubble_lang.cli.interactive import ChoiceCompleter, run_interactive
from bubble_lang.cli.run import Session
from bubble_lang.engine.bot import load_bot

ROOT = Path(__file__).resolve().parents[2]
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")


def play(keys: str, tmp_path: Path, monkeypatch) -> Session:
    monkeypatch.chdir(tmp_path)
    bot_path = tmp_path / "pizza.bot"
    bot_path.write_text((ROOT / "samples" / "pizza.bot").read_text(encoding="utf-8"), encoding="utf-8")
    conversation = load_bot(bot_path).conversation("tty", clock=lambda: NOW, seed=1)
    conversation.last_errors = ()
    session = Session(conversation, io.StringIO(), io.StringIO())
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        assert run_interactive(session, bot_path) == 0
    return session


def test_quick_reply_by_number(tmp_path, monkeypatch):
    """`2` at the pizza question picks the second offered choice, `1` at yes/no picks "yes"."""
    session = play("hi\r2\r2\r1\r", tmp_path, monkeypatch)
    state = session.conversation.state
    assert str(state.globals["pizza"]) == "pepperoni"
    assert state.globals["quantity"] == 2
    assert state.closed  # "yes" placed the order and closed the conversation


def test_history_is_kept_beside_the_bot(tmp_path, monkeypatch):
    play("hi\r/quit\r", tmp_path, monkeypatch)
    history = (tmp_path / ".bubble" / "history").read_text(encoding="utf-8")
    assert "hi" in history and "/quit" in history


def test_completion_offers_the_choices(tmp_path, monkeypatch):
    from prompt_toolkit.document import Document

    session = play("hi\r", tmp_path, monkeypatch)
    completions = list(ChoiceCompleter(session).get_completions(Document("pe"), None))
    assert [c.text for c in completions] == ["pepperoni"]
    commands = list(ChoiceCompleter(session).get_completions(Document("/st"), None))
    assert {c.text for c in commands} == {"/state", "/stack"}
