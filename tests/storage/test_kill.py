"""Kill -9 against the SQLite store (SPEC §14, reliability.md DUR-1).

A child process plays 1 000 turns over 100 conversations through the store API, printing
`ACK id n` only after each commit returned. It is killed with SIGKILL at random moments (after a
random number of acks, or at a random time after start, which may land in start-up or schema
creation) at least 20 times and restarted. After every kill: the database is intact, every
acknowledged turn is stored, and no conversation is half-applied (state, transcript length, user
records and timers all agree). At the end the states equal those of an unkilled run.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bubble_lang.storage import MemoryStore, SqliteStore

from .conftest import worker_command, worker_env
from .workers import USERS, digest_after, kill_plan, play_turn, user_of

pytestmark = pytest.mark.stress

SEED = 20240305
KILLS = 24


def test_kill_9_loses_no_acknowledged_turn(tmp_path: Path):
    db = tmp_path / "kill.sqlite"
    chooser = random.Random(SEED)
    acked: set[tuple[str, int]] = set()
    kills = runs = 0
    finished = False
    while not finished:
        runs += 1
        assert runs < 200, "the worker never finished"
        worker = subprocess.Popen(worker_command("kill", str(db), str(SEED)), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=worker_env())
        if kills < KILLS and chooser.random() < 0.2:
            # anywhere, start-up included; short: a worker plays hundreds of turns a second once up, and
            # a run that gets to its end before enough kills landed proves less
            time.sleep(chooser.uniform(0.0, 0.12))
            worker.kill()
        elif kills < KILLS:
            wanted = chooser.randint(1, 40)
            seen = 0
            while seen < wanted and (line := worker.stdout.readline()):
                seen += line.startswith("ACK ")
                acked.update(parse_acks(line))
            time.sleep(chooser.uniform(0.0, 0.003))
            worker.kill()
        out, err = worker.communicate(timeout=60)  # acks printed before the kill landed count too
        acked.update(parse_acks(out))
        if worker.returncode == -9:
            kills += 1
        else:
            assert worker.returncode == 0, err
            finished = "DONE" in out
        check_consistent(db, acked)
    assert kills >= 20
    assert_equal_to_an_unkilled_run(db)


def parse_acks(text: str) -> set[tuple[str, int]]:
    found = set()
    for line in text.splitlines():
        if line.startswith("ACK "):
            _, conversation, turn = line.split()
            found.add((conversation, int(turn)))
    return found


def check_consistent(db: Path, acked: set[tuple[str, int]]) -> None:
    if not db.exists():
        assert not acked
        return
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = SqliteStore(db)
    try:
        revisions = {}
        for conversation in store.list_conversations():
            loaded = store.load(conversation)
            revision = loaded.revision
            revisions[conversation] = revision
            entries = store.transcript(conversation)
            assert [e.seq for e in entries] == list(range(1, revision + 1))
            assert [e.message_id for e in entries] == [f"{conversation}:{n}" for n in range(1, revision + 1)]
            assert loaded.state["count"] == revision
            assert loaded.state["digest"] == digest_after(conversation, revision)
            assert [t.timer_id for t in store.timers_of(conversation)] == [f"{conversation}/{revision}"]
        for conversation, turn in acked:
            assert revisions.get(conversation, 0) >= turn, f"acknowledged turn {conversation}:{turn} is lost"
        for number in range(USERS):
            user = f"u{number}"
            record = store.load_user("kill", user)
            mine = {c: r for c, r in revisions.items() if user_of(c) == user}
            assert record.get("turns", 0) == sum(mine.values())
            assert {key: value for key, value in record.items() if key != "turns"} == mine
    finally:
        store.close()


def assert_equal_to_an_unkilled_run(db: Path) -> None:
    reference = MemoryStore()
    for conversation, turn in kill_plan(SEED):
        assert play_turn(reference, conversation, turn)
    store = SqliteStore(db)
    try:
        assert store.list_conversations() == reference.list_conversations()
        for conversation in reference.list_conversations():
            assert store.load(conversation) == reference.load(conversation)
            assert ([(e.seq, e.message_id, e.input, e.outputs) for e in store.transcript(conversation)]
                    == [(e.seq, e.message_id, e.input, e.outputs) for e in reference.transcript(conversation)])
            assert store.timers_of(conversation) == reference.timers_of(conversation)
        for number in range(USERS):
            assert store.load_user("kill", f"u{number}") == reference.load_user("kill", f"u{number}")
    finally:
        store.close()
