"""The HTTP API behind its bearer key, and /healthz, against a real uvicorn."""

from __future__ import annotations

import os

import httpx
import pytest

from .conftest import API_KEY, ServerThread


def post(server, path, body, key=API_KEY):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(server.http_url + path, json=body, headers=headers, timeout=10)


def test_healthz(server):
    answer = httpx.get(server.http_url + "/healthz", timeout=5)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "revision": server.runner.bot.image.revision,
                                                           "pid": os.getpid()}  # the worker answering


def test_messages_events_and_transcript_with_the_key(server):
    answer = post(server, "/api/conversations/api-1/messages", {"text": "hello there"})
    assert answer.status_code == 200
    frames = answer.json()["frames"]
    assert [f["text"] for f in frames] == ["Hello from the server bot!", "You said: hello there"]
    answer = post(server, "/api/conversations/api-1/events", {"name": "poke", "payload": {"n": 2}})
    assert [f["text"] for f in answer.json()["frames"]] == ["Poked with 2"]
    answer = httpx.get(server.http_url + "/api/conversations/api-1", timeout=5,
                       headers={"Authorization": f"Bearer {API_KEY}"})
    turns = answer.json()["turns"]
    assert [t["input"]["kind"] for t in turns] == ["start", "text", "event"]
    assert turns[1]["frames"][0]["text"] == "You said: hello there"


def test_a_message_id_is_played_once(server):
    first = post(server, "/api/conversations/api-2/messages", {"text": "once", "id": "m1"}).json()["frames"]
    again = post(server, "/api/conversations/api-2/messages", {"text": "once", "id": "m1"}).json()["frames"]
    assert [f["text"] for f in again] == [f["text"] for f in first[-1:]]


@pytest.mark.parametrize("key", [None, "wrong-key-0123456789"])
def test_without_the_key_it_is_401(server, key):
    assert post(server, "/api/conversations/x/messages", {"text": "hi"}, key=key).status_code == 401
    assert httpx.get(server.http_url + "/api/conversations/x", timeout=5).status_code == 401


def test_bad_bodies_are_400_with_a_message(server):
    answer = post(server, "/api/conversations/x/messages", {"txt": "hi"})
    assert answer.status_code == 400 and answer.json()["code"] == "bad_request"
    answer = httpx.post(server.http_url + "/api/conversations/x/messages", content=b"{oops",
                        headers={"Authorization": f"Bearer {API_KEY}"}, timeout=5)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_json"


def test_a_server_without_a_key_refuses_every_call(tmp_path):
    running = ServerThread(tmp_path, api_key=None).start()
    try:
        assert post(running, "/api/conversations/x/messages", {"text": "hi"}).status_code == 401
    finally:
        running.stop()


def test_an_api_turn_reaches_the_conversations_open_socket(server):
    from .conftest import Client

    c = Client(server.ws_url)
    c.send({"type": "hello", "v": 1})
    session = c.recv()["session_id"]
    assert c.recv()["seq"] == 1
    answer = post(server, f"/api/conversations/{session}/events", {"name": "poke", "payload": {"n": 4}})
    assert [f["text"] for f in answer.json()["frames"]] == ["Poked with 4"]
    assert c.recv() == {"type": "text", "text": "Poked with 4", "seq": 2}
    c.close()


def test_an_over_size_body_is_413(server):
    answer = post(server, "/api/conversations/x/messages", {"text": "x" * (64 * 1024)})
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"


def test_concurrent_first_messages_open_the_conversation_once(server):
    """Eight first messages of one new conversation at once: one greeting, each message played
    once (the probe suspected each ran the entry dialog)."""
    import asyncio

    async def burst():
        async with httpx.AsyncClient(timeout=20, headers={"Authorization": f"Bearer {API_KEY}"}) as client:
            return await asyncio.gather(*(client.post(server.http_url + "/api/conversations/api-burst/messages",
                                                      json={"text": f"m{i}"}) for i in range(8)))

    answers = asyncio.run(burst())
    assert [answer.status_code for answer in answers] == [200] * 8
    texts = [frame["text"] for answer in answers for frame in answer.json()["frames"]]
    assert texts.count("Hello from the server bot!") == 1
    assert sorted(text for text in texts if text.startswith("You said")) == sorted(f"You said: m{i}" for i in range(8))
    turns = httpx.get(server.http_url + "/api/conversations/api-burst", timeout=5,
                      headers={"Authorization": f"Bearer {API_KEY}"}).json()["turns"]
    shown = [frame["text"] for turn in turns for frame in turn["frames"]]
    assert shown.count("Hello from the server bot!") == 1
    assert [turn["input"]["kind"] for turn in turns].count("start") == 1, turns  # no empty "start" turns


def test_the_auth_scheme_is_read_in_any_case(server):
    """RFC 7235 §2.1: `bearer`, `BEARER` and `Bearer` are one scheme (`bearer k` was a 401)."""
    url = server.http_url + "/api/conversations/api-case/messages"
    for scheme in ("bearer", "BEARER", "Bearer"):
        answer = httpx.post(url, json={"text": "hi"}, headers={"Authorization": f"{scheme} {API_KEY}"}, timeout=10)
        assert answer.status_code == 200, scheme
    for header in (f"Basic {API_KEY}", f"Bearer{API_KEY}", f"Bearer {API_KEY}x", "Bearer"):
        answer = httpx.post(url, json={"text": "hi"}, headers={"Authorization": header}, timeout=10)
        assert answer.status_code == 401, header
