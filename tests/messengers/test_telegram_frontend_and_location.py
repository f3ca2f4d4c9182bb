"""On Telegram: `user.frontend` (and in the terminal; the socket and the API: tests/serve/test_frontend.py), and a
location question's share-location button."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.serve.test_frontend import BOT


def test_telegram_and_the_terminal(tmp_path, telegram, bot_api):
    bot = tmp_path / "fe.bot"
    bot.write_text(BOT)
    user = telegram(bot)
    user.say("/start")
    user.sees("via telegram")
    shown = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--store", "memory", str(bot)], input="",
                           capture_output=True, text=True, timeout=60)
    assert shown.stdout.splitlines()[0] == "via terminal"


def test_a_location_question_offers_telegrams_share_location_button(tmp_path, telegram, bot_api):
    bot = tmp_path / "where.bot"
    bot.write_text('dialog main do\n  ask "Where are you?", expecting: :location\n  say "At #{answer.lat}"\nend\n')
    user = telegram(bot)
    user.say("/start")
    user.sees("Where are you?")
    (asked,) = [call for call in bot_api.calls_of("sendMessage") if call.params.get("text") == "Where are you?"]
    markup = asked.params["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    assert markup["keyboard"] == [[{"text": "Send my location", "request_location": True}]]
    bot_api.inject_location(user.chat_id, 52.37, 4.89)
    user.sees("At 52.37")
