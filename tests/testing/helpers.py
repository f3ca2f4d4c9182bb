"""Helpers for the conversation-test tests: a bot and its tests from inline text."""

from __future__ import annotations

from pathlib import Path

from bubble_lang.testing.driver import TestOutcome, run_test
from bubble_lang.testing.report import render_failure
from bubble_lang.testing.suite import load_files
from bubble_lang.frontend import discover_bots

ROOT = Path(__file__).resolve().parents[2]


def write_bot(folder: Path, bot: str, tests: str, name: str = "shop") -> Path:
    """`folder/name.bot` and `folder/name.test.bot`; returns the bot path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.bot"
    path.write_text(bot, encoding="utf-8")
    (folder / f"{name}.test.bot").write_text(tests, encoding="utf-8")
    return path


def run_all(folder: Path, bot: str, tests: str) -> dict[str, TestOutcome]:
    """Every test of the bot, by title; a bot that does not compile fails the calling test."""
    path = write_bot(folder, bot, tests)
    loaded = load_files(next(iter(discover_bots(path))))
    assert loaded.bot is not None, [d.message for d in loaded.diagnostics]
    return {entry.title: run_test(loaded.bot, entry) for entry in loaded.tests}


def failure_text(outcome: TestOutcome) -> str:
    return render_failure(outcome)
