"""The Bot API stand-in itself behaves as Telegram documents: long polls that hold, offsets that
confirm, redelivery until then, the three body encodings, files, and its refusals."""

from __future__ import annotations

import threading
import time

import httpx

from tests.messengers.bot_api_standin import BotApiStandIn


def _call(api: BotApiStandIn, method: str, **kwargs):
    return httpx.post(f"{api.base_url}/bot{api.token}/{method}", timeout=10, **kwargs).json()


def test_long_polls_hold_and_offsets_confirm(bot_api):
    threading.Timer(0.3, lambda: bot_api.inject_text(1, "hi")).start()
    started = time.monotonic()
    got = _call(bot_api, "getUpdates", json={"timeout": 3})["result"]
    assert 0.25 < time.monotonic() - started < 2.5 and got[0]["message"]["text"] == "hi"
    again = _call(bot_api, "getUpdates", json={"timeout": 0})["result"]
    assert [u["update_id"] for u in again] == [got[0]["update_id"]]  # not confirmed: delivered again
    assert _call(bot_api, "getUpdates", json={"offset": got[0]["update_id"] + 1})["result"] == []
    assert bot_api.pending() == 0
    empty_started = time.monotonic()
    assert _call(bot_api, "GETUPDATES", params={"timeout": "1"})["result"] == []  # any case, query params
    assert time.monotonic() - empty_started >= 0.9


def test_encodings_files_and_refusals(bot_api):
    sent = _call(bot_api, "sendMessage", data={"chat_id": "5", "text": "hi",
                                               "reply_markup": '{"inline_keyboard": [[{"text": "a", "callback_data": "x"}]]}'})
    assert sent["ok"] and sent["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    photo = _call(bot_api, "sendPhoto", data={"chat_id": "5"}, files={"photo": ("p.png", b"PNGDATA", "image/png")})
    file_id = photo["result"]["photo"][0]["file_id"]
    found = _call(bot_api, "getFile", json={"file_id": file_id})["result"]
    assert httpx.get(f"{bot_api.base_url}/file/bot{bot_api.token}/{found['file_path']}").content == b"PNGDATA"
    assert bot_api.calls_of("sendPhoto")[0].files["photo"]  # uploads logged by their hash
    too_long = _call(bot_api, "sendMessage", json={"chat_id": 5, "text": "x" * 4097})
    assert too_long == {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
    button = {"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33}]]}  # 66 bytes
    assert _call(bot_api, "sendMessage", json={"chat_id": 5, "text": "x", "reply_markup": button})["error_code"] == 400
    assert _call(bot_api, "sendMessage", json={"chat_id": 5, "text": "1.5", "parse_mode": "MarkdownV2"})[
        "error_code"] == 400
    assert _call(bot_api, "sendMessage", json={"chat_id": 5, "text": "1\\.5", "parse_mode": "MarkdownV2"})["ok"]
    wrong = httpx.post(f"{bot_api.base_url}/botWRONG/getMe")
    assert wrong.status_code == 401 and wrong.json()["description"] == "Unauthorized"


def test_faults(bot_api):
    bot_api.fail_next("getMe", 429, "Too Many Requests: retry after 3", retry_after=3)
    assert _call(bot_api, "getMe")["parameters"] == {"retry_after": 3}
    assert _call(bot_api, "getMe")["result"]["is_bot"]
    bot_api.drop_next("getMe")
    try:
        status = httpx.post(f"{bot_api.base_url}/bot{bot_api.token}/getMe").status_code
    except httpx.HTTPError:
        status = None  # the connection was closed without an answer
    assert status in (None, 500)
