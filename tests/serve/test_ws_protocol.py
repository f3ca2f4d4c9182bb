"""`/ws` against a real uvicorn and a real WebSocket client: hello, each frame type, acks,
widgets and steps, replay, no re-greeting, several sockets, duplicate ids."""

from __future__ import annotations

import base64
import time

import pytest



def text_of(frames):
    return [frame["text"] for frame in frames if frame["type"] == "text"]


def test_hello_gets_a_welcome_and_the_greeting(client):
    c = client()
    welcome, _ = c.hello()
    assert welcome["type"] == "welcome" and welcome["resumed"] is False
    assert len(welcome["session_id"]) >= 22 and welcome["token"]
    greeting = c.recv()
    assert greeting == {"type": "text", "text": "Hello from the server bot!", "seq": 1}


def test_message_is_answered_then_acked(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "m1", "text": "anything"})
    assert frames[-1] == {"type": "ack", "id": "m1"}
    assert text_of(frames) == ["You said: anything"]
    assert frames[0]["seq"] == 2


def test_a_resent_id_is_acked_again_and_never_played_twice(client):
    c = client()
    c.hello()
    c.recv()
    c.turn({"type": "message", "id": "same", "text": "once"})
    again = c.turn({"type": "message", "id": "same", "text": "once"})
    assert again == [{"type": "ack", "id": "same"}]
    nxt = c.turn({"type": "message", "id": "other", "text": "twice"})
    assert nxt[0]["seq"] == 3  # nothing was played for the resent frame


def test_reconnect_resumes_replays_and_never_greets_again(client):
    c = client()
    welcome, _ = c.hello()
    c.recv()
    c.turn({"type": "message", "id": "a", "text": "one"})
    c.close()
    d = client()
    d.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"], "last_seq": 1})
    again = d.recv()
    assert again["type"] == "welcome" and again["resumed"] is True and again["session_id"] == welcome["session_id"]
    replay = d.recv()
    assert replay == {"type": "text", "text": "You said: one", "seq": 2}
    with pytest.raises(TimeoutError):
        d.recv(timeout=0.5)  # no greeting
    frames = d.turn({"type": "message", "id": "b", "text": "two"})
    assert text_of(frames) == ["You said: two"]


def test_timer_output_made_while_offline_is_replayed(client):
    c = client()
    welcome, _ = c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "l", "text": "later"})
    last = frames[0]["seq"]
    c.close()
    time.sleep(1.8)  # the scheduler fires the timer while nobody is connected
    d = client()
    d.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"],
            "last_seq": last})
    assert d.recv()["resumed"] is True
    assert d.recv() == {"type": "text", "text": "Time is up!", "seq": last + 1}


def test_timer_output_reaches_a_connected_client(client):
    c = client()
    c.hello()
    c.recv()
    c.turn({"type": "message", "id": "l", "text": "later"})
    assert c.recv(timeout=5)["text"] == "Time is up!"


def test_two_sockets_of_one_conversation_both_get_its_frames(client):
    c = client()
    welcome, _ = c.hello()
    c.recv()
    d = client()
    d.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"], "last_seq": 1})
    assert d.recv()["resumed"] is True
    c.turn({"type": "message", "id": "x", "text": "both"})
    assert d.recv() == {"type": "text", "text": "You said: both", "seq": 2}
    d.close()  # closing one leaves the other subscribed
    frames = c.turn({"type": "message", "id": "y", "text": "still"})
    assert text_of(frames) == ["You said: still"]


def test_widget_and_step_frames_choice_submit_and_back(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "w", "text": "wizard"})
    step, widget = frames[0], frames[1]
    assert step["type"] == "step" and step["title"] == "Color" and step["index"] == 1 and step["total"] >= 2
    assert widget["type"] == "widget" and widget["widget"]["kind"] == "single_choice"
    assert widget["text"] == "Pick a color"
    frames = c.turn({"type": "choice", "id": "c", "value": "green"})
    assert [f["type"] for f in frames[:2]] == ["step", "widget"] and frames[0]["title"] == "Size"
    frames = c.turn({"type": "back", "id": "b"})
    assert frames[0]["type"] == "step" and frames[0]["title"] == "Color"
    c.turn({"type": "choice", "id": "c2", "value": "blue"})
    frames = c.turn({"type": "submit", "id": "s", "data": 3})
    assert "3 x blue" in text_of(frames)


def test_options_frame_and_choice_as_text(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "p", "text": "pizza"})
    assert frames[0]["type"] == "options" and [x["value"] for x in frames[0]["choices"]] == ["margherita", "hawaii"]
    frames = c.turn({"type": "choice", "id": "q", "value": "hawaii"})
    assert text_of(frames) == ["One hawaii coming up."]


