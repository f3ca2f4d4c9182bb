"""Webhook calls with the secret but of shapes Telegram never sends (found by the server probe:
some answered 500): each gets 200 (not played; Telegram would otherwise send it again forever)
or 400, never 500, and the chat is served normally afterwards."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.messengers.test_telegram_webhook import GALLERY

_CHAT = {"id": 4242, "type": "private"}
SHAPES = [
    {"message": "x"},
    {"message": {"chat": "x", "text": "hi"}},
    {"message": {"chat": {"id": {"a": 1}}, "text": "hi"}},
    {"message": {"chat": {"id": 1.5}, "text": "hi"}},
    {"message": {"chat": {"id": True}, "text": "hi"}},
    {"message": {"chat": {"id": 10 ** 30}, "text": "hi"}},
    {"message": {"chat": {"id": "x" * 5000}, "text": "hi"}},
    {"message": {"chat": _CHAT, "text": 7}},
    {"message": {"chat": _CHAT, "text": ["a"]}},
    {"message": {"chat": _CHAT, "text": "hi", "from": "x"}},
    {"message": {"chat": _CHAT, "text": "hi", "message_id": "x", "date": "y"}},
    {"message": {"chat": _CHAT, "text": "\ud800"}},
    {"message": {"chat": _CHAT, "photo": "x"}},
    {"message": {"chat": _CHAT, "photo": [1, None]}},
    {"message": {"chat": _CHAT, "photo": [{"file_id": 5, "width": "a"}]}},
    {"message": {"chat": _CHAT, "photo": []}},
    {"message": {"chat": _CHAT, "location": {"latitude": "a", "longitude": None}}},
    {"message": {"chat": _CHAT, "location": {"latitude": 1e999, "longitude": 5}}},
    {"message": {"chat": _CHAT, "location": "here"}},
    {"message": {"chat": _CHAT, "document": {"file_id": None, "mime_type": 5, "file_size": "big"}}},
    {"message": {"chat": _CHAT, "voice": []}},
    {"message": {"chat": _CHAT, "contact": {"phone_number": 5}}},
    {"callback_query": "x"},
    {"callback_query": {"id": 1, "data": 5, "message": {"chat": _CHAT}}},
    {"callback_query": {"id": "q", "data": "x" * 100_000, "message": {"chat": _CHAT}}},
    {"callback_query": {"id": "q", "data": "1", "message": {"chat": _CHAT, "reply_markup": "x"}}},
    {"callback_query": {"id": "q", "data": "1", "message": {"chat": _CHAT,
                                                            "reply_markup": {"inline_keyboard": [[5], "x"]}}}},
    {"edited_message": {"chat": _CHAT, "text": "hi"}},
]


def _greeted(telegram):
    """A chat served by webhook, past its greeting; the headers of a call that has the secret."""
    user = telegram(GALLERY, mode="webhook")
    user.say("/start")
    user.sees("Hello from the gallery")
    return user, user.server.telegram, {"X-Telegram-Bot-Api-Secret-Token": user.server.telegram.secret_token}


@pytest.mark.parametrize("update_id", [10 ** 30, -5])
def test_odd_update_ids_are_not_a_server_error(telegram, bot_api, update_id):
    user, interface, good = _greeted(telegram)
    answer = httpx.post(interface.url, headers=good, json={"update_id": update_id, "message": {
        "chat": {"id": user.chat_id, "type": "private"}, "text": "int", "message_id": 1, "date": 0}})
    assert answer.status_code in (200, 400), answer.text


def test_shapes_telegram_never_sends_get_200_or_400_never_500(telegram, bot_api, caplog):
    user, interface, good = _greeted(telegram)
    statuses = {}
    for index, shape in enumerate(SHAPES):
        body = json.dumps({"update_id": 50_000 + index, **shape})  # \u escapes: a lone surrogate too
        answer = httpx.post(interface.url, headers={**good, "Content-Type": "application/json"}, content=body,
                            timeout=30)
        statuses[index] = answer.status_code
    assert {index: status for index, status in statuses.items() if status not in (200, 400)} == {}
    failures = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert failures == []  # each was refused or ignored on purpose, none failed inside bubble
    user.say("int")
    user.sees("How many?")
