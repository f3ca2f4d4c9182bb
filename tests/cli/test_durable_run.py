"""`bubble run` keeps the conversation in SQLite by default: running the bot again continues it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bubble_run(bot: Path, text: str, *extra: str) -> str:
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", *extra, str(bot)], input=text,
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_second_run_continues_the_conversation(tmp_path):
    bot = tmp_path / "pizza.bot"
    shutil.copy(ROOT / "samples" / "pizza.bot", bot)
    first = bubble_run(bot, "hi\npepperoni\n")
    assert "How many pepperoni pizzas?" in first
    assert (tmp_path / ".bubble" / "state.sqlite").exists()
    second = bubble_run(bot, "2\n")
    assert second.startswith("(conversation resumed; /restart starts over)\nHow many pepperoni pizzas?")
    assert "So that is 2 x pepperoni." in second
    third = bubble_run(bot, "/restart\nhi\n")
    assert "(conversation restarted)" in third and "Welcome to Pizza Bot!" in third


def test_memory_store_forgets(tmp_path):
    bot = tmp_path / "pizza.bot"
    shutil.copy(ROOT / "samples" / "pizza.bot", bot)
    bubble_run(bot, "hi\n", "--store", "memory")
    assert not (tmp_path / ".bubble" / "state.sqlite").exists()


def test_corrupt_state_starts_afresh_and_keeps_the_data(tmp_path):
    bot = tmp_path / "pizza.bot"
    shutil.copy(ROOT / "samples" / "pizza.bot", bot)
    bubble_run(bot, "hi\n")
    database = tmp_path / ".bubble" / "state.sqlite"
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute("select name from sqlite_master where type='table'")]
        table = next(name for name in tables if "conversation" in name)
        columns = [row[1] for row in connection.execute(f"pragma table_info({table})")]
        state_column = next(name for name in columns if "state" in name)
        connection.execute(f"update {table} set {state_column} = ?", ("{not json",))
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", str(bot)], input="hi\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert "could not be read and starts afresh" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Welcome to Pizza Bot!" in result.stdout
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute("select name from sqlite_master where type='table'")]
        quarantine = next(name for name in tables if "quarantine" in name)
        assert connection.execute(f"select count(*) from {quarantine}").fetchone()[0] == 1


def test_bubble_toml_names_the_store_and_the_command_line_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("BUBBLE_STORE", raising=False)
    folder = tmp_path / "bot"
    folder.mkdir()
    shutil.copy(ROOT / "samples" / "pizza.bot", folder / "pizza.bot")
    custom = tmp_path / "kept" / "custom.sqlite"
    custom.parent.mkdir()
    (folder / "bubble.toml").write_text(f'[storage]\nurl = "sqlite:///{custom}"\n')
    bubble_run(folder, "hi\npepperoni\n")
    assert custom.exists() and not (folder / ".bubble" / "state.sqlite").exists()
    assert "So that is 2 x pepperoni." in bubble_run(folder, "2\n")  # resumed from the named store
    custom.unlink()
    bubble_run(folder, "hi\n", "--store", "memory")  # --store beats bubble.toml
    assert not custom.exists()
