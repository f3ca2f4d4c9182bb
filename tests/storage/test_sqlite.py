"""SQLite specifics: waiting for another process's write transaction is bounded by busy_timeout."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bubble_lang.runtime.session import STATE_VERSION
from bubble_lang.storage import SqliteStore, StoreBusy


def test_a_database_locked_too_long_is_store_busy_not_a_hang(tmp_path: Path):
    path = tmp_path / "state.sqlite"
    store = SqliteStore(path, busy_seconds=0.2)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process sits on the write lock
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught, store.begin_turn("c", wait_seconds=0.1):
            pass
        assert time.monotonic() - started < 5
        message = caught.value.diagnostics[0].message
        assert caught.value.diagnostics[0].code == "B562" and message.startswith("the store is busy")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with store.begin_turn("c") as turn:  # and it recovers once the lock is gone
        turn.commit({"version": STATE_VERSION}, [])
    store.close()


RACE = """
import os, sys, time
from bubble_lang.runtime.session import STATE_VERSION
from bubble_lang.storage import open_store
path, go = sys.argv[1], sys.argv[2]
while not os.path.exists(go):
    time.sleep(0.0005)
store = open_store("sqlite:///" + path, os.path.dirname(path))
with store.begin_turn("x") as turn:
    turn.commit({"version": STATE_VERSION}, [])
store.close()
print("ok")
"""


def test_two_processes_can_open_a_fresh_store_at_once(tmp_path):
    """Regression: turning a new file to WAL reported a concurrent opener busy at once (about one
    start in six failed before `_journal_mode_wal` retried)."""
    import subprocess
    import sys
    import time

    from .conftest import worker_env

    for round_ in range(12):
        path, go = tmp_path / f"fresh{round_}.sqlite", tmp_path / f"go{round_}"
        openers = [subprocess.Popen([sys.executable, "-c", RACE, str(path), str(go)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=worker_env()) for _ in range(2)]
        time.sleep(0.25)  # both are waiting for the signal
        go.touch()
        for opener in openers:
            out, err = opener.communicate(timeout=60)
            assert out.strip() == "ok", err
