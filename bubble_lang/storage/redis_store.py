"""`RedisStore` (layer 8): conversations in Redis, shared by several `bubble serve` processes.

Input: the `Store` calls. Output: keys under a prefix (default `bubble`):

    bubble:schema                 store schema version
    bubble:conv:{id}              {"schema", "revision", "at", "state"} as JSON
    bubble:convs                  set of conversation ids
    bubble:transcript:{id}        list of transcript entries (JSON)
    bubble:messages:{id}          hash client message id -> transcript seq
    bubble:lock:{id}              lock token, with a lifetime (SET NX PX)
    bubble:user:["bot","user"]    hash key -> JSON value (the JSON pair keeps ids with ':' apart)
    bubble:timers                 sorted set of timer ids scored by due time (unix seconds)
    bubble:timer:{timer id}       {"conversation_id", "due", "payload"}
    bubble:convtimers:{id}        set of a conversation's timer ids
    bubble:quarantine:{id}        list of set-aside states and transcripts (JSON)
    bubble:delivered:{id}         seq of the last output handed to a channel

Locks: `SET NX PX` with a random token; released by a compare-and-delete script, so a holder
whose lock expired never deletes the next holder's lock. Commit: WATCH the lock and state keys,
check the token (and the revision and any claimed timer), then MULTI/EXEC everything including the
lock's deletion. The token check under WATCH is the fence: a holder that overran its lifetime
finds another token (or a modified key) and gets `TurnConflict` instead of overwriting a newer
turn. The lock alone would not be enough for that. Never pickles; every value is JSON.
"""

from __future__ import annotations

import base64
import functools
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

import redis
from redis.exceptions import RedisError, WatchError

from .base import BaseStore, StoredConversation, Timer, TranscriptEntry, TurnWrites, UserWrite
from .codec import SCHEMA_VERSION, check_schema, decode_envelope, encode, encode_envelope, raw_text
from .errors import StoreUnavailable, TurnConflict

P = ParamSpec("P")
R = TypeVar("R")

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Connection failures and server errors become `StoreUnavailable`; store errors pass."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except WatchError:
            raise
        except RedisError as error:
            raise StoreUnavailable(f"Redis store failed: {error}",
                                   hint="check that the Redis server runs and is reachable") from None

    return wrapper


