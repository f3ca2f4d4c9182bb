"""Helpers for VM tests: a bot from inline text, and a conversation with a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest

from bubble_lang.engine.bot import load_bot
from tests.bot_folders import write_bot

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")


@pytest.fixture
def make_bot(tmp_path: Path):
    counter = {"n": 0}

    def make(text: str):
        counter["n"] += 1
        return load_bot(write_bot(tmp_path, f"bot{counter['n']}", text))

    return make


@pytest.fixture
def chat(make_bot):
    """`chat(script)` -> a conversation whose `say(text)` returns the bot's texts."""

    class Chat:
        def __init__(self, script: str, seed: int = 1):
            self.bot = make_bot(script)
            self.conversation = self.bot.conversation("c1", clock=lambda: NOW, seed=seed)

        def start(self) -> list[str]:
            return texts(self.conversation.start())

        def say(self, text: str) -> list[str]:
            return texts(self.conversation.send_text(text))

        @property
        def errors(self):
            return self.conversation.last_errors

    return Chat


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]
