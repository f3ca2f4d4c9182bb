"""The `Store` contract and what all stores share (layer 8).

Input: plain state data of one conversation per turn, user records, timers. Output: the same data
after a restart, in another process or on another machine. What it must never do: write a turn
partly, let two turns of one conversation interleave, acknowledge a turn it has not committed, or
read stored bytes as anything but JSON.

A turn is `with store.begin_turn(id) as turn: … turn.commit(state, outputs)`. `begin_turn` takes
the conversation's lock (a lease with a lifetime, so a dead holder cannot block forever); `commit`
checks the lease is still ours and writes state, the transcript entry, changed user records and
timer changes in ONE transaction, and releases the lease in that same transaction. Leaving the
block without committing releases the lease and writes nothing.
"""

from __future__ import annotations

import abc
import itertools
import os
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

import attrs

from ..limits import DEFAULT_LIMITS
from .codec import Migrate, encode, encode_state, migrate_state
from .errors import StoreBusy

#: Lease tokens need to be unique among everyone who may hold a lease (processes on several
#: machines sharing one Redis), not secret: a random prefix per process and a counter give that
#: without a system call per turn (`secrets.token_hex` per turn was 5% of a served turn).
_LEASE_PREFIX = secrets.token_hex(8)
_LEASE_COUNT = itertools.count()


def new_lease_token() -> str:
    """A token no other lease holder uses."""
    return f"{_LEASE_PREFIX}-{next(_LEASE_COUNT)}"


def _new_lease_prefix() -> None:
    """A forked worker is another holder: it must not repeat its parent's tokens."""
    global _LEASE_PREFIX
    _LEASE_PREFIX = secrets.token_hex(8)


os.register_at_fork(after_in_child=_new_lease_prefix)

DEFAULT_LOCK_SECONDS = DEFAULT_LIMITS.turn_deadline_seconds


@attrs.frozen(kw_only=True)
class StoredConversation:
    """A conversation's committed state and its revision (the number of committed turns)."""

    conversation_id: str
    state: dict[str, Any]
    revision: int


@attrs.frozen(kw_only=True)
class Timer:
    """A stored timer. `timer_id` is unique in the whole store (the engine prefixes the
    conversation id: `"{conversation_id}/{state timer id}"`)."""

    timer_id: str
    conversation_id: str
    due: float  # unix seconds
    payload: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class TranscriptEntry:
    """What one committed turn appended: its number, time, client message id, input and outputs."""

    seq: int
    at: float
    message_id: str | None
    input: Any
    outputs: list[Any]


@attrs.frozen(kw_only=True)
class UserWrite:
    """A staged user record. With `base` (what the turn loaded) only changed keys are written, so
    two conversations of one user changing different keys both keep their change; without it the
    record is replaced."""

    bot_id: str
    user_id: str
    data: dict[str, Any]
    base: dict[str, str] | None  # key -> encoded value as loaded

    def patch(self) -> tuple[dict[str, str], list[str], bool]:
        """(keys to set with their JSON, keys to delete, replace the whole record?)."""
        encoded = {key: encode(value) for key, value in self.data.items()}
        if self.base is None:
            return encoded, [], True
        sets = {key: text for key, text in encoded.items() if self.base.get(key) != text}
        return sets, [key for key in self.base if key not in encoded], False


@attrs.frozen(kw_only=True)
class TurnWrites:
    """Everything one commit writes, already encoded, so a store only has to apply it."""

    conversation_id: str
    token: str
    revision: int  # the revision the turn started from; the new one is revision + 1
    state_text: str
    entry: TranscriptEntry
    entry_text: str  # the entry's input and outputs as JSON (`{"input", "outputs"}`), encoded once
    users: tuple[UserWrite, ...]
    schedules: tuple[Timer, ...]  # applied after `cancels`, so a re-scheduled id is kept
    cancels: tuple[str, ...]
    claims: tuple[str, ...]  # must still exist at commit, else TurnConflict


