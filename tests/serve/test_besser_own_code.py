"""The endpoint against BESSER's own frame code: the client frames are made by BESSER's
`Payload`/`PayloadEncoder`/`File` exactly as its Streamlit UI makes them (`message_input.py`,
`chat.py`, `sidebar.py`), and the bot's frames are read back with `Payload.decode`, the way its
`websocket_callbacks.on_message` reads each action. BESSER is not a dependency (its own
dependencies are heavy): BESSER_PATH may name a folder holding the `besser` package; otherwise the
`besser-bot-framework==1.5.0` wheel is downloaded once without its dependencies (these modules
need only the standard library) and unpacked into the user's cache. Only when neither works (no
network) is the test skipped."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from pathlib import Path

import subprocess
import zipfile

import pytest

BESSER_WHEEL = "besser-bot-framework==1.5.0"


def besser_path() -> str | None:
    """A folder holding BESSER's `besser` package: BESSER_PATH, or the wheel unpacked in the
    cache (downloaded on first use); None when it cannot be had."""
    if os.environ.get("BESSER_PATH"):
        return os.environ["BESSER_PATH"]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bubble-tests" / "besser-1.5.0"
    if not (cache / "besser").is_dir():
        wheels = cache.with_name("besser-wheel")
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels),
                            BESSER_WHEEL], check=True, capture_output=True, timeout=120)
            wheel = next(wheels.glob("besser_bot_framework-*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(cache)
        except (OSError, subprocess.SubprocessError, StopIteration, zipfile.BadZipFile):
            return None
    return str(cache)


_found = besser_path()
if _found:
    sys.path.insert(0, _found)
payload_module = pytest.importorskip("besser.bot.platforms.payload", reason="BESSER's code is not available (BESSER_PATH)")
file_module = pytest.importorskip("besser.bot.core.file")
pytest.importorskip("uvicorn")

from websockets.asyncio.client import connect  # noqa: E402

from .test_besser import HERE, Served  # noqa: E402

Payload, PayloadAction, PayloadEncoder = payload_module.Payload, payload_module.PayloadAction, payload_module.PayloadEncoder
File = file_module.File


def encoded(action, message=None) -> str:
    return json.dumps(Payload(action=action, message=message), cls=PayloadEncoder)


async def replies(ws, settle: float = 0.3) -> list:
    got = []
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), settle)
        except asyncio.TimeoutError:
            return got
        payload = Payload.decode(raw)
        assert payload is not None, raw  # an action BESSER knows
        got.append(payload)


def test_besser_client_frames_and_decoding(tmp_path: Path):
    with Served(HERE / "kinds.bot", tmp_path) as server:
        async def scenario():
            async with connect(server.url) as ws:
                first = await replies(ws)
                assert [(p.action, p.message) for p in first] == [("bot_reply_str", "Hello from bubble!")]
                await ws.send(encoded(PayloadAction.USER_MESSAGE, "pick"))
                question, pills = await replies(ws)
                assert pills.action == PayloadAction.BOT_REPLY_OPTIONS.value
                labels = list(json.loads(pills.message).values())  # as on_message reads options
                assert labels == ["Red", "Green"]
                await ws.send(encoded(PayloadAction.USER_MESSAGE, labels[1]))  # chat.py: a pill sends its label
                assert [p.message for p in await replies(ws)] == ["You picked Green."]

                await ws.send(encoded(PayloadAction.USER_MESSAGE, "file"))
                (sent,) = await replies(ws)
                assert sent.action == PayloadAction.BOT_REPLY_FILE.value
                got = File.from_dict(sent.message)
                assert (got.name, got.type, base64.b64decode(got.base64)) == ("hello.txt", "text/plain", b"hello")

                await ws.send(encoded(PayloadAction.USER_MESSAGE, "where"))
                (where,) = await replies(ws)
                assert ([where.message["latitude"]], [where.message["longitude"]]) == ([52.37], [4.89])

                upload = File(file_base64=base64.b64encode(b"\x89PNG").decode("utf-8"), file_name="cat.png",
                              file_type="image/png")
                await ws.send(encoded(PayloadAction.USER_FILE, upload.get_json_string()))  # sidebar.py
                assert [p.message for p in await replies(ws)] == ["Nice picture cat.png!"]
                await ws.send(encoded(PayloadAction.USER_VOICE, base64.b64encode(b"RIFF").decode("utf-8")))
                assert [p.message for p in await replies(ws)] == ["Heard 4 bytes of audio/wav."]
                await ws.send(encoded(PayloadAction.RESET))  # sidebar.py: "Reset bot"
                assert [p.message for p in await replies(ws)] == ["Hello from bubble!"]
        asyncio.run(scenario())
