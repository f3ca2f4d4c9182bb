"""`user.frontend` on Telegram and in the terminal (the socket and the API: tests/serve/test_frontend.py)."""

from __future__ import annotations

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
