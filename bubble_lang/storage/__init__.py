"""Durable conversation state (layer 8): the `Store` contract and its memory, SQLite and Redis
implementations (SPEC §14). The engine opens one with `open_store` and plays each turn as

    with store.begin_turn(conversation_id) as turn:   # per-conversation lock, state loaded
        ...run the VM on turn.state...
        turn.commit(new_state, outputs)                # one transaction; then deliver outputs

The backends are imported lazily, so a bot on SQLite never imports redis-py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import DEFAULT_LOCK_SECONDS, BaseStore, Store, StoredConversation, Timer, TranscriptEntry, Turn
from .codec import SCHEMA_VERSION, STATE_MIGRATIONS, migrate_state
from .errors import CorruptState, StoreBusy, StoreError, StoreUnavailable, TurnConflict
from .urls import default_sqlite_path, open_store

if TYPE_CHECKING:
    from .memory_store import MemoryStore
    from .redis_store import RedisStore
    from .sqlite_store import SqliteStore


def __getattr__(name: str) -> Any:
    """`from bubble_lang.storage import SqliteStore` without importing every backend up front."""
    modules = {"MemoryStore": "memory_store", "SqliteStore": "sqlite_store", "RedisStore": "redis_store"}
    if name in modules:
        import importlib

        return getattr(importlib.import_module(f".{modules[name]}", __name__), name)
    raise AttributeError(name)


__all__ = [
    "DEFAULT_LOCK_SECONDS", "SCHEMA_VERSION", "STATE_MIGRATIONS", "BaseStore", "CorruptState", "MemoryStore",
    "RedisStore", "SqliteStore", "Store", "StoreBusy", "StoreError", "StoreUnavailable", "StoredConversation",
    "Timer", "TranscriptEntry", "Turn", "TurnConflict", "default_sqlite_path", "migrate_state", "open_store",
]
