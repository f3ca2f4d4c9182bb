"""`open_store`: the default place, `BUBBLE_STORE`, clear errors for bad or unreachable stores,
and the SQLite settings in force (reliability.md DUR-3)."""

from __future__ import annotations

import socket

import sqlite3
from pathlib import Path

import pytest

from bubble_lang.diagnostics import BubbleUsageError
from bubble_lang.render.full import render_full
from bubble_lang.storage import MemoryStore, RedisStore, SqliteStore, StoreError, StoreUnavailable, open_store



def test_the_default_is_sqlite_beside_the_bot(tmp_path: Path):
    bot = tmp_path / "shop.bot"
    bot.write_text('dialog main do\n  say "hi"\nend\n', encoding="utf-8")
    for where in (bot, tmp_path):
        for url in (None, "sqlite", "sqlite://"):
            store = open_store(url, where, environ={})
            assert isinstance(store, SqliteStore) and store.path == tmp_path / ".bubble" / "state.sqlite"
            store.close()
    assert (tmp_path / ".bubble" / "state.sqlite").exists()


def test_an_explicit_path_and_durability(tmp_path: Path):
    store = open_store(f"sqlite://{tmp_path}/x/state.db?durability=full", tmp_path, environ={})
    assert store.path == tmp_path / "x" / "state.db"
    assert store.pragmas() == {"journal_mode": "wal", "synchronous": "full", "busy_timeout_ms": 5000}
    store.close()
    store = open_store(f"sqlite://{tmp_path}/x/state.db", tmp_path, environ={})
    assert store.pragmas()["synchronous"] == "normal"
    store.close()


def test_bubble_store_is_honoured_and_an_explicit_url_wins(tmp_path: Path, redis_url: str):
    assert isinstance(open_store(None, tmp_path, environ={"BUBBLE_STORE": "memory"}), MemoryStore)
    store = open_store(None, tmp_path, environ={"BUBBLE_STORE": redis_url})
    assert isinstance(store, RedisStore)
    store.close()
    assert isinstance(open_store("memory", tmp_path, environ={"BUBBLE_STORE": redis_url}), MemoryStore)


@pytest.mark.parametrize("url, message, hint", [
    ("reddis://localhost:6379/0", "unknown store `reddis://localhost:6379/0` in --store", "did you mean `redis`?"),
    ("postgres://db/bubble", "unknown store `postgres://db/bubble` in --store", "use `sqlite`"),
    ("sqlite:/tmp/x", "unknown store `sqlite:/tmp/x`", "use `sqlite`"),
    ("memory://here", "the memory store takes no path", "use `sqlite`"),
    ("sqlite:///tmp/x.db?durable=yes", "unknown SQLite store option `durable`", "`?durability=full`"),
    ("sqlite:///tmp/x.db?durability=max", "`durability` must be `normal` or `full`", "power loss"),
    ("redis://localhost:abc/0", "bad port in Redis URL", "redis://host:port/db"),
    ("redis://localhost:6379/zero", "bad Redis URL", "redis://localhost:6379/0"),
    ("redis:///0", "bad Redis URL", "redis://host:port/db"),
])
def test_a_bad_store_url_is_a_clear_usage_error(tmp_path: Path, url: str, message: str, hint: str):
    with pytest.raises(BubbleUsageError) as caught:
        open_store(url, tmp_path, environ={})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "B560" and message in diagnostic.message and hint in diagnostic.hint
    text = render_full([diagnostic])
    assert text.startswith("error[B560]") and "Traceback" not in text


def test_a_bad_bubble_store_names_the_variable(tmp_path: Path):
    with pytest.raises(BubbleUsageError, match="in BUBBLE_STORE"):
        open_store(None, tmp_path, environ={"BUBBLE_STORE": "mongo://x"})


def test_an_unreachable_redis_is_store_unavailable(tmp_path: Path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"redis://user:secret@127.0.0.1:{port}/0"
    with pytest.raises(StoreUnavailable) as caught:
        open_store(url, tmp_path, environ={}, connect_seconds=1)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "B561" and "cannot reach Redis" in diagnostic.message
    assert "secret" not in diagnostic.message


def test_an_unusable_sqlite_path_is_store_unavailable(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(StoreUnavailable, match="cannot open the SQLite store"):
        open_store(f"sqlite://{blocker}/state.sqlite", tmp_path, environ={})
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable):
        open_store(f"sqlite://{garbage}", tmp_path, environ={})


def test_a_store_laid_out_by_a_newer_bubble_is_refused(tmp_path: Path, redis_url: str):
    path = tmp_path / "state.sqlite"
    open_store(f"sqlite://{path}", tmp_path, environ={}).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite://{path}", tmp_path, environ={})
    assert caught.value.diagnostics[0].code == "B565" and "schema 99" in caught.value.diagnostics[0].message
    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
        client.set("bubble:schema", 99)
        with pytest.raises(StoreError, match="schema 99"):
            open_store(redis_url, tmp_path, environ={})
        client.flushdb()
