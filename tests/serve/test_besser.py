"""The BESSER-compatible endpoint over a real socket: uvicorn on 127.0.0.1 in a thread, and a
real `websockets` client sending byte for byte the frames BESSER's Streamlit UI and chat widget
send (research/serving.md §1.3), checking the exact frames back (§1.4, §1.8): actions, and the
types inside `message` (JSON strings for options, dataframes and figures; objects for files and
locations; bare base64 for images).
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
websockets = pytest.importorskip("websockets")

import uvicorn  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from bubble_lang.engine.bot import load_bot  # noqa: E402
from bubble_lang.engine.runner import Runner  # noqa: E402
from bubble_lang.serve.besser import BesserOptions, besser_app  # noqa: E402
from bubble_lang.serve.besser_frames import ACTIONS  # noqa: E402

from .conftest import free_port  # noqa: E402

HERE = Path(__file__).resolve().parent
PIZZA = HERE.parent.parent / "samples" / "pizza.bot"


class Served:
    """A uvicorn server in a thread, serving the endpoint for one bot."""

    def __init__(self, bot_path: Path, tmp_path: Path, **options: object):
        bot = load_bot(bot_path)
        self.runner = Runner(bot, poll_seconds=0.05)
        from bubble_lang.engine.uploads import UploadStore

        self.runner.uploads = UploadStore(tmp_path / "uploads")
        self.port = free_port()
        app = besser_app(self.runner, options=BesserOptions(**options), manage_runner=True)  # type: ignore[arg-type]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with Served(HERE / "kinds.bot", tmp_path) as server:
        yield server


async def frames_after(ws, frame: dict | None, *, settle: float = 0.3) -> list[dict]:
    """Send `frame` (as the clients do: one JSON text frame), collect every frame back until the
    socket is quiet for `settle` seconds."""
    if frame is not None:
        await ws.send(json.dumps(frame))
    got: list[dict] = []
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), settle)
        except asyncio.TimeoutError:
            return got
        item = json.loads(raw)
        assert list(item) == ["action", "message"], item
        assert item["action"] in ACTIONS and item["message"], item  # never empty, never unknown
        got.append(item)


def say(text: str) -> dict:
    return {"action": "user_message", "message": text}


def run(coro):
    return asyncio.run(coro)


def test_bot_speaks_first_and_text_round_trip(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            assert await frames_after(ws, None) == [{"action": "bot_reply_str", "message": "Hello from bubble!"}]
            assert await frames_after(ws, say("markdown")) == [{"action": "bot_reply_markdown", "message": "**bold** text"}]
    run(scenario())


def test_quick_replies_are_options_and_labels_come_back(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            got = await frames_after(ws, say("pick"))
            assert got == [{"action": "bot_reply_str", "message": "Which color?"},
                           {"action": "bot_reply_options", "message": '{"0": "Red", "1": "Green"}'}]
            assert isinstance(got[1]["message"], str)  # a JSON string inside the JSON frame
            assert await frames_after(ws, say("green")) == [{"action": "bot_reply_str", "message": "You picked Green."}]
    run(scenario())


def test_single_choice_widget_is_options(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            assert await frames_after(ws, say("size")) == [
                {"action": "bot_reply_str", "message": "Which size?"},
                {"action": "bot_reply_options", "message": '{"0": "Small", "1": "Large"}'}]
            assert await frames_after(ws, say("Large")) == [{"action": "bot_reply_str", "message": "Size Large."}]
    run(scenario())


def test_widgets_without_a_control_degrade_to_words(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            got = await frames_after(ws, say("toppings"))
            assert got == [{"action": "bot_reply_str", "message":
                            "Toppings?\n\n(choose any, comma-separated: [1] Cheese  [2] Ham  [3] Olives)"}]
            # numbers are read as the plain-text channel reads them
            assert await frames_after(ws, say("1, 3")) == [
                {"action": "bot_reply_str", "message": "Toppings: Cheese, Olives."}]
            got = await frames_after(ws, say("number"))
            assert got == [{"action": "bot_reply_str", "message": "How many?\n\n(a whole number from 1 to 5)"}]
            got = await frames_after(ws, say("9"))
            assert got[-1] == got[0] or got[-1]["message"].startswith("How many?")
            assert await frames_after(ws, say("3")) == [{"action": "bot_reply_str", "message": "Got 3."}]
    run(scenario())


def test_confirm_is_yes_no_options(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            assert await frames_after(ws, say("sure")) == [
                {"action": "bot_reply_str", "message": "Are you sure?"},
                {"action": "bot_reply_options", "message": '{"0": "Yes", "1": "No"}'}]
            assert await frames_after(ws, say("No")) == [{"action": "bot_reply_str", "message": "Cancelled."}]
    run(scenario())


def test_rich_content_frames(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            table = await frames_after(ws, say("table"))
            assert table == [{"action": "bot_reply_dataframe",
                              "message": '{"name": {"0": "Ann", "1": "Bob"}, "age": {"0": 31, "1": 7}}'}]
            chart = await frames_after(ws, say("chart"))
            assert chart[0]["action"] == "bot_reply_plotly" and isinstance(chart[0]["message"], str)
            assert json.loads(chart[0]["message"]) == {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}],
                                                       "layout": {"title": "Sales"}}
            assert await frames_after(ws, say("file")) == [
                {"action": "bot_reply_file", "message": {"name": "hello.txt", "type": "text/plain", "base64": "aGVsbG8="}}]
            download = await frames_after(ws, say("download"))
            assert download == [{"action": "bot_reply_file", "message": {
                "name": "order.txt", "type": "text/plain", "base64": base64.b64encode(b"one pizza").decode()}}]
            assert await frames_after(ws, say("picture")) == [
                {"action": "bot_reply_markdown", "message": "![image](https://example.com/cat.png)"}]
            where = await frames_after(ws, say("where"))
            assert where == [{"action": "bot_reply_location", "message": {"latitude": 52.37, "longitude": 4.89}}]
            assert all(isinstance(v, float) for v in where[0]["message"].values())
            qr = await frames_after(ws, say("qr"))
            assert [f["action"] for f in qr] == ["bot_reply_image"]
            assert base64.b64decode(qr[0]["message"])[:3] == b"\xff\xd8\xff"  # JPEG, as the widget labels it
    run(scenario())


def test_steps_buttons_and_events(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            assert await frames_after(ws, say("wizard")) == [
                {"action": "bot_reply_str", "message": "Step 1 of 1 — Name"},
                {"action": "bot_reply_str", "message": "Your name?"}]
            await frames_after(ws, say("Ann"))
            assert await frames_after(ws, say("buttons")) == [
                {"action": "bot_reply_str", "message": "Pick one"},
                {"action": "bot_reply_options", "message": '{"0": "Menu"}'},
                {"action": "bot_reply_markdown", "message": "[Docs](https://example.com/docs)"}]
            assert await frames_after(ws, say("Menu")) == [{"action": "bot_reply_str", "message": "Here is the menu."}]
    run(scenario())


def test_timer_output_reaches_the_socket(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            assert await frames_after(ws, say("remind me")) == [{"action": "bot_reply_str", "message": "OK."}]
            later = await frames_after(ws, None, settle=3.0)
            assert later == [{"action": "bot_reply_str", "message": "Time is up!"}]
    run(scenario())


def test_files_and_voice_arrive_as_attachments(served: Served, tmp_path: Path):
    picture = base64.b64encode(b"\x89PNG fake").decode()
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            # the Streamlit UI: message is a JSON *string* holding {name, type, base64}
            got = await frames_after(ws, {"action": "user_file", "message": json.dumps(
                {"name": "cat.png", "type": "image/png", "base64": picture})})
            assert got == [{"action": "bot_reply_str", "message": "Nice picture cat.png!"}]
            # an object is taken too (lenient)
            got = await frames_after(ws, {"action": "user_file", "message": {
                "name": "a.txt", "type": "text/plain", "base64": "aGk="}})
            assert got == [{"action": "bot_reply_str", "message": "Thanks for the file."}]
            got = await frames_after(ws, {"action": "user_voice", "message": base64.b64encode(b"RIFF1234").decode()})
            assert got == [{"action": "bot_reply_str", "message": "Heard 8 bytes of audio/wav."}]
            # a waiting upload question takes the file (checked, then stored)
            await frames_after(ws, say("cv"))
            got = await frames_after(ws, {"action": "user_file", "message": json.dumps(
                {"name": "cv.pdf", "type": "application/pdf", "base64": base64.b64encode(b"%PDF-1.4").decode()})})
            assert got == [{"action": "bot_reply_str", "message": "Got cv.pdf (8 bytes)."}]
    run(scenario())
    assert len(served.runner.uploads.keys()) == 4


def test_reset_restarts_the_conversation(served: Served):
    async def scenario():
        async with connect(served.url) as ws:
            await frames_after(ws, None)
            await frames_after(ws, say("pick"))
            # the Streamlit UI's "Reset bot": Payload(RESET), message null
            assert await frames_after(ws, {"action": "reset", "message": None}) == [
                {"action": "bot_reply_str", "message": "Hello from bubble!"}]
            # the old question is gone: "Red" is an ordinary message now
            assert await frames_after(ws, say("Red")) == [{"action": "bot_reply_str", "message": "Say something I know."}]
    run(scenario())


def test_bad_frames_are_answered_and_the_socket_stays_open(served: Served):
    async def scenario():
        async with connect(served.url, max_size=None) as ws:
            await frames_after(ws, None)
            for bad in ("not json", "[1, 2]", '{"action": "user_message"}', '{"message": "hi"}', "[" * 60000):
                await ws.send(bad)
                got = await frames_after(ws, None)
                assert got and got[0]["action"] == "bot_reply_str" and "could not read" in got[0]["message"], bad
            got = await frames_after(ws, {"action": "bot_reply_html", "message": "x"})
            assert "do not know the action" in got[0]["message"]
            got = await frames_after(ws, {"action": "user_file", "message": "{}"})
            assert "could not read that file" in got[0]["message"]
            got = await frames_after(ws, {"action": "user_voice", "message": "***"})
            assert "voice message" in got[0]["message"]
            await ws.send(json.dumps(say("x" * (9 * 2**20))))  # over the 8 MiB default
            got = await frames_after(ws, None)
            assert got[0]["message"].startswith("Sorry, that message is too large")
            # a script error is the bot's error text, never a traceback
            got = await frames_after(ws, say("boom"))
            assert got and all("Traceback" not in str(f["message"]) for f in got)
            assert await frames_after(ws, say("markdown")) == [{"action": "bot_reply_markdown", "message": "**bold** text"}]
    run(scenario())


def test_rate_limit_is_told_not_fatal(tmp_path: Path):
    with Served(HERE / "kinds.bot", tmp_path, burst=2, rate_per_second=0.5) as server:
        async def scenario():
            async with connect(server.url) as ws:
                await frames_after(ws, None)
                for _ in range(3):
                    await ws.send(json.dumps(say("markdown")))
                got = await frames_after(ws, None)
                assert [f["action"] for f in got] == ["bot_reply_markdown", "bot_reply_markdown", "bot_reply_str"]
                assert "faster" in got[-1]["message"]
        run(scenario())


def test_origins_loopback_by_default(tmp_path: Path):
    with Served(HERE / "kinds.bot", tmp_path) as server:
        async def scenario():
            async with connect(server.url, origin="http://localhost:8000") as ws:  # the widget's page
                assert await frames_after(ws, None)
            with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
                async with connect(server.url, origin="https://evil.example"):
                    pass
            assert refused.value.response.status_code == 403
        run(scenario())
        import httpx

        page = httpx.get(f"http://127.0.0.1:{server.port}/", timeout=5)  # HTTP on the same path
        assert page.status_code == 200 and "BESSER-compatible" in page.text


def test_pizza_over_besser(tmp_path: Path):
    """The load benchmark's conversation: the pizza bot opens silently, then one reply a turn."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_pizza", HERE.parent.parent / "tools" / "bench" / "pizza.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    SCRIPT = bench.SCRIPT

    with Served(PIZZA, tmp_path) as server:
        async def scenario():
            async with connect(server.url) as ws:
                assert await frames_after(ws, None, settle=0.2) == []
                menu = '{"0": "margherita", "1": "pepperoni", "2": "hawaii"}'
                pills = [menu, menu, None, '{"0": "yes", "1": "no"}', None]  # the choices of each question
                for (text, expected), options in zip(SCRIPT, pills):
                    want = [{"action": "bot_reply_str", "message": expected}]
                    want += [{"action": "bot_reply_options", "message": options}] if options else []
                    assert await frames_after(ws, say(text), settle=0.2) == want
        run(scenario())


