"""A real bubble server on 127.0.0.1 (uvicorn in a thread) and a real WebSocket client."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

websockets = pytest.importorskip("websockets")
from websockets.sync.client import connect  # noqa: E402

from bubble_lang.engine.bot import load_bot  # noqa: E402
from bubble_lang.engine.runner import Runner  # noqa: E402
from bubble_lang.serve.hub import ServeSettings  # noqa: E402
from bubble_lang.serve.launch import run_server  # noqa: E402
from bubble_lang.serve.session_tokens import TokenSigner  # noqa: E402
from bubble_lang.storage import open_store  # noqa: E402
from tests.conftest import free_port  # noqa: E402,F401 - one chooser of ports for every test

BOT = Path(__file__).parent / "bot" / "serve.bot"
API_KEY = "test-api-key-0123456789"


class ServerThread:
    """`bubble serve`'s app on uvicorn in a thread of this process, on a free port."""

    def __init__(self, folder: Path, *, api_key: str | None = API_KEY, reload: bool = False, port: int = 0,
                 telegram: Any = None, store_url: str = "sqlite", **settings: Any):
        self.folder = folder
        self.telegram = telegram  # a LongpollingInterface to poll with (tests/messengers)
        self.store_url = store_url
        self.reload = reload
        self.api_key = api_key
        self.settings = settings
        self.server: Any = None
        self.port = port
        self.thread: threading.Thread | None = None
        self.runner: Runner | None = None

    def start(self) -> ServerThread:
        bot_path = self.folder / "serve.bot"
        if not bot_path.exists():
            shutil.copy(BOT, bot_path)
        bot = load_bot(self.folder if (self.folder / "bubble.toml").exists() else bot_path)  # a bot with a config
        store = open_store(self.store_url, self.folder)
        self.store = store
        self.runner = Runner(bot, store, poll_seconds=0.1)
        settings = ServeSettings(signer=TokenSigner(b"test-secret-0123456789", self.runner.bot_id),
                                 api_key=self.api_key, **{"limits": bot.image.config.limits, **self.settings})
        started = threading.Event()
        self.thread = threading.Thread(
            target=lambda: asyncio.run(run_server(self.runner, settings, "127.0.0.1", self.port, log_level="warning",
                                                  reload_path=bot_path if self.reload else None,
                                                  telegram=self.telegram,
                                                  started=lambda server: setattr(self, "server", server))),
            daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.server is not None and self.server.started:
                self.port = self.server.servers[0].sockets[0].getsockname()[1]
                return self
            time.sleep(0.02)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=30)
        self.store.close()

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"




class Client:
    """A WebSocket client that reads JSON frames with a timeout."""

    def __init__(self, url: str, **options: Any):
        self.ws = connect(url, open_timeout=5, **options).__enter__()

    def send(self, frame: Any) -> None:
        self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    def recv(self, timeout: float = 5) -> dict[str, Any]:
        return json.loads(self.ws.recv(timeout=timeout))

    def until(self, kind: str, timeout: float = 5) -> list[dict[str, Any]]:
        """Frames up to and including the first of type `kind`."""
        frames = []
        while True:
            frame = self.recv(timeout)
            frames.append(frame)
            if frame["type"] == kind:
                return frames

    def hello(self, **fields: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Say hello; the welcome, and the frames up to the greeting (new) or none (resumed)."""
        self.send({"type": "hello", "v": 1, **fields})
        welcome = self.recv()
        return welcome, []

    def turn(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        """Send a turn frame; the frames up to its ack (the ack last)."""
        self.send(frame)
        return self.until("ack")

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def server(tmp_path: Path):
    running = ServerThread(tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def client(server: ServerThread):
    opened: list[Client] = []

    def make(**options: Any) -> Client:
        made = Client(server.ws_url, **options)
        opened.append(made)
        return made

    yield make
    for made in opened:
        try:
            made.close()
        except Exception:  # noqa: BLE001
            pass
