"""`bubble serve --reload` on a real server: a good edit is served without dropping anyone, a
broken edit is rejected with its diagnostics on /healthz while the old version keeps serving, and
conversations continue as SPEC §14 says (an unchanged dialog's question is still waiting)."""

from __future__ import annotations

import time

import httpx
import pytest

from .conftest import Client, ServerThread


@pytest.fixture
def reloading(tmp_path):
    running = ServerThread(tmp_path, reload=True).start()
    yield running
    running.stop()


def health(server: ServerThread) -> dict:
    return httpx.get(f"{server.http_url}/healthz", timeout=5).json()


def wait_until(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("the server never reloaded")


def said(frames: list[dict]) -> list[str]:
    return [frame["text"] for frame in frames if frame["type"] == "text"]


def test_edits_are_served_broken_ones_rejected_and_conversations_continue(reloading):
    bot = reloading.folder / "serve.bot"
    first = health(reloading)
    assert first["reload"] == {"revision": first["revision"], "ok": True, "at": None, "diagnostics": []}

    client = Client(reloading.ws_url)
    client.hello()
    client.until("text")  # the greeting
    asked = client.turn({"type": "message", "id": "m1", "text": "pizza"})
    assert [(frame["type"], frame["text"]) for frame in asked[:-1]] == [("options", "Which pizza?")]

    # A good edit of another dialog: served; the waiting question (an unchanged dialog) still waits.
    bot.write_text(bot.read_text().replace("Poked with", "You poked me with"))
    reloaded = wait_until(lambda: (h := health(reloading))["revision"] != first["revision"] and h)
    assert reloaded["reload"]["ok"] is True
    assert said(client.turn({"type": "message", "id": "m2", "text": "hawaii"})) == ["One hawaii coming up."]
    assert said(client.turn({"type": "event", "id": "e1", "name": "poke", "payload": {"n": 3}})) == \
        ["You poked me with 3"]

    # A broken edit: rejected with file, line and column; the old version answers on.
    good = bot.read_text()
    bot.write_text(good.replace('say "Poked', 'say "Poked').replace("dialog event: \"poke\" do",
                                                                   "dialog event: \"poke\" do\n  say (", 1))
    rejected = wait_until(lambda: (h := health(reloading))["reload"]["ok"] is False and h)
    assert rejected["revision"] == reloaded["revision"]
    assert any("serve.bot:" in line for line in rejected["reload"]["diagnostics"])
    assert said(client.turn({"type": "event", "id": "e2", "name": "poke", "payload": {"n": 4}})) == \
        ["You poked me with 4"]

    # Fixed again: served, and the conversation was never greeted twice.
    bot.write_text(good.replace("You poked me with", "Poke number"))
    wait_until(lambda: health(reloading)["reload"]["ok"] is True
               and health(reloading)["revision"] not in (first["revision"], reloaded["revision"]))
    frames = client.turn({"type": "event", "id": "e3", "name": "poke", "payload": {"n": 5}})
    assert said(frames) == ["Poke number 5"]
    client.close()


def test_a_server_without_reload_says_its_revision_only(server):
    body = health(server)
    assert body["status"] == "ok" and len(body["revision"]) >= 8 and "reload" not in body


def test_the_command_line_flag_turns_reloading_on(tmp_path):
    import shutil

    from .conftest import BOT
    from .test_shutdown import free_port, start

    shutil.copy(BOT, tmp_path / "serve.bot")
    port = free_port()
    process = start(tmp_path, port, extra=["--reload"])
    try:
        body = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert body["reload"]["ok"] is True and body["reload"]["revision"] == body["revision"]
    finally:
        process.terminate()
        process.wait(15)
