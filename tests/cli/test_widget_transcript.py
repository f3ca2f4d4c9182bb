"""Widgets and content in `bubble run`'s piped mode: the plain, documented text form (a snapshot)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pendulum

from bubble_lang.cli.piped import run_piped
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.storage import MemoryStore

BOT = Path(__file__).resolve().parent / "bots" / "terminal_widgets.bot"
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")
LINES = [
    "/save",  # the download, beside the bot
    "/save",  # again: a new name, never an overwrite
    "1 4",  # 4 is not an item: sent as typed, the server says why
    "3, 1",
    "",  # Enter: the default, 1
    "quat",  # a unique prefix
    "soon",  # not a duration: the server asks again
    "1h 30m",
    "first line\\nsecond line",
    "1234",
    "2",
]


def play(tmp_path: Path) -> str:
    runner = Runner(load_bot(BOT), MemoryStore(), clock=lambda: NOW)
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO("".join(line + "\n" for line in LINES))
    asyncio.run(run_piped(runner, "piped", stdin, out, err, fast=True, bot_dir=tmp_path))
    return out.getvalue() + (("--- stderr ---\n" + err.getvalue()) if err.getvalue() else "")


def test_piped_transcript(tmp_path, snapshot):
    text = play(tmp_path)
    assert text == snapshot
    assert (tmp_path / ".bubble" / "downloads" / "order.txt").read_text(encoding="utf-8") == "two pizzas\n"
    assert (tmp_path / ".bubble" / "downloads" / "order-1.txt").exists()
    assert "1234" not in text  # the secret is never echoed