def test_new_conversations_are_rated_per_address(tmp_path: Path):
    """Every BESSER connection starts a conversation: after the address's burst, one more is
    closed with 1013 and the reason."""
    with Served(HERE / "kinds.bot", tmp_path, address_starts_per_minute=0.5, address_start_burst=2,
                rate_loopback=True) as server:
        async def scenario():
            for _ in range(2):
                async with connect(server.url) as ws:
                    await frames_after(ws, None)  # whatever the bot says first
            async with connect(server.url) as ws:
                with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd.code == 1013 and "new conversations" in closed.value.rcvd.reason
        run(scenario())


def test_bubble_serve_answers_a_frame_over_the_limit_instead_of_closing(tmp_path: Path):
    """Under `bubble serve --besser` uvicorn's own frame limit once equalled the app's, so uvicorn
    closed the socket (1009, the conversation lost) before the app could answer in words."""
    import shutil

    from .test_shutdown import start

    shutil.copy(PIZZA, tmp_path / "pizza.bot")
    besser_port = free_port()
    server = start(tmp_path, free_port(), tmp_path / "pizza.bot",
                   extra=["--besser", "--besser-port", str(besser_port), "--store", "memory"])
    try:
        async def scenario():
            async with connect(f"ws://127.0.0.1:{besser_port}/", max_size=None) as ws:
                await frames_after(ws, None)  # whatever the bot says first
                got = await frames_after(ws, say("x" * (9 * 2**20)))
                assert [f["action"] for f in got] == ["bot_reply_str"] and "too large" in got[0]["message"]
                assert await frames_after(ws, say("hi"))  # the conversation goes on
                # a 60 KB photo as BESSER's Streamlit UI sends it: /ws's 64 KiB limit once refused it here
                photo = {"name": "photo.jpg", "type": "image/jpeg", "base64": base64.b64encode(b"\xff" * 60_000).decode()}
                got = await frames_after(ws, {"action": "user_file", "message": json.dumps(photo)})
                assert got and not any("too large" in str(f["message"]) for f in got)
        deadline = time.monotonic() + 20
        while True:  # the BESSER port opens a moment after the main one
            try:
                run(scenario())
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(20)
