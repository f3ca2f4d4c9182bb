"""The Telegram interface's rules, against the local Bot API stand-in: markdown and long text,
keyboards (toggles, removal, old taps), files in, the Bot API's faults (429, 500, dropped
connections, a refused token), redelivered updates, and kill -9 of `bubble serve` mid-turn."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.messengers.conftest import ROOT
from tests.serve.conftest import free_port

GALLERY = ROOT / "tests" / "webchat" / "gallery.bot"


def redrawn(bot_api, *marks: str) -> None:
    """Wait for a keyboard redrawn with every one of `marks` (`✓ Olives`, `✓2 Tea`)."""
    bot_api.wait_for("editMessageReplyMarkup",
                     where=lambda c: all(m in str(c.params.get("reply_markup")) for m in marks))


def olives_picked(user, bot_api) -> None:
    """The gallery greeted, its multi-choice question open, and Olives picked."""
    user.say("/start")
    user.sees("Hello from the gallery")
    user.say("multi")
    user.sees("Toppings?")
    user.tap("Olives")
    redrawn(bot_api, "✓ Olives")


def _bot(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "made.bot"
    path.write_text(body)
    return path


def test_markdown_goes_as_telegram_html_and_long_text_is_split(telegram, bot_api, tmp_path):
    long = " ".join(f"word{n}" for n in range(1200))  # about 9,000 characters
    bot = _bot(tmp_path, 'dialog main do\n  say "ready"\nend\n\n'
                         'dialog trigger: "md" do\n  show md("**Bold** <script>x</script> & [a](https://e.com) '
                         '[b](javascript:alert(1))")\nend\n\n'
                         f'dialog trigger: "long" do\n  say "{long}"\nend\n')
    user = telegram(bot)
    user.say("/start")
    user.sees("ready")
    user.say("md")
    html = bot_api.wait_for("sendMessage", where=lambda c: c.params.get("parse_mode") == "HTML")[0].params["text"]
    assert html.startswith("<b>Bold</b> &lt;script&gt;x&lt;/script&gt; &amp; <a href=\"https://e.com\">a</a>")
    assert "javascript" not in html.split("</a>", 1)[1].replace("[b](javascript:alert(1))", "") \
        and 'href="javascript' not in html
    user.say("long")
    parts = bot_api.wait_for("sendMessage", 3, where=lambda c: str(c.params.get("text", "")).startswith("word") or
                             " word" in str(c.params.get("text", ""))[:6])
    assert all(len(p.params["text"]) <= 4096 for p in parts)
    assert " ".join(p.params["text"] for p in parts).split() == long.split()  # nothing lost at the cuts


def test_multi_choice_toggles_done_and_old_taps(telegram, bot_api):
    user = telegram(GALLERY)
    olives_picked(user, bot_api)
    user.tap("Cheese")
    redrawn(bot_api, "✓ Cheese")
    buttons = user.keyboard_buttons()
    user.tap("Done")
    user.sees("Toppings: Cheese, Olives.")
    removed = bot_api.wait_for("editMessageReplyMarkup", where=lambda c: "reply_markup" not in c.params)
    assert removed  # the keyboard is gone once answered
    old = next(b["callback_data"] for b in buttons if b["text"] == "Done")
    tap = bot_api.inject_callback(user.chat_id, old)
    answer = bot_api.wait_for("answerCallbackQuery", where=lambda c: c.params.get("text"))
    assert answer[0].params["text"] == "That question was already answered."
    assert tap and user.shown().count("Toppings: Cheese, Olives.") == 1  # played nothing


def test_start_with_the_bots_name_opens_a_chat_and_a_forged_button_is_unknown(telegram, bot_api, caplog):
    """Groups send `/start@name_bot`: it was played as the first message (here: "I did not get
    that"). A callback with a digit Python reads but `int` does not (`²`) logged a traceback."""
    user = telegram(GALLERY)
    user.say("/start@gallery_bot")
    user.sees("Hello from the gallery")
    user.say("multi")
    user.sees("Toppings?")
    assert not any("did not get that" in text for text in user.shown())
    seq = next(b["callback_data"] for b in user.keyboard_buttons()).split(":")[1]
    with caplog.at_level(logging.WARNING):
        bot_api.inject_callback(user.chat_id, f"c:{seq}:\u00b2")
        answer = bot_api.wait_for("answerCallbackQuery", where=lambda c: c.params.get("text"))
    assert answer[0].params["text"] == "That button is not known."
    assert not any(record.exc_info for record in caplog.records)


def test_files_in_answer_uploads_or_arrive_as_attachments(telegram, bot_api):
    user = telegram(GALLERY)
    user.say("/start")
    user.sees("Hello from the gallery")
    bot_api.inject_photo(user.chat_id, b"\xff\xd8\xff" + b"j" * 500, caption="my cat")
    user.sees("A file called image.jpg of 503 bytes.")  # the largest size
    user.say("upload")
    user.sees("Your CV?")
    bot_api.inject_document(user.chat_id, b"%PDF" * 10, "cv.exe", "application/x-msdownload")
    user.sees("That type of file is not accepted; please upload one of: txt, pdf.")  # refused on the server
    bot_api.inject_document(user.chat_id, b"plain text CV", "cv.txt", "text/plain")
    user.sees("Got cv.txt of 13 bytes.")
    files = list((user.server.folder / ".bubble" / "uploads").glob("*"))
    assert [f.read_bytes() for f in files] == [b"plain text CV"]


def test_the_bot_api_failing_is_waited_out(telegram, bot_api):
    bot_api.fail_next("getUpdates", 429, "Too Many Requests: retry after 1", retry_after=1)
    bot_api.drop_next("getUpdates")
    bot_api.fail_next("getUpdates", 502, "Bad Gateway")
    user = telegram(GALLERY)
    user.say("/start")
    user.sees("Hello from the gallery", timeout=15)
    polls = bot_api.calls_of("getUpdates")
    assert polls[1].at - polls[0].at >= 0.9  # retry_after honoured
    bot_api.fail_next("sendMessage", 500)
    bot_api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    user.say("int")
    user.sees("How many?", timeout=15)
    assert sum(text.startswith("How many?") for text in user.shown()) == 1  # sent again until it went, once


def test_a_redelivered_update_is_played_once(telegram, bot_api):
    user = telegram(GALLERY)
    user.say("/start")
    user.sees("Hello from the gallery")
    update = {"update_id": 5000, "message": {"message_id": 1, "chat": {"id": user.chat_id, "type": "private"},
                                             "from": {"id": 1}, "date": 0, "text": "int"}}
    bot_api.inject_update(dict(update))
    user.sees("How many?")
    bot_api.inject_update(dict(update))  # Telegram sends it again (it was not confirmed in time)
    bot_api.inject_update({**update, "update_id": 5001, "message": {**update["message"], "text": "3"}})
    user.sees("Got 3.")
    assert sum(text.startswith("How many?") for text in user.shown()) == 1


def test_a_refused_token_stops_telegram_but_not_the_server(telegram, bot_api):
    bot_api.fail_next("getMe", 401, "Unauthorized")
    user = telegram(GALLERY)
    time.sleep(0.5)
    assert bot_api.calls_of("getUpdates") == []
    assert httpx.get(user.server.http_url + "/healthz").json()["status"] == "ok"


def test_kill_9_mid_turn_and_restart(bot_api, tmp_path):
    """`bubble serve --telegram` is killed while it plays a batch of updates, then started again:
    Telegram sends the unconfirmed updates again, and each is played exactly once."""
    bot = tmp_path / "counter.bot"
    bot.write_text('dialog main do\n  count = 0\n  say "ready"\nend\n\n'
                   'dialog trigger: "tick" do\n  count = count + 1\n  say "count #{count}"\nend\n')
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": bot_api.token, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "bubble_lang", "serve", str(bot), "--port", str(free_port()), "--telegram",
               "--telegram-api", bot_api.base_url, "--log-level", "warning"]

    def counts() -> list[int]:
        return [int(m.group(1)) for text in bot_api.texts(9) if (m := re.fullmatch(r"count (\d+)", text))]

    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        bot_api.inject_text(9, "/start")
        deadline = time.monotonic() + 30
        while "ready" not in bot_api.texts(9):
            assert time.monotonic() < deadline, "the bot never greeted"
            time.sleep(0.05)
        for _ in range(30):
            bot_api.inject_text(9, "tick")
        while len(counts()) < 5:
            assert time.monotonic() < deadline, "no ticks played"
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)  # in the middle of the batch
        server.wait(10)
        played_before = max(counts())
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=tmp_path)
        deadline = time.monotonic() + 60
        while 30 not in counts():
            assert time.monotonic() < deadline, f"after the restart the counts were {counts()}"
            time.sleep(0.05)
        time.sleep(0.5)  # anything played twice would show up as 31
        assert max(counts()) == 30 and sorted(set(counts())) == list(range(1, 31))
        assert played_before < 30
        assert bot_api.texts(9).count("ready") == 1  # the restart did not greet again
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)


