"""Kill -9 against a real bot on SQLite (SPEC §14): the engine, not just the store.

A child process plays 1,000 turns of a counting bot over 100 conversations through
`DurableConversation` (lock, load, VM turn, one commit, then ACK). It is killed with SIGKILL at
random moments at least 20 times and restarted. After every kill, every acknowledged turn is in the
store and no conversation is half-applied (the bot's counter equals the transcript's length); at
the end every conversation's replies equal those of an unkilled run.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bubble_lang.storage import open_store

from .conftest import worker_env

pytestmark = pytest.mark.stress

HERE = Path(__file__).resolve().parent
BOT = 'dialog main do\n  count = 0\nend\n\ndialog trigger: "tick" do\n  count = count + 1\n  say "tick #{count}"\nend\n'
CONVERSATIONS, TURNS, KILLS = 100, 10, 20


def worker(bot: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(HERE / "bot_worker.py"), str(bot), str(db), str(CONVERSATIONS),
                             str(TURNS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env())


def acks(text: str) -> set[tuple[str, int]]:
    found = set()
    for line in text.splitlines():
        if line.startswith("ACK "):
            _, cid, turn, _reply = line.split(" ", 3)
            found.add((cid, int(turn)))
    return found


def stored_counts(db: Path, folder: Path) -> dict[str, tuple[int, list[str]]]:
    store = open_store(f"sqlite:///{db}", folder)
    try:
        result = {}
        for cid in store.list_conversations():
            stored = store.load(cid)
            count = (stored.state or {}).get("globals", {}).get("count") or 0
            replies = [o.get("text") for entry in store.transcript(cid) for o in entry.outputs
                       if o.get("kind") == "text"]
            result[cid.split("/", 1)[1]] = (count, replies)  # stored as `counter/c000`
        return result
    finally:
        store.close()


def test_kill_9_with_a_real_bot(tmp_path: Path):
    bot = tmp_path / "counter.bot"
    bot.write_text(BOT, encoding="utf-8")
    db = tmp_path / "state.sqlite"
    chooser = random.Random(7)
    acked: set[tuple[str, int]] = set()
    kills = runs = 0
    finished = False
    while not finished:
        runs += 1
        assert runs < 200, "the worker never finished"
        child = worker(bot, db)
        if kills < KILLS:
            wanted = chooser.randint(1, 60)
            seen = 0
            while seen < wanted and (line := child.stdout.readline()):
                seen += line.startswith("ACK ")
                acked |= acks(line)
            time.sleep(chooser.uniform(0.0, 0.004))
            child.kill()
        out, err = child.communicate(timeout=120)
        acked |= acks(out)
        if child.returncode == -9:
            kills += 1
        else:
            assert child.returncode == 0, err
            finished = "DONE" in out
        state = stored_counts(db, tmp_path)
        for cid, turn in acked:
            assert state[cid][0] >= turn, f"acknowledged turn {cid} #{turn} was lost"
        for cid, (count, replies) in state.items():
            # Half-applied would show as a counter and a transcript that disagree.
            assert replies == [f"tick {n}" for n in range(1, count + 1)], cid
    assert kills >= KILLS
    final = stored_counts(db, tmp_path)
    assert len(final) == CONVERSATIONS
    assert all(count == TURNS for count, _ in final.values())
