"""`SqliteStore` (layer 8): the default store, one SQLite file (`.bubble/state.sqlite` beside the bot).

Input: the `Store` calls. Output: rows in a WAL-mode database that any number of processes on this
machine share. Never holds a database transaction open while a turn runs, never pickles.

Choices (measured numbers in the storage report):
- Per-conversation locks are lease rows (`locks`: token, holder, expiry), taken and released in
  short `BEGIN IMMEDIATE` transactions. Holding `BEGIN IMMEDIATE` for a whole turn would lock the
  whole database, so one turn waiting 10 s on an extension would stall every other conversation.
  A lease whose holder died (same machine, pid gone) is taken over at once; a stuck live holder
  loses it after `lock_seconds`.
- `commit` is ONE `BEGIN IMMEDIATE` transaction: check the lease token and the revision (a holder
  whose lease expired can never overwrite a newer turn), write state, transcript entry, users and
  timers, and delete the lease. The turn counts as acknowledged after `COMMIT` returns.
- `synchronous=NORMAL` by default: in WAL mode that is durable across process crashes (kill -9),
  which is what SPEC §14 promises; only a power loss or OS crash may roll back the last commits.
  `durability="full"` (URL `?durability=full`) gives `FULL`, durable across power loss, about 7×
  fewer commits per second (reliability.md §4).
- `busy_timeout` bounds waiting for another process's short write transaction (default 5 s); past
  it the call fails with `StoreBusy` rather than hanging.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from .base import BaseStore, StoredConversation, Timer, TranscriptEntry, TurnWrites, UserWrite
from .codec import SCHEMA_VERSION, check_schema, decode_state, encode, raw_text
from .errors import StoreBusy, StoreError, StoreUnavailable, TurnConflict
from .owners import current_owner, owner_is_dead

P = ParamSpec("P")
R = TypeVar("R")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, revision INTEGER NOT NULL, state TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS transcript (
  conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, at REAL NOT NULL, message_id TEXT, data TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq));
CREATE UNIQUE INDEX IF NOT EXISTS transcript_message ON transcript (conversation_id, message_id)
  WHERE message_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS users (
  bot_id TEXT NOT NULL, user_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (bot_id, user_id, key));
CREATE TABLE IF NOT EXISTS timers (
  id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, due REAL NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timers_due ON timers (due, id);
CREATE INDEX IF NOT EXISTS timers_conversation ON timers (conversation_id);
CREATE TABLE IF NOT EXISTS locks (
  conversation_id TEXT PRIMARY KEY, token TEXT NOT NULL, owner TEXT NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (conversation_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, at REAL NOT NULL, reason TEXT NOT NULL,
  state TEXT, transcript TEXT NOT NULL);
"""


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite's exceptions into store errors: a locked database is busy, anything else is
    an unavailable store. Store errors pass through."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreBusy(None, detail=f"the SQLite database stayed locked ({error})") from None
            raise StoreUnavailable(f"SQLite store failed: {error}") from None
        except sqlite3.Error as error:
            raise StoreUnavailable(f"SQLite store failed: {error}") from None

    return wrapper


def _journal_mode_wal(conn: sqlite3.Connection, busy_seconds: float) -> str:
    """Switch a connection to WAL. Turning a new database file to WAL needs an exclusive lock and
    SQLite reports a concurrent opener as busy at once, without its busy handler (two processes
    opening a fresh store together): retry for the busy timeout."""
    deadline = time.monotonic() + busy_seconds
    delay = 0.001
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


_BACKSTOP_PAGES = 20_000  # about 80 MB of WAL before a turn checkpoints by itself


class _Checkpointer:
    """Copies the WAL back into the database file on a thread of its own.

    In WAL mode a commit appends to the WAL without fsync (`synchronous=NORMAL`); the fsyncs come
    with the checkpoint. Left to SQLite, the commit that crosses 1,000 pages runs the checkpoint,
    and that turn takes 20-60 ms instead of under one (measured: the p99 of `tools/bench/pizza.py
    --store sqlite`). Here a PASSIVE checkpoint runs every `every` seconds beside the turns; it never
    blocks a writer, and durability is unchanged.
    """

    def __init__(self, path: Path, busy_seconds: float, every: float = 0.25):
        self.path = path
        self.busy_seconds = busy_seconds
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bubble-sqlite-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error:
            return  # the turns' own connections checkpoint then (the backstop)
        try:
            while not self._stop.wait(self.every):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    continue
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