def test_telegram_needs_a_token_and_a_real_api_url(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "TELEGRAM_BOT_TOKEN"}
    missing = subprocess.run([sys.executable, "-m", "bubble_lang", "serve", str(GALLERY), "--telegram"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2 and "TELEGRAM_BOT_TOKEN" in missing.stderr and "Traceback" not in missing.stderr
    wrong = subprocess.run([sys.executable, "-m", "bubble_lang", "serve", str(GALLERY), "--telegram",
                            "--telegram-api", "ftp://x"], capture_output=True, text=True, timeout=60,
                           env={**env, "TELEGRAM_BOT_TOKEN": "1:x"})
    assert wrong.returncode == 2 and "http(s) URL" in wrong.stderr


def test_toggles_picked_before_a_restart_are_kept(bot_api, tmp_path):
    """The picks of an open multi-choice question live in the keyboard the chat shows: a server
    restarted between the taps and Done reads them back from the tapped message (Telegram sends
    it with its markup), so nothing the user picked is lost; the ordered kind keeps the order."""
    from tests.messengers.conftest import TelegramUser
    from tests.serve.conftest import ServerThread
    from bubble_lang.messengers.telegram.long_polling import LongpollingInterface

    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "serve.bot").write_text(GALLERY.read_text())

    def start() -> TelegramUser:
        interface = LongpollingInterface(bot_api.token, attachments_directory=folder / "files", timeout=1,
                                         base_url=bot_api.base_url)
        return TelegramUser(bot_api, ServerThread(folder, telegram=interface).start(), 7)

    def restarted(user: TelegramUser) -> TelegramUser:
        user.server.stop()
        return start()

    user = start()
    try:
        olives_picked(user, bot_api)
        user = restarted(user)
        user.tap("Cheese")
        redrawn(bot_api, "✓ Cheese", "✓ Olives")
        user.tap("Done")
        user.sees("Toppings: Cheese, Olives.")
        user.say("ordered")
        user.sees("Rank these")
        user.tap("Juice")
        user.tap("Tea")
        redrawn(bot_api, "✓2 Tea")
        user = restarted(user)
        user.tap("Coffee")  # a third pick after the restart: ✓3
        redrawn(bot_api, "✓3 Coffee")
        user.tap("Done")
        user.sees("Ranked: Juice, Tea, Coffee.")
    finally:
        user.server.stop()


def test_the_token_never_reaches_the_log(telegram, bot_api, caplog):
    """httpx logs each request's URL at INFO, and a Bot API URL holds the token."""
    with caplog.at_level(logging.DEBUG):
        user = telegram(GALLERY)
        user.say("/start")
        user.sees("Hello from the gallery")
    assert "/bot<token>/" in caplog.text  # the request lines are there, the token is not
    assert bot_api.token not in caplog.text and bot_api.token.split(":")[1] not in caplog.text
