"""The interactive terminal of `bubble run`, driven through prompt-toolkit's pipe input, on the host."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pendulum
from prompt_toolkit.application import create_app_session
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bubble_lang.cli.chat_session import ChatSession
from bubble_lang.cli.interactive import ChoiceCompleter, run_interactive
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.storage import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")


def play(keys: str, tmp_path: Path, monkeypatch, bot_text: str | None = None) -> Runner:
    monkeypatch.chdir(tmp_path)
    bot_path = tmp_path / "pizza.bot"
    bot_path.write_text(bot_text or (ROOT / "samples" / "pizza.bot").read_text(encoding="utf-8"), encoding="utf-8")
    runner = Runner(load_bot(bot_path), MemoryStore(), clock=lambda: NOW)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        assert asyncio.run(run_interactive(runner, "tty", bot_path, fast=True, errors=io.StringIO())) == 0
    return runner


def test_quick_reply_by_number(tmp_path, monkeypatch):
    """`2` at the pizza question picks the second offered choice, `1` at yes/no picks "yes"."""
    runner = play("hi\r2\r2\r1\r", tmp_path, monkeypatch)
    state = asyncio.run(runner.state("tty"))
    assert str(state.globals["pizza"]) == "pepperoni"
    assert state.globals["quantity"] == 2
    assert state.closed  # "yes" placed the order and closed the conversation


def test_history_is_kept_beside_the_bot(tmp_path, monkeypatch):
    play("hi\r/quit\r", tmp_path, monkeypatch)
    history = (tmp_path / ".bubble" / "history").read_text(encoding="utf-8")
    assert "hi" in history and "/quit" in history


def test_completion_offers_the_choices(tmp_path):
    bot_path = tmp_path / "pizza.bot"
    bot_path.write_text((ROOT / "samples" / "pizza.bot").read_text(encoding="utf-8"), encoding="utf-8")
    shown: list[str] = []

    async def main() -> ChatSession:
        async with Runner(load_bot(bot_path), MemoryStore(), clock=lambda: NOW) as runner:
            session = ChatSession(runner, "tty", lambda lines, kind: shown.extend(lines), io.StringIO())
            await session.begin()
            await session.user_line("hi")
            return session

    session = asyncio.run(main())
    completions = list(ChoiceCompleter(session).get_completions(Document("pe"), None))
    assert [c.text for c in completions] == ["pepperoni"]
    commands = list(ChoiceCompleter(session).get_completions(Document("/st"), None))
    assert {c.text for c in commands} == {"/state", "/stack"}
    assert "  [1] margherita  [2] pepperoni  [3] hawaii" in shown


def test_a_secret_answer_is_kept_in_no_input_history(tmp_path, monkeypatch):
    bot = ('dialog main do\n  pw = ask "Password?", expecting: input_method("secret")\n'
           '  name = ask "Name?"\n  say "ok"\nend\n')
    runner = play("hunter2\rAda\r", tmp_path, monkeypatch, bot_text=bot)
    history = (tmp_path / ".bubble" / "history").read_text(encoding="utf-8")
    assert "Ada" in history and "hunter2" not in history
    assert str(asyncio.run(runner.state("tty")).globals["pw"]) == "hunter2"
