"""Bad frames get `error` frames and the socket stays open; over-size closes with 1009; bad
tokens and foreign origins are refused; the rate limit refuses a flood."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bubble_lang.serve.ws_protocol import CLIENT_SCHEMAS, HTTP_SCHEMAS, check_schema_keywords


def ready(client):
    c = client()
    welcome, _ = c.hello()
    c.recv()
    return c, welcome


def still_open(c):
    frames = c.turn({"type": "message", "id": "alive", "text": "still here"})
    assert frames[-1] == {"type": "ack", "id": "alive"}


@pytest.mark.parametrize("text, code", [
    ("not json", "bad_json"),
    ("[1, 2]", "bad_frame"),
    ('{"type": "message", "id": "x"}', "bad_frame"),
    ('{"type": "message", "id": "x", "text": 5}', "bad_frame"),
    ('{"type": "message", "id": "x", "text": "a", "extra": 1}', "bad_frame"),
    ('{"type": "location", "id": "x", "lat": 91, "lon": 0}', "bad_frame"),
    ('{"type": "teleport", "id": "x"}', "unknown_type"),
    ('{"type": "message", "id": "x", "text": NaN}', "bad_json"),
    ('{"type": "file", "id": "x", "name": "a", "mime": "a/b", "base64": "!!!"}', "bad_frame"),
])
def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays_open(client, text, code):
    c, _ = ready(client)
    c.send(text)
    error = c.recv()
    assert error["type"] == "error" and error["code"] == code and "Traceback" not in error["message"]
    still_open(c)


def test_nesting_65_is_refused_and_64_is_read(client):
    c, _ = ready(client)
    c.send({"type": "event", "id": "deep", "name": "poke", "payload": json.loads("[" * 64 + "]" * 64)})
    assert c.recv()["code"] == "too_deep"  # 64 inside the frame object makes 65
    c.send({"type": "event", "id": "ok", "name": "poke", "payload": {"n": json.loads("[" * 62 + "]" * 62)}})
    frames = c.until("ack")
    assert frames[-1] == {"type": "ack", "id": "ok"}


def test_frame_over_64_kib_closes_with_1009(client):
    c, _ = ready(client)
    filler = "x" * (64 * 1024 + 1 - len('{"type":"message","id":"big","text":""}'))
    c.send('{"type":"message","id":"big","text":"' + filler + '"}')
    with pytest.raises(ConnectionClosed) as closed:
        c.recv()
    assert closed.value.rcvd.code == 1009


def test_frame_of_exactly_64_kib_is_read(client):
    c, _ = ready(client)
    filler = "x" * (64 * 1024 - len('{"type":"message","id":"big","text":""}'))
    c.send('{"type":"message","id":"big","text":"' + filler + '"}')
    assert c.until("ack")[-1]["id"] == "big"


def test_a_flood_over_the_rate_gets_rate_limited_errors_and_the_socket_stays_open(client):
    c, _ = ready(client)
    for number in range(30):
        c.send({"type": "message", "id": f"f{number}", "text": "flood"})
    seen = []  # each frame ends with an ack (after its text) or an error
    while len([f for f in seen if f["type"] in ("ack", "error")]) < 30:
        seen.append(c.recv())
    errors = [f for f in seen if f["type"] == "error"]
    acks = [f for f in seen if f["type"] == "ack"]
    assert errors and all(f["code"] == "rate_limited" for f in errors)
    assert 10 <= len(acks) < 30


def test_turn_frames_before_hello_are_refused(client):
    c = client()
    c.send({"type": "message", "id": "early", "text": "hi"})
    assert c.recv() == {"type": "error", "code": "hello_first", "message": "send `hello` first", "id": "early"}


def test_a_bad_token_or_an_unknown_session_is_refused_alike(client):
    c, welcome = ready(client)
    answers = []
    for fields in ({"session_id": welcome["session_id"], "token": "forged"},
                   {"session_id": "no-such-session", "token": welcome["token"]},
                   {"session_id": welcome["session_id"]}):
        d = client()
        d.send({"type": "hello", "v": 1, **fields})
        answers.append(d.recv())
        with pytest.raises(ConnectionClosed) as closed:
            d.recv()
        assert closed.value.rcvd.code == 4401
    assert answers[0] == answers[1] == answers[2] and answers[0]["code"] == "unauthorized"


def test_a_foreign_origin_is_refused_and_loopback_is_allowed(client):
    with pytest.raises(InvalidStatus) as refused:
        client(origin="https://evil.example.com")
    assert refused.value.response.status_code == 403
    c = client(origin="http://localhost:3000")
    c.hello()
    assert c.recv()["type"] == "text"


def test_every_schema_uses_only_checked_keywords():
    for schema in (*CLIENT_SCHEMAS.values(), *HTTP_SCHEMAS.values()):
        assert check_schema_keywords(schema) == set()


def test_docs_protocol_md_shows_every_schema_the_server_checks():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    for name, schema in (*CLIENT_SCHEMAS.items(), *HTTP_SCHEMAS.items()):
        assert "```json\n" + json.dumps(schema, indent=2) + "\n```" in text, name


def test_a_compressed_frame_that_inflates_past_the_limit_closes_with_1009(client):
    c, _ = ready(client)  # the client negotiates permessage-deflate: 2 MiB of one letter is a few KiB
    c.send('{"type":"message","id":"bomb","text":"' + "x" * (2 * 1024 * 1024) + '"}')
    with pytest.raises(ConnectionClosed) as closed:
        c.recv()
    assert closed.value.rcvd.code == 1009
    d, _ = ready(client)  # the server serves others
    still_open(d)


def test_a_session_the_store_no_longer_holds_is_refused_not_reopened(tmp_path):
    """A valid token whose conversation is gone (a memory store restarted, a deleted entry) is
    refused like an unknown session: reopened under the old id, the web chat (still at its old
    `last_seq`) hid the new greeting and sent its old outbox into the new conversation."""
    from .conftest import Client, ServerThread

    first = ServerThread(tmp_path, store_url="memory").start()
    try:
        c = Client(first.ws_url)
        welcome, _ = c.hello()
        c.recv()
        c.close()
    finally:
        first.stop()
    second = ServerThread(tmp_path, store_url="memory").start()
    try:
        d = Client(second.ws_url)
        d.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"], "last_seq": 2})
        assert d.recv()["code"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            d.recv()
        assert closed.value.rcvd.code == 4401
        e = Client(second.ws_url)
        fresh, _ = e.hello()
        assert fresh["type"] == "welcome" and fresh["session_id"] != welcome["session_id"]
        e.close()
    finally:
        second.stop()
