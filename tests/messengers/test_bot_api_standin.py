"""The Bot API stand-in itself, driven over real HTTP by an httpx client, as a bot would drive
Telegram: long polling, offsets, the body encodings, uploads and downloads, Telegram's checks,
faults, the call log. One server serves the module (`reset()` between tests), because stopping
uvicorn takes about 0.2 s; the tests of starting and stopping make their own."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.messengers.bot_api_standin import BotApiStandIn

CHAT = 7
KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]]}


@pytest.fixture(scope="module")
def server() -> Iterator[BotApiStandIn]:
    with BotApiStandIn() as standin:
        yield standin


@pytest.fixture
def api(server: BotApiStandIn) -> BotApiStandIn:
    server.reset()
    return server


@pytest.fixture
def client(api: BotApiStandIn) -> Iterator[httpx.Client]:
    """Calls go to `{base_url}/bot{token}/<method>`."""
    with httpx.Client(base_url=f"{api.base_url}/bot{api.token}/", timeout=5) as http:
        yield http


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True
    return body["result"]


def refused(response: httpx.Response, status: int, description: str) -> dict[str, Any]:
    body = response.json()
    assert (response.status_code, body["ok"], body["error_code"], body["description"]) == \
        (status, False, status, description)
    return body


def update_ids(client: httpx.Client, **params: Any) -> list[int]:
    return [update["update_id"] for update in ok(client.post("getUpdates", json=params))]


def wait_until_polling(api: BotApiStandIn) -> None:
    """Until a getUpdates is waiting on the stand-in (logged, not answered yet)."""
    deadline = time.monotonic() + 2
    while not any(call.status is None for call in api.calls_of("getUpdates")):
        assert time.monotonic() < deadline, "no getUpdates is waiting"
        time.sleep(0.005)


def after(seconds: float, action: Any) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


# ---------------------------------------------------------------------- routes and tokens
def test_get_me_by_get_or_post_in_any_case(api: BotApiStandIn, client: httpx.Client) -> None:
    me = {"id": 42, "is_bot": True, "first_name": "StandIn", "username": "standin_bot"}
    assert api.bot_user == me
    assert ok(client.get("getMe")) == me
    assert ok(client.post("GETME")) == me
    assert ok(client.post("deletewebhook")) is True


def test_unknown_method_and_path(api: BotApiStandIn, client: httpx.Client) -> None:
    refused(client.post("sendTelepathy"), 404, "Not Found: method not found")
    refused(httpx.get(f"{api.base_url}/nowhere"), 404, "Not Found")
    assert api.calls_of("sendTelepathy")[0].status == 404


def test_a_wrong_token_is_401(api: BotApiStandIn, client: httpx.Client) -> None:
    refused(httpx.post(f"{api.base_url}/bot999:WRONG/getMe"), 401, "Unauthorized")
    with api.wrong_token():
        refused(client.post("getMe"), 401, "Unauthorized")
        refused(httpx.get(f"{api.base_url}/file/bot{api.token}/photos/file_1.jpg"), 401, "Unauthorized")
    ok(client.post("getMe"))
    api.wrong_token()  # as a flag: on until reset
    refused(client.post("getMe"), 401, "Unauthorized")


# ---------------------------------------------------------------------- long polling
def test_a_long_poll_holds_until_an_update_arrives(api: BotApiStandIn, client: httpx.Client) -> None:
    timer = after(0.2, lambda: api.inject_text(CHAT, "/start now"))
    started = time.monotonic()
    updates = ok(client.post("getUpdates", json={"timeout": 2}))
    elapsed = time.monotonic() - started
    timer.join()
    assert 0.15 <= elapsed < 1.5
    message = updates[0]["message"]
    assert updates[0]["update_id"] == 1000
    assert (message["text"], message["chat"], message["from"]["is_bot"]) == \
        ("/start now", {"id": CHAT, "type": "private"}, False)
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_a_long_poll_without_updates_returns_empty_after_its_timeout(client: httpx.Client) -> None:
    started = time.monotonic()
    assert ok(client.get("getUpdates", params={"timeout": "0.3"})) == []
    assert time.monotonic() - started >= 0.29


def test_updates_come_again_until_an_offset_confirms_them(api: BotApiStandIn, client: httpx.Client) -> None:
    first, second, third = (api.inject_text(CHAT, text) for text in ("a", "b", "c"))
    assert update_ids(client) == [first, second, third]
    assert update_ids(client) == [first, second, third]  # not confirmed: delivered again
    assert (api.pending(), api.confirmed_offset) == (3, 0)
    assert update_ids(client, offset=second) == [second, third]
    assert (api.pending(), api.confirmed_offset) == (2, second)
    assert update_ids(client, offset=third + 1) == []
    assert update_ids(client, offset=first) == []  # confirmed updates are gone for good
    assert api.pending() == 0
    api.wait_confirmed(third, timeout=0.1)


def test_limit_and_negative_offset(api: BotApiStandIn, client: httpx.Client) -> None:
    ids = [api.inject_text(CHAT, str(n)) for n in range(5)]
    assert update_ids(client, limit=2) == ids[:2]
    assert update_ids(client, limit=0) == ids[:1]  # out of 1-100: clamped
    assert update_ids(client, limit=500, allowed_updates=["message"]) == ids
    assert update_ids(client, offset=-2) == ids[-2:]  # the last two; the others forgotten
    assert api.pending() == 2


def test_a_newer_poll_ends_a_waiting_one_with_409(api: BotApiStandIn, client: httpx.Client) -> None:
    answers: list[httpx.Response] = []
    waiting = threading.Thread(target=lambda: answers.append(
        httpx.post(f"{api.base_url}/bot{api.token}/getUpdates", json={"timeout": 3}, timeout=5)))
    waiting.start()
    wait_until_polling(api)
    assert update_ids(client) == []
    waiting.join(2)
    refused(answers[0], 409, "Conflict: terminated by other getUpdates request; make sure that only one bot "
                             "instance is running")


def test_stop_ends_a_waiting_poll_at_once() -> None:
    standin = BotApiStandIn().start()
    answers: list[Any] = []
    waiting = threading.Thread(target=lambda: answers.append(ok(
        httpx.post(f"{standin.base_url}/bot{standin.token}/getUpdates", json={"timeout": 30}, timeout=35))))
    waiting.start()
    wait_until_polling(standin)
    started = time.monotonic()
    standin.stop()
    waiting.join(5)
    assert answers == [[]] and time.monotonic() - started < 2.5


# ---------------------------------------------------------------------- body encodings
def test_parameters_from_the_query_json_and_form(api: BotApiStandIn, client: httpx.Client) -> None:
    markup_text = json.dumps(KEYBOARD)
    by_query = ok(client.get("sendMessage", params={"chat_id": str(CHAT), "text": "q", "reply_markup": markup_text}))
    by_json = ok(client.post("sendMessage", json={"chat_id": CHAT, "text": "j", "reply_markup": KEYBOARD}))
    by_form = ok(client.post("sendMessage", data={"chat_id": str(CHAT), "text": "[1, 2]",
                                                  "reply_markup": markup_text}))
    for message, text in ((by_query, "q"), (by_json, "j"), (by_form, "[1, 2]")):
        assert (message["text"], message["chat"], message["from"]["id"]) == (text, {"id": CHAT, "type": "private"}, 42)
        assert message["reply_markup"] == KEYBOARD
    assert [m["message_id"] for m in (by_query, by_json, by_form)] == [1, 2, 3]
    # the log keeps what was sent, with the JSON text of reply_markup decoded; a text stays a text
    assert [call.params for call in api.calls_of("sendMessage")][2] == \
        {"chat_id": str(CHAT), "text": "[1, 2]", "reply_markup": KEYBOARD}
    refused(client.post("sendMessage", content=b"{not json", headers={"content-type": "application/json"}),
            400, "Bad Request: can't parse JSON object")
    refused(client.post("sendMessage", data={"chat_id": "7", "text": "x", "reply_markup": "{oops"}),
            400, "Bad Request: can't parse reply keyboard markup JSON object")


def test_a_multipart_upload_is_stored_and_downloaded(api: BotApiStandIn, client: httpx.Client) -> None:
    data = b"%PDF-1.4\r\n--boundary-like\r\n\x00\xff" * 100
    sent = ok(client.post("sendDocument", data={"chat_id": str(CHAT), "caption": "the CV"},
                          files={"document": ("cv.pdf", data, "application/pdf")}))
    document = sent["document"]
    assert (sent["caption"], document["file_name"], document["mime_type"], document["file_size"]) == \
        ("the CV", "cv.pdf", "application/pdf", len(data))
    assert api.calls_of("sendDocument")[0].files == {"document": hashlib.sha256(data).hexdigest()}
    assert api.calls_of("sendDocument")[0].result == sent
    assert api.file_bytes(document["file_id"]) == data
    found = ok(client.post("getFile", json={"file_id": document["file_id"]}))
    assert found == {"file_id": document["file_id"], "file_unique_id": document["file_unique_id"],
                     "file_size": len(data), "file_path": found["file_path"]}
    assert found["file_path"].startswith("documents/") and found["file_path"].endswith(".pdf")
    download = httpx.get(f"{api.base_url}/file/bot{api.token}/{found['file_path']}")
    assert (download.status_code, download.content) == (200, data)
    refused(client.post("getFile", json={"file_id": "nope"}), 400, "Bad Request: invalid file_id")
    assert httpx.get(f"{api.base_url}/file/bot{api.token}/documents/nothing.pdf").status_code == 404


def test_photos_by_upload_file_id_or_url(api: BotApiStandIn, client: httpx.Client) -> None:
    uploaded = ok(client.post("sendPhoto", data={"chat_id": str(CHAT)},
                              files={"photo": ("p.jpg", b"JPEG", "image/jpeg")}))
    sizes = uploaded["photo"]
    assert [(size["width"], size["height"]) for size in sizes] == [(90, 67), (320, 240), (1280, 960)]
    assert api.file_bytes(sizes[-1]["file_id"]) == b"JPEG"
    assert api.file_bytes(sizes[0]["file_id"]) != b"JPEG"  # a smaller size is another file
    assert ok(client.post("sendPhoto", json={"chat_id": CHAT, "photo": sizes[-1]["file_id"]}))["photo"] == sizes
    assert len(ok(client.post("sendPhoto", json={"chat_id": CHAT, "photo": "https://example.org/a.jpg"}))["photo"]) == 3
    attached = ok(client.post("sendPhoto", data={"chat_id": str(CHAT), "photo": "attach://pic"},
                              files={"pic": ("p.jpg", b"JPEG2", "image/jpeg")}))
    assert api.file_bytes(attached["photo"][-1]["file_id"]) == b"JPEG2"
    refused(client.post("sendPhoto", json={"chat_id": CHAT, "photo": "made-up"}), 400,
            "Bad Request: wrong file identifier/HTTP URL specified")
    refused(client.post("sendPhoto", json={"chat_id": CHAT}), 400, "Bad Request: there is no photo in the request")
    document = ok(client.post("sendDocument", data={"chat_id": "7"}, files={"document": ("a.txt", b"A")}))["document"]
    refused(client.post("sendPhoto", json={"chat_id": CHAT, "photo": document["file_id"]}), 400,
            "Bad Request: can't use file of type Document as Photo")
    refused(client.post("sendPhoto", json={"chat_id": CHAT, "photo": sizes[-1]["file_id"], "caption": "c" * 1025}),
            400, "Bad Request: message caption is too long")


def test_voice_audio_video_location_and_chat_action(client: httpx.Client) -> None:
    voice = ok(client.post("sendVoice", data={"chat_id": "7", "duration": "3"}, files={"voice": ("v.ogg", b"OggS")}))
    assert (voice["voice"]["duration"], voice["voice"]["mime_type"]) == (3, "audio/ogg")
    audio = ok(client.post("sendAudio", data={"chat_id": "7"}, files={"audio": ("a.mp3", b"ID3")}))["audio"]
    video = ok(client.post("sendVideo", data={"chat_id": "7"}, files={"video": ("v.mp4", b"ftyp")}))["video"]
    assert (audio["mime_type"], video["mime_type"], video["width"]) == ("audio/mpeg", "video/mp4", 1280)
    sent = ok(client.post("sendLocation", data={"chat_id": "7", "latitude": "52.37", "longitude": "4.89"}))
    assert sent["location"] == {"latitude": 52.37, "longitude": 4.89}
    assert ok(client.post("sendChatAction", json={"chat_id": CHAT, "action": "typing"})) is True
    refused(client.post("sendChatAction", json={"chat_id": CHAT, "action": "dancing"}), 400,
            "Bad Request: wrong parameter action in request")
    refused(client.post("sendLocation", json={"chat_id": CHAT, "latitude": 1}), 400, "Bad Request: longitude is empty")


# ---------------------------------------------------------------------- injected updates
def test_injected_files_can_be_fetched_as_a_bot_would(api: BotApiStandIn, client: httpx.Client) -> None:
    api.inject_photo(CHAT, b"\xff\xd8photo", caption="look")
    api.inject_document(CHAT, b"%PDF", "cv.pdf", "application/pdf")
    api.inject_voice(CHAT, b"OggS", duration=2)
    api.inject_location(CHAT, 52.37, 4.89)
    api.inject_text(CHAT, "hello", user_id=99)
    photo, document, voice, location, text = (u["message"] for u in ok(client.post("getUpdates")))
    assert photo["caption"] == "look" and len({size["width"] for size in photo["photo"]}) == 3
    assert all(size["file_id"] for size in photo["photo"])
    path = ok(client.post("getFile", json={"file_id": photo["photo"][-1]["file_id"]}))["file_path"]
    assert path.startswith("photos/") and path.endswith(".jpg")
    assert httpx.get(f"{api.base_url}/file/bot{api.token}/{path}").content == b"\xff\xd8photo"
    assert (document["document"]["file_name"], document["document"]["mime_type"]) == ("cv.pdf", "application/pdf")
    assert api.file_bytes(document["document"]["file_id"]) == b"%PDF"
    assert (voice["voice"]["duration"], voice["voice"]["mime_type"]) == (2, "audio/ogg")
    assert location["location"] == {"latitude": 52.37, "longitude": 4.89}
    assert (text["from"]["id"], "entities" in text) == (99, False)


def test_a_generic_update_keeps_or_gets_its_id(api: BotApiStandIn, client: httpx.Client) -> None:
    assert api.inject_update({"update_id": 5000, "edited_message": {"text": "x"}}) == 5000
    assert api.inject_update({"my_chat_member": {}}) == 5001
    assert update_ids(client) == [5000, 5001]


def test_a_callback_query_and_the_edits_of_the_message(api: BotApiStandIn, client: httpx.Client) -> None:
    sent = ok(client.post("sendMessage", json={"chat_id": CHAT, "text": "Sure?", "reply_markup": KEYBOARD}))
    api.inject_callback(CHAT, "yes")
    query = ok(client.post("getUpdates"))[0]["callback_query"]
    assert (query["data"], query["message"]["message_id"], query["from"]["id"]) == ("yes", sent["message_id"], CHAT)
    assert query["id"] in api.callback_ids()
    assert ok(client.post("answerCallbackQuery", json={"callback_query_id": query["id"], "text": "ok"})) is True
    refused(client.post("answerCallbackQuery", json={"callback_query_id": query["id"]}), 400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid")
    chosen = {"inline_keyboard": [[{"text": "✓ Yes", "callback_data": "yes"}]]}
    edited = ok(client.post("editMessageReplyMarkup", json={"chat_id": CHAT, "message_id": sent["message_id"],
                                                            "reply_markup": chosen}))
    assert edited["reply_markup"] == chosen and "edit_date" in edited
    refused(client.post("editMessageReplyMarkup", json={"chat_id": CHAT, "message_id": sent["message_id"],
                                                        "reply_markup": chosen}), 400,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly "
            "the same as a current content and reply markup of the message")
    ok(client.post("editMessageText", json={"chat_id": CHAT, "message_id": sent["message_id"], "text": "Done"}))
    assert api.message(CHAT, sent["message_id"])["text"] == "Done"
    assert "reply_markup" not in api.message(CHAT, sent["message_id"])  # no markup given: removed
    refused(client.post("editMessageText", json={"chat_id": CHAT, "message_id": 999, "text": "x"}), 400,
            "Bad Request: message to edit not found")
    api.inject_callback(CHAT, "orphan", message_id=77)  # no such message: a minimal one of the bot
    assert ok(client.post("getUpdates", json={"offset": 1001}))[0]["callback_query"]["message"]["message_id"] == 77
    ok(client.post("editMessageReplyMarkup", json={"chat_id": CHAT, "message_id": 77, "reply_markup": KEYBOARD}))


# ---------------------------------------------------------------------- Telegram's checks
def test_callback_data_over_64_bytes_is_refused(client: httpx.Client) -> None:
    def keyboard(data: str) -> dict[str, Any]:
        return {"chat_id": CHAT, "text": "pick", "reply_markup": {"inline_keyboard": [[{"text": "a",
                                                                                        "callback_data": data}]]}}
    ok(client.post("sendMessage", json=keyboard("x" * 64)))
    for data in ("x" * 65, "é" * 33, ""):  # "é" * 33: 33 characters, 66 bytes
        refused(client.post("sendMessage", json=keyboard(data)), 400, "Bad Request: BUTTON_DATA_INVALID")


def test_markdown_v2_reserved_characters(client: httpx.Client) -> None:
    def send(text: str) -> httpx.Response:
        return client.post("sendMessage", json={"chat_id": CHAT, "text": text, "parse_mode": "MarkdownV2"})
    refused(send("Total: 5."), 400, "Bad Request: can't parse entities: Character '.' is reserved and must be "
                                    "escaped with the preceding '\\'")
    refused(send("a\\\\!"), 400, "Bad Request: can't parse entities: Character '!' is reserved and must be "
                                 "escaped with the preceding '\\'")  # an escaped backslash, then a bare "!"
    for fine in ("Total: 5\\.", "*bold* `a.b-c` [site](https://example.org/x.y)", "> a quote\n\\> not"):
        assert ok(send(fine))["text"] == fine
    assert ok(client.post("sendMessage", json={"chat_id": CHAT, "text": "5.", "parse_mode": "HTML"}))
    refused(client.post("sendMessage", json={"chat_id": CHAT, "text": "x", "parse_mode": "RTF"}), 400,
            "Bad Request: unsupported parse_mode")


def test_text_length_and_emptiness(client: httpx.Client) -> None:
    assert len(ok(client.post("sendMessage", json={"chat_id": CHAT, "text": "x" * 4096}))["text"]) == 4096
    refused(client.post("sendMessage", json={"chat_id": CHAT, "text": "x" * 4097}), 400,
            "Bad Request: message is too long")
    for text in ("", "   "):
        refused(client.post("sendMessage", json={"chat_id": CHAT, "text": text}), 400,
                "Bad Request: message text is empty")
    refused(client.post("sendMessage", json={"text": "hi"}), 400, "Bad Request: chat_id is empty")


# ---------------------------------------------------------------------- faults
def test_429_with_retry_after_then_success(api: BotApiStandIn, client: httpx.Client) -> None:
    api.fail_next("SENDMESSAGE", status=429, retry_after=3)
    body = refused(client.post("sendMessage", json={"chat_id": CHAT, "text": "hi"}), 429,
                   "Too Many Requests: retry after 3")
    assert body["parameters"] == {"retry_after": 3}
    ok(client.post("sendMessage", json={"chat_id": CHAT, "text": "hi"}))
    assert [call.status for call in api.calls_of("sendMessage")] == [429, 200]


def test_500_counts_down_and_other_methods_are_untouched(api: BotApiStandIn, client: httpx.Client) -> None:
    api.fail_next("getMe", times=2)
    api.fail_next("*", status=502, description="Bad Gateway")
    for _ in range(2):
        body = refused(client.post("getMe"), 500, "Internal Server Error")
        assert "parameters" not in body
    refused(client.post("deleteWebhook"), 502, "Bad Gateway")
    ok(client.post("getMe"))


def test_a_dropped_call_is_a_transport_error_to_httpx(api: BotApiStandIn, client: httpx.Client) -> None:
    api.drop_next("sendMessage")
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        client.post("sendMessage", json={"chat_id": CHAT, "text": "lost"})
    assert ok(client.post("sendMessage", json={"chat_id": CHAT, "text": "again"}))["text"] == "again"
    assert [(call.params["text"], call.status) for call in api.calls_of("sendMessage")] == [("lost", 0), ("again", 200)]


def test_a_slow_answer(api: BotApiStandIn, client: httpx.Client) -> None:
    api.slow_next("getMe", 0.3)
    started = time.monotonic()
    ok(client.post("getMe"))
    assert time.monotonic() - started >= 0.29
    started = time.monotonic()
    ok(client.post("getMe"))
    assert time.monotonic() - started < 0.25


# ---------------------------------------------------------------------- the call log
def test_the_call_log_and_waiting_for_calls(api: BotApiStandIn, client: httpx.Client) -> None:
    def bot() -> None:
        with httpx.Client(base_url=f"{api.base_url}/bot{api.token}/") as http:
            for n in range(3):
                time.sleep(0.05)
                http.post("sendMessage", json={"chat_id": CHAT, "text": f"m{n}"})
            http.post("sendChatAction", json={"chat_id": CHAT, "action": "typing"})

    worker = threading.Thread(target=bot)
    worker.start()
    calls = api.wait_for("sendmessage", count=3)
    assert [call.params["text"] for call in calls] == ["m0", "m1", "m2"]
    assert calls[0].at < calls[1].at < calls[2].at
    assert api.wait_for(lambda call: call.params.get("action") == "typing")[0].method == "sendChatAction"
    assert api.wait_for("sendMessage", where=lambda call: call.params["text"] == "m1")[0].result["text"] == "m1"
    worker.join()
    assert api.texts(CHAT) == ["m0", "m1", "m2"]
    assert [call.method for call in api.calls] == ["sendMessage"] * 3 + ["sendChatAction"]
    with pytest.raises(AssertionError, match=r"(?s)saw 0.*sendChatAction → 200"):
        api.wait_for("editMessageText", timeout=0.1)
    api.clear_calls()
    assert api.calls == [] and api.calls_of("sendMessage") == []


def test_wait_confirmed(api: BotApiStandIn, client: httpx.Client) -> None:
    update_id = api.inject_text(CHAT, "hi")
    with pytest.raises(AssertionError, match="confirm update 1000"):
        api.wait_confirmed(timeout=0.05)
    timer = after(0.1, lambda: client.post("getUpdates", json={"offset": update_id + 1}))
    api.wait_confirmed(timeout=2)
    timer.join()
    assert api.confirmed_offset == update_id + 1