class Store(Protocol):
    """What the engine and the timer scheduler use; memory, SQLite and Redis implement it."""

    lock_seconds: float

    def load(self, conversation_id: str) -> StoredConversation | None: ...
    def renew(self, conversation_id: str, token: str, lock_seconds: float | None = None) -> bool: ...
    def outputs_since(self, conversation_id: str, after_seq: int) -> list[dict[str, Any]]: ...
    def delivered(self, conversation_id: str) -> int: ...
    def mark_delivered(self, conversation_id: str, seq: int) -> None: ...
    def begin_turn(self, conversation_id: str, *, lock_seconds: float | None = None,
                   wait_seconds: float | None = None,
                   known_revision: int | None = None) -> AbstractContextManager[Turn]: ...
    def transcript(self, conversation_id: str) -> list[TranscriptEntry]: ...
    def find_message(self, conversation_id: str, message_id: str) -> list[Any] | None: ...
    def load_user(self, bot_id: str, user_id: str) -> dict[str, Any]: ...
    def save_user(self, bot_id: str, user_id: str, data: dict[str, Any]) -> None: ...
    def schedule(self, conversation_id: str, timer_id: str, due: float, payload: dict[str, Any]) -> None: ...
    def cancel(self, timer_id: str) -> None: ...
    def due_timers(self, now: float, limit: int = 100) -> list[Timer]: ...
    def claim(self, timer_id: str) -> bool: ...
    def timers_of(self, conversation_id: str) -> list[Timer]: ...
    def timer_exists(self, timer_id: str) -> bool: ...
    def list_conversations(self) -> list[str]: ...
    def quarantine(self, conversation_id: str, reason: str = "") -> bool: ...
    def quarantined(self, conversation_id: str) -> list[dict[str, Any]]: ...
    def close(self) -> None: ...


class Turn:
    """One turn of one conversation while its lock is held. Made by `Store.begin_turn`.

    `state` is the committed state (None for a new conversation). When the caller knew the
    committed revision and it is still the stored one, the state is not read at all: `unchanged`
    is True and the caller's copy is current. User records, timer changes and claims are staged
    here and written by `commit`, atomically with the state.
    """

    def __init__(self, store: BaseStore, conversation_id: str, token: str, stored: StoredConversation | None,
                 unchanged_revision: int | None = None):
        self.store = store
        self.conversation_id = conversation_id
        self.token = token
        self.state: dict[str, Any] | None = stored.state if stored else None
        self.revision = stored.revision if stored else (unchanged_revision or 0)
        self.unchanged = unchanged_revision is not None
        self.committed = False
        self._user_bases: dict[tuple[str, str], dict[str, str]] = {}
        self._users: dict[tuple[str, str], UserWrite] = {}
        self._schedules: dict[str, Timer] = {}
        self._cancels: dict[str, None] = {}
        self._claims: dict[str, None] = {}

    def load_user(self, bot_id: str, user_id: str) -> dict[str, Any]:
        """The user record; remembered, so `save_user` later writes only the keys that changed."""
        data = self.store.load_user(bot_id, user_id)
        self._user_bases[(bot_id, user_id)] = {key: encode(value) for key, value in data.items()}
        return data

    def save_user(self, bot_id: str, user_id: str, data: dict[str, Any]) -> None:
        """Stage the user record; written by `commit` in the turn's transaction."""
        key = (bot_id, user_id)
        self._users[key] = UserWrite(bot_id=bot_id, user_id=user_id, data=dict(data),
                                     base=self._user_bases.get(key))

    def schedule(self, timer_id: str, due: float, payload: dict[str, Any]) -> None:
        """Stage a timer of this conversation (replacing one with the same id)."""
        encode(payload)
        self._schedules[timer_id] = Timer(timer_id=timer_id, conversation_id=self.conversation_id,
                                          due=float(due), payload=dict(payload))

    def cancel(self, timer_id: str) -> None:
        """Stage removing a timer; cancelling an unknown timer is not an error."""
        self._schedules.pop(timer_id, None)
        self._cancels[timer_id] = None

    def claim(self, timer_id: str) -> bool:
        """Take a due timer to fire it in this turn. The timer is removed by `commit`; if the turn
        dies before committing, the timer stays and fires again (no timer is lost to a crash)."""
        if timer_id in self._claims or timer_id in self._cancels or not self.store.timer_exists(timer_id):
            return False
        self._claims[timer_id] = None
        return True

    def replace_timers(self, timers: Iterable[Timer], known: Iterable[Timer] | None = None) -> None:
        """Make the stored timers of this conversation equal `timers` (the engine's state.timers):
        stage schedules for new or moved ones and cancels for the rest. `known` is what is stored
        now, when the caller knows it (the timers of the state it loaded): no read then."""
        wanted = {timer.timer_id: timer for timer in timers}
        for timer in self.store.timers_of(self.conversation_id) if known is None else known:
            if timer.timer_id not in wanted and timer.timer_id not in self._claims:
                self.cancel(timer.timer_id)
            elif timer.timer_id in wanted and (wanted[timer.timer_id].due, wanted[timer.timer_id].payload) == (
                    timer.due, timer.payload):
                del wanted[timer.timer_id]  # unchanged: no write
        for timer in wanted.values():
            self.schedule(timer.timer_id, timer.due, timer.payload)

    def renew(self, lock_seconds: float | None = None) -> bool:
        """Extend this turn's lease while it waits on IO (an extension call); False when the lease
        was lost (expired and taken), after which `commit` fails with `TurnConflict`."""
        return self.store.renew(self.conversation_id, self.token, lock_seconds)

    def find_message(self, message_id: str) -> list[Any] | None:
        """The outputs of the committed turn that handled `message_id`, or None: a client retrying
        after a crash gets the same replies and no second turn (reliability.md DUR-2)."""
        return self.store.find_message(self.conversation_id, message_id)

    def commit(self, state: dict[str, Any], outputs: list[Any], *, input: Any = None,
               message_id: str | None = None, state_text: str | None = None) -> int:
        """Write everything of this turn in one transaction and release the lock; returns the new
        revision. Only after it returns may the turn's outputs be delivered (acknowledged).
        `state_text` is `state` already encoded (`codec.encode_state`), when the caller has it."""
        if self.committed:
            raise RuntimeError(f"turn of conversation `{self.conversation_id}` was already committed (a bug)")
        entry = TranscriptEntry(seq=self.revision + 1, at=self.store.clock(), message_id=message_id,
                                input=input, outputs=list(outputs))
        writes = TurnWrites(
            conversation_id=self.conversation_id, token=self.token, revision=self.revision,
            state_text=state_text if state_text is not None else encode_state(state), entry=entry,
            entry_text=encode({"input": input, "outputs": entry.outputs}),  # refused here, before any write
            users=tuple(self._users.values()),
            schedules=tuple(self._schedules.values()), cancels=tuple(self._cancels), claims=tuple(self._claims))
        self.store._commit(writes)
        self.committed = True
        self.revision += 1
        self.state = state
        return self.revision


