"""Telegram tests: a real `bubble serve --telegram` (in a thread, tests/serve's ServerThread)
polling the local Bot API stand-in on 127.0.0.1, and a user who types, taps and sends files."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from bubble_lang.messengers.telegram.long_polling import LongpollingInterface
from bubble_lang.messengers.telegram.webhook import WebhookInterface
from tests.messengers.bot_api_standin import BotApiStandIn
from tests.serve.conftest import ServerThread, free_port

ROOT = Path(__file__).resolve().parents[2]
_PICK_MARK = re.compile(r"^✓\d* ")  # a picked toggle: `✓ ` (or `✓2 ` when the order of taps counts)


def loose(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


class TelegramUser:
    """One Telegram chat with the bot, seen from the user's side of the stand-in."""

    def __init__(self, api: BotApiStandIn, server: ServerThread, chat_id: int = 7):
        self.api = api
        self.server = server
        self.chat_id = chat_id

    def shown(self) -> list[str]:
        """Texts and captions the bot sent to this chat, in order."""
        out = []
        for call in list(self.api.calls):
            if str(call.params.get("chat_id")) == str(self.chat_id) and call.method.startswith("send"):
                out.append(str(call.params.get("text") or call.params.get("caption") or f"({call.method})"))
        return out

    def sees(self, text: str, timeout: float = 10, count: int = 1) -> None:
        wanted = loose(text)
        end = time.monotonic() + timeout
        while sum(wanted in loose(shown) for shown in self.shown()) < count:
            if time.monotonic() > end:
                raise AssertionError(f"waited {timeout} s for “{text}”; the chat shows:\n" + "\n".join(self.shown()))
            time.sleep(0.02)

    def say(self, text: str) -> int:
        return self.api.inject_text(self.chat_id, text)

    def keyboard_buttons(self) -> list[dict[str, Any]]:
        """The buttons of the latest inline keyboard the bot drew in this chat."""
        for call in reversed(list(self.api.calls)):
            markup = call.params.get("reply_markup")
            if str(call.params.get("chat_id")) == str(self.chat_id) and isinstance(markup, dict) and \
                    markup.get("inline_keyboard"):
                return [button for row in markup["inline_keyboard"] for button in row]
        return []

    def tap(self, title: str, timeout: float = 10) -> int:
        end = time.monotonic() + timeout
        while True:
            for button in self.keyboard_buttons():
                if _PICK_MARK.sub("", button["text"]).strip().lower() == title.lower() and "callback_data" in button:
                    return self.api.inject_callback(self.chat_id, button["callback_data"])
            if time.monotonic() > end:
                raise AssertionError(f"no button “{title}”: {[b['text'] for b in self.keyboard_buttons()]}")
            time.sleep(0.02)

    def state(self) -> Any:
        return asyncio.run(self.server.runner.state(str(self.chat_id)))


@pytest.fixture
def bot_api():
    with BotApiStandIn() as api:
        yield api


@pytest.fixture
def telegram(bot_api, tmp_path):
    """`telegram(bot_path)` → a TelegramUser talking to `bubble serve --telegram` for that bot;
    `telegram(bot_path, mode="webhook")` to `bubble serve --telegram-webhook` (the stand-in POSTs
    the updates to the server's webhook route, with the secret token)."""
    servers: list[ServerThread] = []

    def start(bot: Path, chat_id: int = 7, mode: str = "polling") -> TelegramUser:
        folder = tmp_path / f"bot{len(servers)}"
        folder.mkdir()
        for extra in bot.parent.glob("*"):
            if extra.is_file() and extra.suffix in (".toml", ".yaml", ".yml", ".json", ".csv"):
                shutil.copy(extra, folder / extra.name)
        shutil.copy(bot, folder / "serve.bot")
        port = 0
        if mode == "webhook":
            port = free_port()
            interface: Any = WebhookInterface(bot_api.token, attachments_directory=folder / "files",
                                              url=f"http://127.0.0.1:{port}/telegram/hook", base_url=bot_api.base_url)
        else:
            interface = LongpollingInterface(bot_api.token, attachments_directory=folder / "files", timeout=1,
                                             base_url=bot_api.base_url)
        server = ServerThread(folder, telegram=interface, port=port).start()
        servers.append(server)
        return TelegramUser(bot_api, server, chat_id)

    yield start
    for server in servers:
        server.stop()