class RedisStore(BaseStore):
    """One Redis database shared by any number of processes and machines."""

    def __init__(self, url: str, *, prefix: str = "bubble", connect_seconds: float = 5.0, **options: Any):
        super().__init__(**options)
        self.url = url
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=connect_seconds,
                                           socket_connect_timeout=connect_seconds)
        try:
            self.client.ping()
            found = self.client.get(self._key("schema"))
            check_schema(int(found) if found is not None else None, f"Redis at {_redacted(url)}")
            self.client.set(self._key("schema"), SCHEMA_VERSION, nx=True)
        except RedisError as error:
            self.client.close()
            raise StoreUnavailable(f"cannot reach Redis at {_redacted(url)}: {error}",
                                   hint="start the Redis server, or check host, port and database") from None
        self._unreleased: list[tuple[str, str]] = []  # (conversation, token) a failed release left locked
        self._pending_lock = threading.Lock()
        self._release_script = self.client.register_script(_RELEASE)
        self._renew_script = self.client.register_script(_RENEW)
        self._raise_script = self.client.register_script(_RAISE)

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def close(self) -> None:
        self.client.close()

    # -- locking -------------------------------------------------------------------------------
    @_guarded
    def _try_lock(self, conversation_id: str, token: str, lifetime: float) -> bool:
        if self._unreleased:
            self._release_unreleased()
        key = self._key("lock", conversation_id)
        return bool(self.client.set(key, token, nx=True, px=max(1, int(lifetime * 1000))))

    def _release_unreleased(self) -> None:
        """Locks this process could not release while Redis was away: released now (compare-and-
        delete, so a lock another holder took meanwhile stays), so a blip of Redis does not block
        those conversations for a whole lock lifetime."""
        with self._pending_lock:
            pending, self._unreleased = self._unreleased, []
        for conversation_id, token in pending:
            try:
                self._release_script(keys=[self._key("lock", conversation_id)], args=[token])
            except RedisError:
                with self._pending_lock:
                    self._unreleased.append((conversation_id, token))
                return

    @_guarded
    def _renew(self, conversation_id: str, token: str, lifetime: float) -> bool:
        """Compare-and-extend: only the holder's own, still existing lock gets longer."""
        return bool(self._renew_script(keys=[self._key("lock", conversation_id)],
                                       args=[token, max(1, int(lifetime * 1000))]))

    @_guarded
    def delivered(self, conversation_id: str) -> int:
        found = self.client.get(self._key("delivered", conversation_id))
        return int(found) if found is not None else 0

    @_guarded
    def mark_delivered(self, conversation_id: str, seq: int) -> None:
        self._raise_script(keys=[self._key("delivered", conversation_id)], args=[int(seq)])

    @_guarded
    def _release(self, conversation_id: str, token: str) -> None:
        try:
            self._release_script(keys=[self._key("lock", conversation_id)], args=[token])
        except RedisError:
            with self._pending_lock:  # tried again before this process takes its next lock
                self._unreleased = [*self._unreleased, (conversation_id, token)][-10_000:]
            raise

    # -- conversations -------------------------------------------------------------------------
    @_guarded
    def load(self, conversation_id: str) -> StoredConversation | None:
        raw = self.client.get(self._key("conv", conversation_id))
        if raw is None:
            return None
        revision, state = decode_envelope(conversation_id, raw, self.migrate)
        return StoredConversation(conversation_id=conversation_id, revision=revision, state=state)

    @_guarded
    def revision(self, conversation_id: str) -> int:
        raw = self.client.get(self._key("conv", conversation_id))
        return 0 if raw is None else max(_revision(raw), 0)

    @_guarded
    def _commit(self, writes: TurnWrites) -> None:
        cid = writes.conversation_id
        lock, conv = self._key("lock", cid), self._key("conv", cid)
        messages = self._key("messages", cid)
        claimed = [self._key("timer", timer_id) for timer_id in writes.claims]
        with self.client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(lock, conv, messages, *claimed)
                if pipe.get(lock) != writes.token.encode():
                    raise TurnConflict(cid, "its lock expired and another turn took over")
                raw = pipe.get(conv)
                if (0 if raw is None else _revision(raw)) != writes.revision:
                    raise TurnConflict(cid, "another turn committed first")
                message_id = writes.entry.message_id
                if message_id is not None and pipe.hexists(messages, message_id):
                    raise TurnConflict(cid, f"message `{message_id}` was already handled")
                for timer_id, key in zip(writes.claims, claimed):
                    if not pipe.exists(key):
                        raise TurnConflict(cid, f"timer `{timer_id}` was claimed elsewhere")
                pipe.multi()
                pipe.set(conv, encode_envelope(writes.revision + 1, writes.state_text, writes.entry.at))
                pipe.sadd(self._key("convs"), cid)
                pipe.rpush(self._key("transcript", cid), encode(_plain_entry(writes.entry)))
                if message_id is not None:
                    pipe.hset(messages, message_id, writes.entry.seq)
                for user in writes.users:
                    self._apply_user(pipe, user)
                gone = [*writes.cancels, *writes.claims]
                if gone:
                    pipe.zrem(self._key("timers"), *gone)
                    pipe.delete(*(self._key("timer", timer_id) for timer_id in gone))
                    pipe.srem(self._key("convtimers", cid), *gone)
                for timer in writes.schedules:
                    self._add_timer(pipe, cid, timer.timer_id, timer.due, timer.payload)
                pipe.delete(lock)
                pipe.execute()
            except WatchError:
                raise TurnConflict(cid, "its lock expired, or another process changed the conversation") from None

    @_guarded
    def transcript(self, conversation_id: str) -> list[TranscriptEntry]:
        items = self.client.lrange(self._key("transcript", conversation_id), 0, -1)
        return [TranscriptEntry(**json.loads(item)) for item in items]

    @_guarded
    def find_message(self, conversation_id: str, message_id: str) -> list[Any] | None:
        seq = self.client.hget(self._key("messages", conversation_id), message_id)
        if seq is None:
            return None
        item = self.client.lindex(self._key("transcript", conversation_id), int(seq) - 1)
        return None if item is None else json.loads(item)["outputs"]

    @_guarded
    def list_conversations(self) -> list[str]:
        return sorted(_text(member) for member in self.client.smembers(self._key("convs")))

    @_guarded
    def _quarantine(self, conversation_id: str, token: str, reason: str, at: float) -> bool:
        conv, transcript = self._key("conv", conversation_id), self._key("transcript", conversation_id)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.watch(conv, transcript)
            raw = pipe.get(conv)
            entries = pipe.lrange(transcript, 0, -1)
            if raw is None and not entries:
                return False
            record: dict[str, Any] = {"at": at, "reason": reason, "state": None,
                                      "transcript": "[" + ",".join(_text(e) for e in entries) + "]"}
            if raw is not None:
                text = raw_text(raw)
                if isinstance(text, bytes):  # keep bytes that are not text exactly
                    record["state_base64"] = base64.b64encode(text).decode("ascii")
                else:
                    record["state"] = text
            pipe.multi()
            pipe.rpush(self._key("quarantine", conversation_id), encode(record))
            pipe.delete(conv, transcript, self._key("messages", conversation_id))
            pipe.srem(self._key("convs"), conversation_id)
            pipe.execute()
            return True

    @_guarded
    def quarantined(self, conversation_id: str) -> list[dict[str, Any]]:
        found = []
        for item in self.client.lrange(self._key("quarantine", conversation_id), 0, -1):
            record = json.loads(item)
            if "state_base64" in record:
                record["state"] = base64.b64decode(record.pop("state_base64"))
            found.append(record)
        return found

    @_guarded
    def _write_raw(self, conversation_id: str, text: str | bytes, revision: int = 1) -> None:
        """Tests: store bytes as they might be found after damage."""
        self.client.set(self._key("conv", conversation_id), text)
        self.client.sadd(self._key("convs"), conversation_id)

    # -- users ---------------------------------------------------------------------------------
    def _user_key(self, bot_id: str, user_id: str) -> str:
        return self._key("user", encode([bot_id, user_id]))

    @_guarded
    def load_user(self, bot_id: str, user_id: str) -> dict[str, Any]:
        record = self.client.hgetall(self._user_key(bot_id, user_id))
        return {_text(key): json.loads(value) for key, value in record.items()}

    @_guarded
    def save_user(self, bot_id: str, user_id: str, data: dict[str, Any]) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            self._apply_user(pipe, UserWrite(bot_id=bot_id, user_id=user_id, data=data, base=None))
            pipe.execute()

    def _apply_user(self, pipe: Any, user: UserWrite) -> None:
        sets, deletes, replace = user.patch()
        key = self._user_key(user.bot_id, user.user_id)
        if replace:
            pipe.delete(key)
        if deletes:
            pipe.hdel(key, *deletes)
        if sets:
            pipe.hset(key, mapping=sets)

    # -- timers --------------------------------------------------------------------------------
    def _add_timer(self, pipe: Any, conversation_id: str, timer_id: str, due: float, payload: dict[str, Any]) -> None:
        pipe.set(self._key("timer", timer_id),
                 encode({"conversation_id": conversation_id, "due": float(due), "payload": payload}))
        pipe.zadd(self._key("timers"), {timer_id: float(due)})
        pipe.sadd(self._key("convtimers", conversation_id), timer_id)

    @_guarded
    def schedule(self, conversation_id: str, timer_id: str, due: float, payload: dict[str, Any]) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            self._add_timer(pipe, conversation_id, timer_id, due, payload)
            pipe.execute()

    @_guarded
    def cancel(self, timer_id: str) -> None:
        self.claim(timer_id)

    @_guarded
    def claim(self, timer_id: str) -> bool:
        """ZREM is atomic: of all processes claiming one timer, exactly one sees 1."""
        key = self._key("timer", timer_id)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zrem(self._key("timers"), timer_id)
            pipe.get(key)
            pipe.delete(key)
            removed, data, _ = pipe.execute()
        if data is not None:  # the conversation's index is tidied after; readers skip stale members
            self.client.srem(self._key("convtimers", json.loads(data)["conversation_id"]), timer_id)
        return removed == 1

    @_guarded
    def _timer(self, timer_id: str) -> Timer | None:
        data = self.client.get(self._key("timer", timer_id))
        return None if data is None else _timer(timer_id, data)

    def _timers(self, ids: Iterable[Any]) -> list[Timer]:
        names = [_text(member) for member in ids]
        if not names:
            return []
        values = self.client.mget([self._key("timer", name) for name in names])
        return [_timer(name, value) for name, value in zip(names, values) if value is not None]

    @_guarded
    def due_timers(self, now: float, limit: int = 100) -> list[Timer]:
        return self._timers(self.client.zrangebyscore(self._key("timers"), "-inf", now, start=0, num=limit))

    @_guarded
    def timers_of(self, conversation_id: str) -> list[Timer]:
        found = self._timers(self.client.smembers(self._key("convtimers", conversation_id)))
        return sorted(found, key=lambda timer: (timer.due, timer.timer_id))


def _plain_entry(entry: TranscriptEntry) -> dict[str, Any]:
    return {"seq": entry.seq, "at": entry.at, "message_id": entry.message_id, "input": entry.input,
            "outputs": entry.outputs}


def _revision(raw: bytes | str) -> int:
    try:
        return int(json.loads(raw)["revision"])
    except (ValueError, KeyError, TypeError):
        return -1


def _timer(timer_id: str, data: bytes | str) -> Timer:
    record = json.loads(data)
    return Timer(timer_id=timer_id, conversation_id=record["conversation_id"], due=record["due"],
                 payload=record["payload"])


def _redacted(url: str) -> str:
    """The URL without a password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest


def _text(value: bytes | str) -> str:
    """Redis answers bytes (the client does not decode, so raw state bytes stay exact)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
