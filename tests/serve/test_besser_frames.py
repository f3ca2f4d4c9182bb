"""The output-to-frame mapping of the BESSER endpoint, without a socket (the shapes the socket
tests do not reach: tables without column names, confirm maps, captcha pictures, degraded
widgets, content with captions)."""

from __future__ import annotations

import base64
import io
import json

from bubble_lang.runtime.outputs import Output
from bubble_lang.serve.besser_frames import Question, ask_frames, content_frames, dataframe_message


def test_dataframe_without_names_and_with_repeated_names():
    assert json.loads(dataframe_message(None, [[1, "a"], [2, None]])) == {"0": {"0": 1, "1": 2},
                                                                           "1": {"0": "a", "1": None}}
    assert list(json.loads(dataframe_message(["x", "x"], [[1, 2]]))) == ["x", "x (2)"]
    assert dataframe_message(["x"], []) == '{"x": {}}'


def test_confirm_shows_its_map_as_a_dataframe_then_yes_no():
    output = Output(kind="ask", text="Is this right?", data={"widget": {"kind": "confirm", "data": {"Name": "Ann"}}})
    frames, question = ask_frames(output)
    assert frames == [{"action": "bot_reply_str", "message": "Is this right?"},
                      {"action": "bot_reply_dataframe", "message": '{"0": {"0": "Name"}, "1": {"0": "Ann"}}'},
                      {"action": "bot_reply_options", "message": '{"0": "Yes", "1": "No"}'}]
    assert question.translate("YES").text == "yes"


def test_captcha_picture_becomes_a_jpeg_image():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    output = Output(kind="ask", text="Type the characters.", data={"widget": {"kind": "captcha", "image": url}})
    frames, _ = ask_frames(output)
    assert [f["action"] for f in frames] == ["bot_reply_image", "bot_reply_str"]
    assert base64.b64decode(frames[0]["message"])[:3] == b"\xff\xd8\xff"
    assert frames[1]["message"] == "Type the characters.\n\n(type the characters in the picture)"


def test_upload_and_form_questions_in_words():
    upload = Output(kind="ask", text="Your CV?", data={"widget": {"kind": "upload", "types": ["pdf"], "max_size": 2000000}})
    assert ask_frames(upload)[0] == [{"action": "bot_reply_str", "message":
                                      "Your CV?\n\n(a file; pdf; at most 1.9 MB — attach it with the file upload)"}]
    form = Output(kind="ask", text="About you", data={"widget": {"kind": "form", "fields": [
        {"name": "age", "kind": "int"}]}})
    message = ask_frames(form)[0][0]["message"]
    assert message.startswith("About you\n\n(a form: age (int); answer with one JSON object")


def test_content_with_caption_and_loading_and_unknown_kinds():
    frames, _ = content_frames(Output(kind="show", data={"kind": "image", "url": "https://x.test/a b.png",
                                                         "caption": "A cat"}))
    assert frames == [{"action": "bot_reply_markdown", "message": "![image](https://x.test/a%20b.png)"},
                      {"action": "bot_reply_str", "message": "A cat"}]
    frames, _ = content_frames(Output(kind="show", data={"kind": "loading", "text": "Working", "progress": 50}))
    assert frames[0]["message"].endswith(" 50% Working")
    frames, _ = content_frames(Output(kind="show", data={"kind": "download", "name": "a.pdf", "url": "https://x.test/a.pdf"}))
    assert frames == [{"action": "bot_reply_markdown", "message": "[Download a.pdf](https://x.test/a.pdf)"}]


def test_event_buttons_send_their_event():
    frames, picks = content_frames(Output(kind="show", data={"kind": "buttons", "text": "Go", "buttons": [
        {"title": "Start", "event": "start", "payload": {"n": 1}}]}))
    assert frames[1] == {"action": "bot_reply_options", "message": '{"0": "Start"}'}
    question = Question(picks=picks)
    assert question.translate("start").event == "start" and question.translate("start").payload == {"n": 1}
    assert question.translate("other").text == "other"
