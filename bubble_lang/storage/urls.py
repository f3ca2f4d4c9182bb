"""`open_store`: a store from `--store`, `BUBBLE_STORE` or the default (layer 8).

Input: a store URL or None, and the bot's directory. Output: an open `Store`, or a B560
`BubbleUsageError` naming what was wrong (never a traceback), or B561 when the place is right but
unreachable. Accepted forms:

    None, "sqlite", "sqlite://"    SQLite in `.bubble/state.sqlite` beside the bot
    "sqlite:///abs/path.sqlite"    SQLite at an absolute path ("sqlite://rel/path" is relative to the
                                   current directory); `?durability=full` gives synchronous=FULL
    "memory"                       in this process only
    "redis://host:port/db"         Redis (also rediss:// for TLS)

An explicit URL wins over `BUBBLE_STORE`, as a command-line option wins over the environment.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .base import BaseStore
from .errors import bad_store_url

DEFAULT_SQLITE = Path(".bubble") / "state.sqlite"
SCHEMES = ("sqlite", "memory", "redis", "rediss")
FORMS = "use `sqlite`, `sqlite:///path/state.sqlite`, `memory` or `redis://host:port/db`"


def default_sqlite_path(bot_dir: str | Path) -> Path:
    """`.bubble/state.sqlite` beside the bot (`bot_dir` may also be the `.bot` file itself)."""
    base = Path(bot_dir)
    if base.suffix == ".bot" or base.is_file():
        base = base.parent
    return base / DEFAULT_SQLITE


def open_store(url: str | None, bot_dir: str | Path, *, environ: Mapping[str, str] | None = None,
               **options: Any) -> BaseStore:
    """Open the store a user asked for; `options` (lock_seconds, wait_seconds, migrate, …) go to it."""
    env = os.environ if environ is None else environ
    source = "--store"
    if url is None and env.get("BUBBLE_STORE"):
        url, source = env["BUBBLE_STORE"], "BUBBLE_STORE"
    text = (url or "sqlite").strip()
    scheme = text.split(":", 1)[0].lower()
    if scheme not in SCHEMES or (":" in text and "://" not in text):
        guess = difflib.get_close_matches(scheme, SCHEMES, n=1, cutoff=0.6)
        hint = f"did you mean `{guess[0]}`? {FORMS}" if guess else FORMS
        raise bad_store_url(f"unknown store `{text}` in {source}", hint)
    if scheme == "memory":
        if text.lower() not in ("memory", "memory://"):
            raise bad_store_url(f"the memory store takes no path: `{text}` in {source}", FORMS)
        from .memory_store import MemoryStore

        return MemoryStore(**options)
    if scheme == "sqlite":
        return _open_sqlite(text, bot_dir, source, options)
    return _open_redis(text, source, options)


def _open_sqlite(text: str, bot_dir: str | Path, source: str, options: dict[str, Any]) -> BaseStore:
    from .sqlite_store import SqliteStore

    rest = text[len("sqlite"):]
    rest = rest[3:] if rest.startswith("://") else rest
    path_text, _, query = rest.partition("?")
    settings = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(settings) - {"durability"})
    if unknown:
        raise bad_store_url(f"unknown SQLite store option `{unknown[0]}` in {source}",
                            "the only option is `?durability=normal` or `?durability=full`")
    durability = settings.get("durability", "normal")
    if durability not in ("normal", "full"):
        raise bad_store_url(f"`durability` must be `normal` or `full`, not `{durability}`",
                            "use `?durability=full` to survive power loss, at a lower commit rate")
    path = Path(path_text) if path_text else default_sqlite_path(bot_dir)
    return SqliteStore(path, durability=durability, **options)


def _open_redis(text: str, source: str, options: dict[str, Any]) -> BaseStore:
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise bad_store_url(f"bad port in Redis URL `{text}` in {source}", "write `redis://host:port/db`") from None
    database = parts.path.strip("/")
    if not parts.hostname or (database and not (database.isascii() and database.isdigit())) or port == 0:
        raise bad_store_url(f"bad Redis URL `{text}` in {source}",
                            "write `redis://host:port/db`, for example `redis://localhost:6379/0`")
    from .redis_store import RedisStore

    try:
        return RedisStore(text, **options)
    except ValueError as error:  # redis-py's own URL checks (query options)
        raise bad_store_url(f"bad Redis URL `{text}` in {source}: {error}", "write `redis://host:port/db`") from None