class BaseStore(abc.ABC):
    """The lock loop, turn handling and defaults that every store shares."""

    #: True when the store's writes never touch a disk or a network (the memory store): a host may
    #: then commit and move delivery cursors on its event loop, where a hop to a worker thread
    #: would cost more than the call (measured: half the server's CPU per turn). Calls that may
    #: wait for another holder's lease (`begin_turn`) still go to a thread.
    in_process: bool = False

    def __init__(self, *, lock_seconds: float = DEFAULT_LOCK_SECONDS, wait_seconds: float | None = None,
                 migrate: Migrate = migrate_state, clock: Callable[[], float] = time.time):
        self.lock_seconds = lock_seconds
        # Waiting as long as a lock can live means a waiter behind a dead holder still gets in.
        self.wait_seconds = lock_seconds if wait_seconds is None else wait_seconds
        self.migrate = migrate
        self.clock = clock

    @contextmanager
    def begin_turn(self, conversation_id: str, *, lock_seconds: float | None = None,
                   wait_seconds: float | None = None, known_revision: int | None = None) -> Iterator[Turn]:
        """Lock the conversation, load it, and yield a `Turn`; the lock is released on leaving
        (by `commit`, or without writing when the block ends otherwise). With `known_revision`
        still current, the state is not read (`turn.unchanged`)."""
        token = self._lock(conversation_id, lock_seconds, wait_seconds)
        turn: Turn | None = None
        try:
            if known_revision is not None and known_revision > 0 and self.revision(conversation_id) == known_revision:
                turn = Turn(self, conversation_id, token, None, unchanged_revision=known_revision)
            else:
                turn = Turn(self, conversation_id, token, self.load(conversation_id))
            yield turn
        finally:
            if turn is None or not turn.committed:
                self._release(conversation_id, token)

    def quarantine(self, conversation_id: str, reason: str = "") -> bool:
        """Move a conversation's stored state and transcript aside (nothing is deleted) so it starts
        fresh; other conversations are untouched. Returns whether there was anything to move."""
        token = self._lock(conversation_id, None, None)
        try:
            return self._quarantine(conversation_id, token, reason, self.clock())
        finally:
            self._release(conversation_id, token)

    def _lock(self, conversation_id: str, lock_seconds: float | None, wait_seconds: float | None) -> str:
        """Take the conversation's lease, waiting a bounded time with jittered backoff."""
        lifetime = self.lock_seconds if lock_seconds is None else lock_seconds
        wait = self.wait_seconds if wait_seconds is None else wait_seconds
        token = new_lease_token()
        start = time.monotonic()
        delay = 0.001
        while not self._try_lock(conversation_id, token, lifetime):
            remaining = start + wait - time.monotonic()
            if remaining <= 0:
                raise StoreBusy(conversation_id, time.monotonic() - start)
            self._pause(conversation_id, min(delay * random.uniform(0.5, 1.0), remaining))
            delay = min(delay * 2, 0.01)  # a short cap: a waiter must not sleep through a free lock
        return token

    def _pause(self, conversation_id: str, seconds: float) -> None:
        """Wait before the next lock attempt; the memory store wakes up early on release."""
        time.sleep(seconds)

    def timer_exists(self, timer_id: str) -> bool:
        """Whether a timer is stored (not yet claimed or cancelled)."""
        return self._timer(timer_id) is not None

    def renew(self, conversation_id: str, token: str, lock_seconds: float | None = None) -> bool:
        """Extend a lease we hold by its lifetime from now; False when it is no longer ours."""
        return self._renew(conversation_id, token, self.lock_seconds if lock_seconds is None else lock_seconds)

    def outputs_since(self, conversation_id: str, after_seq: int) -> list[dict[str, Any]]:
        """The committed outputs of a conversation whose `seq` is above `after_seq`, in order: what
        a channel that was away missed (the outbox is the transcript)."""
        missed: list[dict[str, Any]] = []
        for entry in reversed(self.transcript(conversation_id)):
            newer = [o for o in entry.outputs if isinstance(o, dict) and int(o.get("seq", 0) or 0) > after_seq]
            missed[:0] = newer
            if len(newer) < len(entry.outputs):
                break
        return missed

    def __enter__(self) -> BaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def _try_lock(self, conversation_id: str, token: str, lifetime: float) -> bool: ...

    @abc.abstractmethod
    def _release(self, conversation_id: str, token: str) -> None: ...

    @abc.abstractmethod
    def _renew(self, conversation_id: str, token: str, lifetime: float) -> bool: ...

    @abc.abstractmethod
    def delivered(self, conversation_id: str) -> int:
        """The `seq` of the last output handed to a channel (0: none)."""

    @abc.abstractmethod
    def mark_delivered(self, conversation_id: str, seq: int) -> None:
        """Outputs up to `seq` reached a channel; the cursor only moves forward."""

    @abc.abstractmethod
    def _commit(self, writes: TurnWrites) -> None: ...

    @abc.abstractmethod
    def _quarantine(self, conversation_id: str, token: str, reason: str, at: float) -> bool: ...

    @abc.abstractmethod
    def _timer(self, timer_id: str) -> Timer | None: ...

    @abc.abstractmethod
    def load(self, conversation_id: str) -> StoredConversation | None: ...

    @abc.abstractmethod
    def revision(self, conversation_id: str) -> int:
        """The committed revision of a conversation (0: none), without reading its state."""

    @abc.abstractmethod
    def find_message(self, conversation_id: str, message_id: str) -> list[Any] | None: ...

    @abc.abstractmethod
    def timers_of(self, conversation_id: str) -> list[Timer]: ...

    @abc.abstractmethod
    def transcript(self, conversation_id: str) -> list[TranscriptEntry]: ...

    @abc.abstractmethod
    def list_conversations(self) -> list[str]: ...

    @abc.abstractmethod
    def quarantined(self, conversation_id: str) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def load_user(self, bot_id: str, user_id: str) -> dict[str, Any]: ...

    @abc.abstractmethod
    def save_user(self, bot_id: str, user_id: str, data: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def schedule(self, conversation_id: str, timer_id: str, due: float, payload: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def cancel(self, timer_id: str) -> None: ...

    @abc.abstractmethod
    def due_timers(self, now: float, limit: int = 100) -> list[Timer]: ...

    @abc.abstractmethod
    def claim(self, timer_id: str) -> bool: ...

    @abc.abstractmethod
    def close(self) -> None: ...
