"""Durable conversations (layer 9): every turn under the store's lock, committed before delivery.

Input: a `Bot`, a store from `storage.open_store`, a conversation id. Output: `StoredTurn`, one
turn of a stored conversation in the pieces a host drives it by, and `DurableConversation`, the
synchronous `Conversation` API on top of it. Each turn:

1. takes the conversation's lock and loads its committed state (`begin`);
2. plays on the VM (due timers first), the host making any extension call in between;
3. writes state, timers, the user record and the transcript entry in ONE transaction (`finish`);
4. only then hands the outputs out (SPEC §14: a turn is acknowledged only after its commit).

Conversations are stored under `{bot}/{conversation id}`, so two bots in one folder never see
each other's state (SPEC §14). A stored state that cannot be read is moved aside
(`store.quarantine`) and the user gets a fresh conversation, with a diagnostic naming it; other
conversations are untouched. A state written by a newer bubble is refused, never thrown away.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import attrs

from ..diagnostics import BubbleError, BubbleUsageError, make_diagnostic
from ..runtime.outputs import Output
from ..runtime.session import SessionState
from ..storage import CorruptState, Timer
from ..storage.codec import decode_state, encode_state
from ..runtime.values import REDACTED, to_plain
from ..vm import timers
from ..vm.questions import waits_for_secret
from ..vm.widget_answers import shown_answer
from .bot import Bot, Clock, Conversation
from . import user_record
from .extension_io import ExtensionCaller


def store_key(bot_id: str, conversation_id: str) -> str:
    """Where a bot's conversation lives in a store."""
    return f"{bot_id}/{conversation_id}"


@attrs.frozen
class Committed:
    """The last committed state of a conversation, as this process committed it."""

    revision: int
    state: SessionState
    text: str  # its stored form: what a failing turn rolls back to


