"""`bubble run` on the host: timers fire while the user is idle, `type`/`pause` really wait (not
with `--fast`), and a resumed conversation shows its pending question and choices again."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pendulum

from bubble_lang.cli.chat_session import ChatSession
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.storage import MemoryStore

ROOT = Path(__file__).resolve().parents[2]

REMINDER = '''
dialog main do
  say "Say go"
end

dialog trigger: "go" do
  type "2s"
  say "Reminding you in a second"
  pause 3
  emit "nudge", in: "1s"
end

dialog event: "nudge" do
  say "Nudge!"
end
'''


def test_a_timer_fires_while_the_user_is_idle_in_a_real_process(tmp_path):
    bot = tmp_path / "reminder.bot"
    bot.write_text(REMINDER, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "bubble_lang", "run", "--fast", "--store", "memory", str(bot)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=ROOT)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("go\n")
    process.stdin.flush()
    lines: list[str] = []
    deadline = time.monotonic() + 20
    while "Nudge!" not in lines:  # printed without any further input
        assert time.monotonic() < deadline, lines
        lines.append(process.stdout.readline().rstrip("\n"))
    process.stdin.close()
    process.wait(timeout=20)
    assert lines == ["Say go", "> go", "(typing 2s)", "Reminding you in a second", "(pause 3s)", "Nudge!"]


def session_for(text: str, tmp_path: Path, *, fast: bool):
    path = tmp_path / "bot.bot"
    path.write_text(text, encoding="utf-8")
    slept: list[float] = []
    shown: list[str] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    runner = Runner(load_bot(path), MemoryStore(),
                    clock=lambda: pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC"))
    session = ChatSession(runner, "c", lambda lines, kind: shown.extend(lines), io.StringIO(), fast=fast, sleep=sleep)
    return runner, session, slept, shown


def test_type_and_pause_really_wait_unless_fast(tmp_path):
    for fast, expected in ((False, [2.0, 3.0]), (True, [])):
        runner, session, slept, shown = session_for(REMINDER, tmp_path, fast=fast)

        async def main() -> None:
            async with runner:
                await session.begin()
                await session.user_line("go")

        asyncio.run(main())
        assert slept == expected
        assert shown[-3:] == ["(typing 2s)", "Reminding you in a second", "(pause 3s)"]


def test_a_resumed_conversation_asks_its_pending_question_again_with_its_choices(tmp_path):
    bot = tmp_path / "pizza.bot"
    shutil.copy(ROOT / "samples" / "pizza.bot", bot)

    def run(text: str) -> str:
        result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--fast", str(bot)], input=text,
                                capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("hi\npepperoni\n2\n")
    again = run("1\n")
    assert again.splitlines() == [
        "(conversation resumed; /restart starts over)",
        "So that is 2 x pepperoni. Shall I place the order? (yes/no)",
        "  [1] yes  [2] no",
        "> 1",
        "Your order is placed. Goodbye!",
    ]


def test_piped_mode_never_echoes_a_secret(tmp_path):
    bot = tmp_path / "secret.bot"
    bot.write_text('dialog main do\n  pw = ask "Password?", expecting: input_method("secret")\n  say "ok"\nend\n',
                   encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--fast", "--store", "memory", str(bot)],
                            input="hunter2\n/state\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "hunter2" not in result.stdout + result.stderr
    assert "> [redacted]" in result.stdout and '"pw": "[redacted]"' in result.stdout


def test_a_media_question_says_how_to_answer_it_from_the_terminal(tmp_path):
    bot = tmp_path / "media.bot"
    bot.write_text('dialog main do\n  ask "Selfie?", expecting: :image\n  say "got #{answer.url}"\n'
                   '  ask "Where?", expecting: [:location, :file]\n  say "at #{answer.lat}"\nend\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--fast", "--store", "memory", str(bot)],
                            input="/attachment image https://x.test/a.png\n/location 52.3 4.8\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Selfie?", "  (send it with /attachment image URL)"]
    assert "got https://x.test/a.png" in lines
    assert "  (send it with /location LAT LON or /attachment file URL)" in lines and "at 52.3" in lines


def test_a_resumed_media_question_says_it_again(tmp_path):
    bot = tmp_path / "media.bot"
    bot.write_text('dialog main do\n  ask "Selfie?", expecting: :image\nend\n', encoding="utf-8")
    command = [sys.executable, "-m", "bubble_lang", "run", "--fast", str(bot)]
    subprocess.run(command, input="", capture_output=True, text=True, cwd=ROOT, timeout=60)
    again = subprocess.run(command, input="", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert again.stdout.splitlines()[-2:] == ["Selfie?", "  (send it with /attachment image URL)"]