def test_event_location_file_and_voice(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "event", "id": "e", "name": "poke", "payload": {"n": 7}})
    assert text_of(frames) == ["Poked with 7"]
    frames = c.turn({"type": "location", "id": "g", "lat": 52.37, "lon": 4.891})
    assert text_of(frames) == ["You are in Amsterdam."]
    data = base64.b64encode(b"%PDF-1.4 hello").decode()
    frames = c.turn({"type": "file", "id": "f", "name": "a.pdf", "mime": "application/pdf", "base64": data})
    assert text_of(frames) == ["Thanks for the file."]
    frames = c.turn({"type": "voice", "id": "v", "mime": "audio/ogg", "base64": data})
    assert frames[-1] == {"type": "ack", "id": "v"}


def test_file_answers_a_waiting_upload_widget(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "u", "text": "cv"})
    assert frames[0]["type"] == "widget" and frames[0]["widget"]["kind"] == "upload"
    data = base64.b64encode(b"%PDF-1.4 hello").decode()
    frames = c.turn({"type": "file", "id": "f", "name": "cv.pdf", "mime": "application/pdf", "base64": data})
    assert text_of(frames) == ["Got cv.pdf"]


def test_rich_content_frames(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "r", "text": "rich"})
    kinds = [frame["type"] for frame in frames]
    assert kinds == ["markdown", "table", "image", "image", "location", "ack"]
    assert frames[0]["text"] == "**bold**"
    assert frames[3]["url"].startswith("data:image/png;base64,") and frames[3]["qrcode"] is True
    assert frames[4]["lat"] == 52.37


def test_typing_is_a_frame_followed_by_a_real_pause(client):
    c = client()
    c.hello()
    c.recv()
    c.send({"type": "message", "id": "s", "text": "slow"})
    typing = c.recv()
    assert typing["type"] == "typing" and typing["seconds"] == 1.0
    started = time.monotonic()
    said = c.recv()
    assert said["text"] == "Slowly said." and time.monotonic() - started >= 0.9


def test_close_frame_after_the_conversation_closes(client):
    c = client()
    c.hello()
    c.recv()
    frames = c.turn({"type": "message", "id": "z", "text": "bye"})
    assert text_of(frames) == ["Goodbye."]
    assert c.recv() == {"type": "close"}


def test_a_lone_surrogate_in_a_frame_is_refused_and_the_socket_goes_on(client):
    """`"\\ud800"` decodes to a lone surrogate: echoed in an ack or error it could not be sent, and
    the socket's writer stopped for good. Such a frame is refused whole, without its id."""
    c = client()
    c.send('{"type": "hello", "v": 1, "session_id": "\\ud800", "token": "x"}')
    refused = c.recv()
    assert refused["type"] == "error" and refused["code"] == "bad_json" and "surrogate" in refused["message"]
    c.hello()
    c.recv()
    for raw in ('{"type": "message", "id": "a\\ud800", "text": "hi"}', '{"type": "message\\udfff", "id": "b"}',
                '{"type": "message", "id": "c", "text": "hi", "\\ud800": 1}'):
        c.send(raw)
        refused = c.recv()
        assert refused["type"] == "error" and refused["code"] == "bad_json" and "id" not in refused
    frames = c.turn({"type": "message", "id": "d", "text": "still here"})
    assert frames[-1] == {"type": "ack", "id": "d"} and text_of(frames) == ["You said: still here"]


@pytest.mark.parametrize("last_seq", [5, 10 ** 30])
def test_a_last_seq_beyond_what_was_sent_is_read_as_everything_sent(client, last_seq):
    """Found by the server probe: `hello {last_seq}` was taken as given — on a new conversation
    its first frames were never sent, and a huge number failed the hello."""
    c = client()
    c.send({"type": "hello", "v": 1, "last_seq": last_seq})
    assert c.recv()["type"] == "welcome"
    assert c.recv() == {"type": "text", "text": "Hello from the server bot!", "seq": 1}
    assert text_of(c.turn({"type": "message", "id": "m1", "text": "one"})) == ["You said: one"]


def test_an_upload_question_is_not_answered_by_a_record_claiming_a_file(client):
    """Found by the server probe: `submit {name, type, size}` answered an upload question with a
    file that was never sent."""
    c = client()
    c.hello()
    c.recv()
    c.turn({"type": "message", "id": "u", "text": "cv"})
    c.send({"type": "submit", "id": "s", "data": {"name": "cv.pdf", "type": "application/pdf", "size": 10}})
    refused = c.until("error")
    assert refused[-1]["code"] == "rejected" and refused[-1]["id"] == "s"
    assert "file frame" in refused[-1]["message"].replace("`", "")
    data = base64.b64encode(b"%PDF-1.4 hello").decode()
    frames = c.turn({"type": "file", "id": "f", "name": "cv.pdf", "mime": "application/pdf", "base64": data})
    assert text_of(frames) == ["Got cv.pdf"]  # the question was still open