class SqliteStore(BaseStore):
    """A WAL-mode SQLite file shared by the threads and processes of one machine."""

    def __init__(self, path: str | Path, *, durability: str = "normal", busy_seconds: float = 5.0,
                 **options: Any):
        super().__init__(**options)
        if durability not in ("normal", "full"):
            raise ValueError(f"durability must be `normal` or `full`, not `{durability}`")
        self.path = Path(path)
        self.durability = durability
        self.busy_seconds = busy_seconds
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._pid = os.getpid()
        self._owner = current_owner()
        self._checkpointer: _Checkpointer | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._write() as conn:
                for statement in SCHEMA.split(";"):  # not executescript: it would COMMIT first
                    if statement.strip():
                        conn.execute(statement)
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                check_schema(int(row[0]) if row else None, f"`{self.path}`")
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except StoreError:
            self.close()
            raise
        except (OSError, sqlite3.Error) as error:
            self.close()
            raise StoreUnavailable(f"cannot open the SQLite store `{self.path}`: {error}",
                                   hint="check that the directory exists and is writable") from None
        self._checkpointer = _Checkpointer(self.path, busy_seconds)

    # -- connections ---------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        """One connection per thread (and per process: a forked child opens its own)."""
        if os.getpid() != self._pid:
            self._local, self._connections, self._pid = threading.local(), [], os.getpid()
            self._owner = current_owner()
            self._checkpointer = _Checkpointer(self.path, self.busy_seconds)  # threads do not survive fork
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None,
                                   check_same_thread=False)
            mode = _journal_mode_wal(conn, self.busy_seconds)
            if mode.lower() != "wal":
                raise sqlite3.OperationalError(f"cannot use WAL journal mode (got {mode})")
            conn.execute(f"PRAGMA synchronous={self.durability.upper()}")
            # Checkpoints run on the checkpointer's thread; this is only the backstop if it lags.
            conn.execute(f"PRAGMA wal_autocheckpoint={_BACKSTOP_PAGES}")
            self._local.conn = conn
            with self._guard:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction: BEGIN IMMEDIATE takes SQLite's write lock up front, so two
        processes never both read-then-write and one of them fails late."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def pragmas(self) -> dict[str, Any]:
        """The settings in force (reliability.md DUR-3): journal mode, synchronous, busy timeout."""
        conn = self._connection()
        names = {0: "off", 1: "normal", 2: "full", 3: "extra"}
        return {"journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
                "synchronous": names[conn.execute("PRAGMA synchronous").fetchone()[0]],
                "busy_timeout_ms": conn.execute("PRAGMA busy_timeout").fetchone()[0]}

    def close(self) -> None:
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            checkpointer.stop()
        with self._guard:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    # -- locking -------------------------------------------------------------------------------
    @_guarded
    def _try_lock(self, conversation_id: str, token: str, lifetime: float) -> bool:
        """One statement when the lease is free or expired (an upsert is atomic on its own: one
        implicit transaction instead of a read and a write transaction); a live holder's row is
        read only then, to take over from a holder whose process died."""
        conn = self._connection()
        now = time.time()
        taken = conn.execute(
            "INSERT INTO locks VALUES (?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET "
            "token = excluded.token, owner = excluded.owner, expires = excluded.expires WHERE expires <= ?",
            (conversation_id, token, self._owner, now + lifetime, now)).rowcount
        if taken == 1:
            return True
        row = conn.execute("SELECT token, owner, expires FROM locks WHERE conversation_id = ?",
                           (conversation_id,)).fetchone()
        if row is None or not (row[2] <= now or owner_is_dead(row[1])):
            return row is None and self._try_lock(conversation_id, token, lifetime)
        # The holder died: take its row over, unless someone else did first (same old token).
        return conn.execute("UPDATE locks SET token = ?, owner = ?, expires = ? WHERE conversation_id = ? "
                            "AND token = ?", (token, self._owner, time.time() + lifetime, conversation_id,
                                              row[0])).rowcount == 1

    @_guarded
    def _renew(self, conversation_id: str, token: str, lifetime: float) -> bool:
        """One UPDATE: atomic, and only while the lease is ours and alive."""
        now = time.time()
        return self._connection().execute(
            "UPDATE locks SET expires = ? WHERE conversation_id = ? AND token = ? AND expires > ?",
            (now + lifetime, conversation_id, token, now)).rowcount == 1

    @_guarded
    def delivered(self, conversation_id: str) -> int:
        row = self._connection().execute("SELECT seq FROM deliveries WHERE conversation_id = ?",
                                         (conversation_id,)).fetchone()
        return int(row[0]) if row else 0

    @_guarded
    def mark_delivered(self, conversation_id: str, seq: int) -> None:
        self._connection().execute("INSERT INTO deliveries VALUES (?, ?) ON CONFLICT (conversation_id) DO UPDATE "
                                   "SET seq = max(seq, excluded.seq)", (conversation_id, seq))

    @_guarded
    def _release(self, conversation_id: str, token: str) -> None:
        self._connection().execute("DELETE FROM locks WHERE conversation_id = ? AND token = ?",
                                   (conversation_id, token))

    # -- conversations -------------------------------------------------------------------------
    @_guarded
    def load(self, conversation_id: str) -> StoredConversation | None:
        # As bytes: damaged text that is not UTF-8 must become CorruptState, not a driver error.
        row = self._connection().execute("SELECT revision, CAST(state AS BLOB) FROM conversations WHERE id = ?",
                                         (conversation_id,)).fetchone()
        if row is None:
            return None
        return StoredConversation(conversation_id=conversation_id, revision=row[0],
                                  state=decode_state(conversation_id, row[1], self.migrate))

    @_guarded
    def revision(self, conversation_id: str) -> int:
        row = self._connection().execute("SELECT revision FROM conversations WHERE id = ?",
                                         (conversation_id,)).fetchone()
        return int(row[0]) if row else 0

    @_guarded
    def _commit(self, writes: TurnWrites) -> None:
        cid = writes.conversation_id
        with self._write() as conn:
            held = conn.execute("SELECT token FROM locks WHERE conversation_id = ?", (cid,)).fetchone()
            if held is None or held[0] != writes.token:
                raise TurnConflict(cid, "its lock expired and another turn took over")
            row = conn.execute("SELECT revision FROM conversations WHERE id = ?", (cid,)).fetchone()
            if (row[0] if row else 0) != writes.revision:
                raise TurnConflict(cid, "another turn committed first")
            message_id = writes.entry.message_id
            if message_id is not None and conn.execute(
                    "SELECT 1 FROM transcript WHERE conversation_id = ? AND message_id = ?",
                    (cid, message_id)).fetchone():
                raise TurnConflict(cid, f"message `{message_id}` was already handled")
            for timer_id in writes.claims:
                if conn.execute("DELETE FROM timers WHERE id = ?", (timer_id,)).rowcount != 1:
                    raise TurnConflict(cid, f"timer `{timer_id}` was claimed elsewhere")
            conn.execute("INSERT INTO conversations VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                         "revision = excluded.revision, state = excluded.state, updated = excluded.updated",
                         (cid, writes.revision + 1, writes.state_text, writes.entry.at))
            conn.execute("INSERT INTO transcript VALUES (?, ?, ?, ?, ?)",
                         (cid, writes.entry.seq, writes.entry.at, message_id,
                          writes.entry_text))
            for user in writes.users:
                self._apply_user(conn, user)
            conn.executemany("DELETE FROM timers WHERE id = ?", [(timer_id,) for timer_id in writes.cancels])
            conn.executemany("INSERT OR REPLACE INTO timers VALUES (?, ?, ?, ?)",
                             [(t.timer_id, cid, t.due, encode(t.payload)) for t in writes.schedules])
            conn.execute("DELETE FROM locks WHERE conversation_id = ?", (cid,))

    @_guarded
    def transcript(self, conversation_id: str) -> list[TranscriptEntry]:
        rows = self._connection().execute(
            "SELECT seq, at, message_id, data FROM transcript WHERE conversation_id = ? ORDER BY seq",
            (conversation_id,)).fetchall()
        return [_entry(row) for row in rows]

    @_guarded
    def find_message(self, conversation_id: str, message_id: str) -> list[Any] | None:
        row = self._connection().execute(
            "SELECT data FROM transcript WHERE conversation_id = ? AND message_id = ?",
            (conversation_id, message_id)).fetchone()
        return None if row is None else json.loads(row[0])["outputs"]

    @_guarded
    def list_conversations(self) -> list[str]:
        return [row[0] for row in self._connection().execute("SELECT id FROM conversations ORDER BY id")]

    @_guarded
    def _quarantine(self, conversation_id: str, token: str, reason: str, at: float) -> bool:
        with self._write() as conn:
            state = conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            rows = conn.execute("SELECT seq, at, message_id, data FROM transcript WHERE conversation_id = ? "
                                "ORDER BY seq", (conversation_id,)).fetchall()
            if state is None and not rows:
                return False
            # The rows' data is embedded as stored, byte for byte: quarantine keeps, never re-encodes.
            transcript = "[" + ",".join('{"seq":%d,"at":%s,"message_id":%s,"data":%s}' % (
                seq, encode(when), encode(mid), data) for seq, when, mid, data in rows) + "]"
            # The state is copied inside SQLite, byte for byte, however damaged it is.
            conn.execute("INSERT INTO quarantine (conversation_id, at, reason, state, transcript) "
                         "VALUES (?, ?, ?, (SELECT state FROM conversations WHERE id = ?), ?)",
                         (conversation_id, at, reason, conversation_id, transcript))
            conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            conn.execute("DELETE FROM transcript WHERE conversation_id = ?", (conversation_id,))
            return True

    @_guarded
    def quarantined(self, conversation_id: str) -> list[dict[str, Any]]:
        rows = self._connection().execute(
            "SELECT at, reason, CAST(state AS BLOB), transcript FROM quarantine WHERE conversation_id = ? "
            "ORDER BY id", (conversation_id,)).fetchall()
        return [{"at": at, "reason": reason, "state": raw_text(state), "transcript": transcript}
                for at, reason, state, transcript in rows]

    @_guarded
    def _write_raw(self, conversation_id: str, text: str | bytes, revision: int = 1) -> None:
        """Tests: store bytes as they might be found after damage."""
        self._connection().execute("INSERT OR REPLACE INTO conversations VALUES (?, ?, ?, ?)",
                                   (conversation_id, revision, text, time.time()))

    # -- users ---------------------------------------------------------------------------------
    @_guarded
    def load_user(self, bot_id: str, user_id: str) -> dict[str, Any]:
        rows = self._connection().execute("SELECT key, value FROM users WHERE bot_id = ? AND user_id = ?",
                                          (bot_id, user_id)).fetchall()
        return {key: json.loads(value) for key, value in rows}

    @_guarded
    def save_user(self, bot_id: str, user_id: str, data: dict[str, Any]) -> None:
        with self._write() as conn:
            self._apply_user(conn, UserWrite(bot_id=bot_id, user_id=user_id, data=data, base=None))

    def _apply_user(self, conn: sqlite3.Connection, user: UserWrite) -> None:
        sets, deletes, replace = user.patch()
        who = (user.bot_id, user.user_id)
        if replace:
            conn.execute("DELETE FROM users WHERE bot_id = ? AND user_id = ?", who)
        conn.executemany("DELETE FROM users WHERE bot_id = ? AND user_id = ? AND key = ?",
                         [(*who, key) for key in deletes])
        conn.executemany("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)",
                         [(*who, key, text) for key, text in sets.items()])

    # -- timers --------------------------------------------------------------------------------
    @_guarded
    def schedule(self, conversation_id: str, timer_id: str, due: float, payload: dict[str, Any]) -> None:
        self._connection().execute("INSERT OR REPLACE INTO timers VALUES (?, ?, ?, ?)",
                                   (timer_id, conversation_id, float(due), encode(payload)))

    @_guarded
    def cancel(self, timer_id: str) -> None:
        self._connection().execute("DELETE FROM timers WHERE id = ?", (timer_id,))

    @_guarded
    def claim(self, timer_id: str) -> bool:
        """One DELETE is atomic across processes: exactly one claimer sees a row go."""
        return self._connection().execute("DELETE FROM timers WHERE id = ?", (timer_id,)).rowcount == 1

    @_guarded
    def _timer(self, timer_id: str) -> Timer | None:
        row = self._connection().execute("SELECT id, conversation_id, due, payload FROM timers WHERE id = ?",
                                         (timer_id,)).fetchone()
        return None if row is None else _timer(row)

    @_guarded
    def due_timers(self, now: float, limit: int = 100) -> list[Timer]:
        rows = self._connection().execute("SELECT id, conversation_id, due, payload FROM timers WHERE due <= ? "
                                          "ORDER BY due, id LIMIT ?", (now, limit)).fetchall()
        return [_timer(row) for row in rows]

    @_guarded
    def timers_of(self, conversation_id: str) -> list[Timer]:
        rows = self._connection().execute("SELECT id, conversation_id, due, payload FROM timers "
                                          "WHERE conversation_id = ? ORDER BY due, id", (conversation_id,)).fetchall()
        return [_timer(row) for row in rows]


def _timer(row: tuple[str, str, float, str]) -> Timer:
    return Timer(timer_id=row[0], conversation_id=row[1], due=row[2], payload=json.loads(row[3]))


def _entry(row: tuple[int, float, str | None, str]) -> TranscriptEntry:
    data = json.loads(row[3])
    return TranscriptEntry(seq=row[0], at=row[1], message_id=row[2], input=data["input"], outputs=data["outputs"])