class StateCache:
    """The states this process committed last, by store key (at most `size`, least recently used
    out). A turn whose conversation's stored revision is still the cached one takes the cached
    state instead of reading and decoding it (about a third of a stored turn)."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self._entries: OrderedDict[str, Committed] = OrderedDict()
        self._guard = threading.Lock()

    def take(self, key: str) -> Committed | None:
        """The entry, removed: the turn that takes it changes the state."""
        with self._guard:
            return self._entries.pop(key, None)

    def put(self, key: str, committed: Committed) -> None:
        with self._guard:
            self._entries[key] = committed
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class StoredTurn:
    """One turn of a stored conversation, in the pieces a host drives: `begin` (lock, load),
    then the VM, then `finish` (one commit) or `abort` (release, write nothing). `begin` and
    `finish` block on the store; an asynchronous host runs them off its event loop."""

    def __init__(self, bot: Bot, store: Any, key: str, fresh: Callable[[], SessionState],
                 problems: list[BubbleError], cache: StateCache | None = None):
        self.bot = bot
        self.cache = cache
        self._committed: str | dict[str, Any] | None = None  # the stored form of the state it began from
        self.store = store
        self.key = key
        self.fresh = fresh
        self.problems = problems
        self.bot_id = key.split("/", 1)[0]
        self.state: SessionState | None = None
        self._context: Any = None
        self._turn: Any = None
        self._user_before: dict[str, Any] = {}
        self._record: dict[str, Any] = {}  # the stored user record as loaded (plain)
        self._timers_before: list[Timer] | None = None  # what the store holds, when known
        self._first_seq = 0  # a new conversation's first output seq, less one

    def begin(self, message_id: str | None = None, wait_seconds: float | None = None) -> list[Output] | None:
        """Lock and load. Returns the outputs of the committed turn that already handled
        `message_id` (a client retry: nothing is played twice), else None and `state` is set.
        `wait_seconds`: how long to wait for another holder's lease (`StoreBusy` after it)."""
        known = self.cache.take(self.key) if self.cache is not None else None
        try:
            self._context = self.store.begin_turn(self.key, known_revision=known.revision if known else None,
                                                  wait_seconds=wait_seconds)
            self._turn = self._context.__enter__()
        except CorruptState as error:
            quarantine(self.store, error, self.problems)
            self._context = self.store.begin_turn(self.key)
            self._turn = self._context.__enter__()
        try:
            if message_id is not None:
                previous = self._turn.find_message(message_id)
                if previous is not None:
                    if known is not None and self.cache is not None:
                        self.cache.put(self.key, known)  # untouched
                    self.abort()
                    return [Output.from_plain(plain) for plain in previous]
            if self._turn.unchanged and known is not None:
                state: SessionState | None = known.state
                self._committed = known.text
            else:
                state = decode(self.store, self.key, self._turn.state, self.problems) if self._turn.state else None
                if state is not None:
                    self._committed = self._turn.state  # read-only: decoding copied what it kept
            if state is None:
                # A new (or set aside) conversation: its outputs are numbered on from what channels
                # already saw, so a `seq` never means two different outputs.
                state = self.fresh()
                state.output_seq = self._first_seq = self.store.delivered(self.key)
            else:  # the store mirrors the committed state's timers: no need to read them back
                self._timers_before = self._stored_timers(state)
            self.state = state
            self._record = self._turn.load_user(self.bot_id, self.state.user_id)
            self.state.user = user_record.turn_view(self.state.runtime, self.state.user, self._record)
            self._user_before = dict(self.state.user)
            return None
        except BaseException:
            self.abort()
            raise

    def restore(self) -> SessionState:
        """The state as committed before this turn, with the user record as loaded: what a
        failing turn rolls back to (read from its stored form, so no copy is made up front)."""
        committed = self._committed
        if committed is None:
            state = self.fresh()
            state.output_seq = self._first_seq
        elif isinstance(committed, str):
            state = SessionState.from_plain(decode_state(self.key, committed, self.store.migrate))
        else:
            state = SessionState.from_plain(committed)
        state.user = dict(self._user_before)
        return state

    def claim(self, timer_id: str) -> bool:
        """Take a stored timer to fire it in this turn (the commit fails if another took it)."""
        return bool(self._turn.claim(timer_id))

    def renew(self) -> bool:
        """Keep the lease while the turn waits on IO."""
        return bool(self._turn.renew())

    def finish(self, state: SessionState, outputs: list[Output], input: Any, message_id: str | None = None) -> None:
        """Commit state, timers, user record and transcript entry in one transaction."""
        try:
            self._turn.replace_timers(self._stored_timers(state), known=self._timers_before)
            record = user_record.settle(state.runtime, self._user_before, state.user, self._record)
            if record is not None:
                self._turn.save_user(self.bot_id, state.user_id, record)
            plain = state.to_plain()
            text = encode_state(plain)
            self._turn.commit(plain, [o.to_plain() for o in outputs], input=input, message_id=message_id,
                              state_text=text)
        except BaseException:
            self.abort()
            raise
        if self.cache is not None:
            self.cache.put(self.key, Committed(revision=self._turn.revision, state=state, text=text))
        self.abort()

    def _stored_timers(self, state: SessionState) -> list[Timer]:
        """The state's timers as the store keeps them (the session timeout included)."""
        return [Timer(timer_id=f"{self.key}/{timer.id}", conversation_id=self.key, due=timer.due,
                      payload={"id": timer.id})
                for timer in timers.pending(state, self.bot.image.session_timeout)]

    def abort(self) -> None:
        """Release the lock (without writing anything, unless `finish` committed: that released it)."""
        context, self._context = self._context, None
        if context is not None:
            context.__exit__(None, None, None)


def decode(store: Any, key: str, data: dict[str, Any], problems: list[BubbleError]) -> SessionState | None:
    """A stored state read back, or None (moved aside) when this bubble cannot use it."""
    try:
        return SessionState.from_plain(data)
    except (KeyError, TypeError, ValueError) as error:
        quarantine(store, CorruptState(key, f"the state does not fit this bubble: {error}"), problems)
        return None


def quarantine(store: Any, error: CorruptState, problems: list[BubbleError]) -> None:
    """Set an unreadable conversation aside so its user starts afresh; a newer one is refused."""
    if getattr(error, "newer", False):
        raise error  # a rollback of bubble must not throw conversations away
    store.quarantine(error.conversation_id, error.reason)
    problems.append(BubbleUsageError([make_diagnostic(
        "B564", f"conversation `{error.conversation_id}` could not be read and starts afresh: {error.reason}",
        None, hint="the stored data was kept aside; see `store.quarantined(id)`")]))


