"""SQLite specifics: waiting for another process's write transaction is bounded by busy_timeout."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

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
        turn.commit({"version": 1}, [])
    store.close()
