"""Chatsky's messenger interfaces on bubble (SPEC §15, seeds/002): the seed's classes with their
semantics, the pipeline runner of `load_bot(path).runner(store=…)`, and interface code in the
style of Chatsky's messenger tutorials (a polling interface and a callback interface behind a web
framework, written here from their documented API) running with only the imports changed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from pathlib import Path

import pytest

# The only lines that differ from a Chatsky program: where the names come from.
from bubble_lang import load_bot
from bubble_lang.messengers import (CallbackMessengerInterface, CallbackQuery, CLIMessengerInterface, Document,
                                    Image, Location, Message, MessengerInterfaceWithAttachments,
                                    PollingMessengerInterface)
from bubble_lang.storage import open_store

ROOT = Path(__file__).resolve().parents[2]
PIZZA = ROOT / "samples" / "pizza.bot"
GALLERY = ROOT / "tests" / "webchat" / "gallery.bot"


# ---------------------------------------------------------------------- a polling interface
class ScriptedInterface(PollingMessengerInterface):
    """A polling interface as Chatsky's tutorials write one: `_request` hands out the next user
    inputs, `_respond` collects what the bot said."""

    def __init__(self, inputs: list[str]):
        super().__init__()
        self.inputs = list(inputs)
        self.said: list[str] = []

    def _request(self):
        return [(Message(self.inputs.pop(0)), "user-1")]

    def _respond(self, responses):
        for context in responses:
            self.said.append(context.last_response.text)


def test_a_polling_interface_runs_a_bubble_bot():
    interface = ScriptedInterface(["hi", "pepperoni", "2", "yes"])
    runner = load_bot(PIZZA).runner()
    asyncio.run(interface.connect(runner, loop=lambda: bool(interface.inputs)))
    assert interface.said == [
        "Welcome to Pizza Bot! Which pizza would you like? We have margherita, pepperoni, hawaii.",
        "How many pepperoni pizzas?", "So that is 2 x pepperoni. Shall I place the order? (yes/no)",
        "Your order is placed. Goodbye!"]
    assert interface.id == "ScriptedInterface"


def test_polling_stops_at_the_first_exception_like_the_seed_unless_asked_to_go_on(caplog):
    class Failing(ScriptedInterface):
        def _respond(self, responses):
            super()._respond(responses)
            if len(self.said) == 1:
                raise RuntimeError("the messenger is down")

    interface = Failing(["hi", "pepperoni", "2"])
    with caplog.at_level(logging.ERROR, logger="bubble.messengers"):
        asyncio.run(interface.connect(load_bot(PIZZA).runner(), loop=lambda: bool(interface.inputs)))
    assert len(interface.said) == 1 and interface.inputs == ["pepperoni", "2"]  # stopped for good
    assert "Exception in Failing loop!" in caplog.text

    again = Failing(["hi", "pepperoni", "2"])
    again.keep_polling_on_error = True  # bubble's opt-in
    asyncio.run(again.connect(load_bot(PIZZA).runner(), loop=lambda: bool(again.inputs)))
    assert len(again.said) == 3


def test_keyboard_interrupt_is_logged_as_stopping(caplog):
    class Interrupted(ScriptedInterface):
        def _request(self):
            raise KeyboardInterrupt

    with caplog.at_level(logging.INFO, logger="bubble.messengers"):
        asyncio.run(Interrupted([]).connect(load_bot(PIZZA).runner()))
    assert "Interrupted has stopped polling." in caplog.text


def test_the_cli_interface_prints_every_message_of_a_turn(monkeypatch):
    answers = iter(["hi", "pepperoni"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    out = io.StringIO()
    interface = CLIMessengerInterface(intro="Pizza time", out_descriptor=out)
    calls = iter([True, True, False])
    asyncio.run(interface.connect(load_bot(PIZZA).runner(), loop=lambda: next(calls)))
    lines = out.getvalue().splitlines()
    assert lines[0] == "Pizza time"
    assert lines[1].startswith("response: text='Welcome to Pizza Bot!")
    assert lines[2] == "response: text='How many pepperoni pizzas?'"


# ---------------------------------------------------------------------- a callback interface
def test_a_callback_interface_behind_a_web_framework():
    """Chatsky's web API tutorial: an HTTP route hands each request to `on_request_async` and
    returns `last_response` (Starlette here; the tutorial uses FastAPI, built on it), served by a
    real uvicorn on 127.0.0.1 and called over HTTP."""
    import threading
    import time

    import httpx
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from tests.serve.conftest import free_port

    messenger_interface = CallbackMessengerInterface()
    runner = load_bot(PIZZA).runner()

    async def respond(request: Request) -> JSONResponse:
        body = await request.json()
        context = await messenger_interface.on_request_async(Message.from_dict(body["message"]),
                                                             request.path_params["user_id"])
        return JSONResponse({"user_id": context.id, "response": context.last_response.to_dict()})

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await messenger_interface.connect(runner)
        yield

    app = Starlette(routes=[Route("/chat/{user_id}", respond, methods=["POST"])], lifespan=lifespan)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            first = client.post("/chat/7", json={"message": {"text": "hi"}}).json()
            second = client.post("/chat/7", json={"message": {"text": "hawaii"}}).json()
            other = client.post("/chat/8", json={"message": {"text": "hi"}}).json()
    finally:
        server.should_exit = True
        thread.join(10)
    assert first["response"]["text"].startswith("Welcome to Pizza Bot!")
    assert second == {"user_id": "7", "response": {"text": "How many hawaii pizzas?"}}
    assert other["response"]["text"].startswith("Welcome")  # its own conversation


def test_on_request_runs_the_loop_itself():
    interface = CallbackMessengerInterface()
    runner = load_bot(PIZZA).runner()
    asyncio.run(interface.connect(runner))
    context = interface.on_request(Message("hi"), 0)
    assert context.id == "0" and context.last_response.text.startswith("Welcome")


# ---------------------------------------------------------------------- the pipeline runner
def test_the_runner_contract(tmp_path):
    async def play():
        runner = load_bot(PIZZA).runner(store=open_store("sqlite", tmp_path))
        fresh = await runner(Message("hi"))
        assert len(fresh.id) == 36  # a uuid4 for ctx_id=None
        context = await runner(Message("hi"), 12, {"lang": "nl"})
        assert context.id == "12" and context.misc == {"lang": "nl"}
        assert context.last_request == Message("hi")
        assert context.responses[0] is context.last_response
        context = await runner("margherita", 12, {"channel": "test"})
        assert context.misc == {"lang": "nl", "channel": "test"}
        again = await runner(Message("2"), 12, message_id="m-7")
        replay = await runner(Message("2"), 12, message_id="m-7")  # redelivered: not played twice
        assert [m.text for m in replay.responses] == [m.text for m in again.responses]
        await runner.close()
        with pytest.raises(TypeError, match="plain JSON data"):
            await runner(Message("hi"), 12, {"when": object()})

    asyncio.run(play())

    async def reopened():
        runner = load_bot(PIZZA).runner(store=open_store("sqlite", tmp_path))
        context = await runner(Message("yes"), 12)
        assert context.misc == {"lang": "nl", "channel": "test"}  # committed with the turns
        assert context.last_response.text == "Your order is placed. Goodbye!"
        await runner.close()

    asyncio.run(reopened())


def test_requests_with_attachments(tmp_path):
    async def play():
        runner = load_bot(GALLERY).runner()
        await runner(Message("single"), "g")
        picked = await runner(Message(attachments=[CallbackQuery(query_string="Large")]), "g")
        assert picked.last_response.text == "Size Large."
        await runner(Message("where"), "g")
        found = await runner(Message(attachments=[Location(longitude=4.89, latitude=52.37)]), "g")
        assert found.last_response.text == "You are at 52.37, 4.89."
        await runner(Message("upload"), "g")
        cv = tmp_path / "cv.txt"
        cv.write_text("hello")
        stored = await runner(Message(attachments=[Document(source=str(cv), file_name="cv.txt",
                                                            mime_type="text/plain")]), "g")
        assert stored.last_response.text == "Got cv.txt of 5 bytes."
        loose = await runner(Message("a caption", attachments=[Image(source="https://example.com/p.png")]), "g")
        assert loose.last_response.text.startswith("A file called p.png")
        content = await runner(Message("content"), "g")
        kinds = [m.frame["type"] for m in content.responses]
        assert kinds[:3] == ["markdown", "table", "image"]
        assert content.responses[2].attachments[0].source == "https://example.com/cat.png"
        assert any(isinstance(a, Location) for m in content.responses for a in m.attachments or [])
        await runner.close()

    asyncio.run(play())


def test_messages_and_attachments_keep_chatsky_json():
    data = {"text": "look", "attachments": [
        {"chatsky_attachment_type": "image", "id": "f1", "width": 3},
        {"chatsky_attachment_type": "location", "longitude": 4.89, "latitude": 52.37},
        {"chatsky_attachment_type": "callback_query", "query_string": "yes"}], "parse_mode": "HTML"}
    message = Message.from_dict(data)
    assert message.attachments[0].width == 3 and message.parse_mode == "HTML"
    assert Message.from_dict(message.to_dict()) == message
    assert str(Message("Hi")) == "text='Hi'"
    assert Location(longitude=1.0, latitude=2.0) == Location(longitude=1.00003, latitude=2.0)
    with pytest.raises(ValueError, match="exactly one"):
        Image(source="a", id="b")


def test_attachments_directory_defaults_to_the_temporary_folder(tmp_path):
    class Files(MessengerInterfaceWithAttachments):
        async def connect(self, pipeline_runner):
            pass

        async def get_attachment_bytes(self, source):
            return b"bytes of " + source.encode()

    default = Files()
    assert default.attachments_directory.name == "chatsky-cache-Files" and default.attachments_directory.is_dir()
    chosen = Files(tmp_path / "files")
    picture = Image(id="abc")
    assert asyncio.run(picture.get_bytes(chosen)) == b"bytes of abc"
    assert (chosen.attachments_directory / picture.cached_filename).read_bytes() == b"bytes of abc"