class DurableConversation(Conversation):
    """A conversation whose state lives in a store; see the module docstring."""

    def __init__(self, bot: Bot, store: Any, conversation_id: str, *, user_id: str | None = None,
                 clock: Clock | None = None, seed: int | None = None, bot_id: str | None = None,
                 extensions: ExtensionCaller | None = None):
        template = bot.conversation(conversation_id, user_id=user_id, clock=clock, seed=seed)
        super().__init__(bot, template.state, template.clock, extensions=extensions)
        self.store = store
        self.key = store_key(bot_id or bot.name, conversation_id)
        self.problems: list[BubbleError] = []
        self._cache = StateCache(size=1)
        self._seed = template.state.seed
        self._secret = template.state.secret
        self.resumed = False
        try:
            stored = store.load(self.key)
        except CorruptState as error:
            quarantine(store, error, self.problems)
            stored = None
        if stored is not None and stored.state is not None:
            state = decode(store, self.key, stored.state, self.problems)
            if state is not None:
                self.state = state
                self.resumed = state.started

    def _fresh(self) -> SessionState:
        return SessionState(conversation_id=self.state.conversation_id, user_id=self.state.user_id, seed=self._seed,
                            secret=self._secret)

    def _durable(self, play: Callable[[], list[Output]], input: Any, message_id: str | None = None, *,
                 restore: bool = True) -> list[Output]:
        """One stored turn around `play`. With `restore`, a failing first step rolls back to the
        committed state read back from the store (no copy up front); `advance` and `restart`
        change the state before they play, so their steps keep copies instead."""
        turn = StoredTurn(self.bot, self.store, self.key, self._fresh, self.problems, cache=self._cache)
        previous = turn.begin(message_id)
        if previous is not None:
            return previous
        assert turn.state is not None
        self.state = turn.state
        if isinstance(input, dict) and input.get("kind") == "text" and waits_for_secret(self.state):
            input = {**input, "text": REDACTED}  # never a secret in the transcript (SPEC §8)
        if isinstance(input, dict) and input.get("kind") == "answer":
            input = {**input, "value": to_plain(shown_answer(self.state, input.get("value")))}
        self.restore = turn.restore if restore else None
        try:
            outputs = play()
        except BaseException:
            turn.abort()
            raise
        finally:
            self.restore = None
        turn.finish(self.state, outputs, input, message_id)
        return outputs

    def start(self) -> list[Output]:
        return self._durable(lambda: Conversation.start(self), {"kind": "start"})

    def send_text(self, text: str, *, message_id: str | None = None) -> list[Output]:
        return self._durable(lambda: Conversation.send_text(self, text), {"kind": "text", "text": text}, message_id)

    def send_event(self, name: str, payload: Any = None) -> list[Output]:
        return self._durable(lambda: Conversation.send_event(self, name, payload), {"kind": "event", "name": name})

    def send_location(self, lat: float, lon: float) -> list[Output]:
        return self._durable(lambda: Conversation.send_location(self, lat, lon),
                             {"kind": "location", "lat": lat, "lon": lon})

    def send_attachment(self, kind: str, **data: Any) -> list[Output]:
        return self._durable(lambda: Conversation.send_attachment(self, kind, **data),
                             {"kind": "attachment", "type": kind})

    def send_answer(self, value: Any, *, message_id: str | None = None) -> list[Output]:
        return self._durable(lambda: Conversation.send_answer(self, value), {"kind": "answer", "value": value},
                             message_id)

    def back(self, *, first: bool = False) -> list[Output]:
        return self._durable(lambda: Conversation.back(self, first=first), {"kind": "back", "first": first})

    def advance(self, seconds: float) -> list[Output]:
        return self._durable(lambda: Conversation.advance(self, seconds), {"kind": "advance", "seconds": seconds},
                             restore=False)

    def restart(self) -> list[Output]:
        """Start over: a fresh state replaces the stored one (in one committed turn); the output
        sequence goes on, so a channel never sees a `seq` twice."""
        def reset() -> list[Output]:
            self.state = self.state.renewed(self._seed)
            return Conversation.start(self)

        return self._durable(reset, {"kind": "restart"}, restore=False)
