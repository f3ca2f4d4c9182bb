"""A turn that says more than a socket's queue held, and a resume that replays a long history:
found by the server probe — a turn of over 1,024 outputs closed a healthy socket as "too slow"
(1013) and dropped a frame, and the reconnect replayed the same burst, so the conversation could
never be used over /ws again."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Client, ServerThread

BOT = '''dialog main do
  say "ready"
end

dialog trigger: "huge" do
  text = "x"
  repeat i in range(1, 17) do
    text = text + text
  end
  repeat i in range(1, 40) do
    say text
  end
end

dialog trigger: "many" do
  repeat i in range(1, 1500) do
    say "line #{i}"
  end
end
'''


@pytest.fixture
def chatty(tmp_path: Path):
    (tmp_path / "serve.bot").write_text(BOT)
    running = ServerThread(tmp_path).start()
    yield running
    running.stop()


def test_a_turn_of_1500_messages_reaches_a_healthy_socket_whole(chatty):
    c = Client(chatty.ws_url)
    welcome, _ = c.hello()
    assert c.recv()["text"] == "ready"
    frames = c.turn({"type": "message", "id": "m1", "text": "many"})
    lines = [frame["text"] for frame in frames if frame["type"] == "text"]
    assert lines == [f"line {i}" for i in range(1, 1501)]
    c.close()

    again = Client(chatty.ws_url)  # a reload that lost what it had drawn: everything again
    again.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"],
                "last_seq": 0})
    assert again.recv()["resumed"] is True
    replayed = [again.recv()["text"] for _ in range(1501)]
    assert replayed == ["ready"] + [f"line {i}" for i in range(1, 1501)]
    assert again.turn({"type": "message", "id": "m2", "text": "hello"})[-1] == {"type": "ack", "id": "m2"}
    again.close()


def test_what_waits_for_one_socket_stays_bounded_in_bytes(chatty, monkeypatch):
    """40 messages of 64 KiB at once are over a (lowered) budget of 1 MiB: the socket is closed
    with 1013 instead of holding them all, and the conversation itself goes on."""
    from websockets.exceptions import ConnectionClosed

    from bubble_lang.serve import ws_session

    monkeypatch.setattr(ws_session, "QUEUE_BYTES", 1024 * 1024)
    c = Client(chatty.ws_url)
    welcome, _ = c.hello()
    c.recv()
    c.send({"type": "message", "id": "m1", "text": "huge"})
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            c.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
    again = Client(chatty.ws_url)
    again.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"],
                "last_seq": 10 ** 6})
    assert again.recv()["resumed"] is True
    assert again.turn({"type": "message", "id": "m2", "text": "hello"})[-1] == {"type": "ack", "id": "m2"}
    again.close()
