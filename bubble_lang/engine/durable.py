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

from collections.abc import Callable
from typing import Any

from ..diagnostics import BubbleError, BubbleUsageError, make_diagnostic
from ..runtime.outputs import Output
from ..runtime.session import SessionState
from ..storage import CorruptState, Timer
from ..vm import timers
from .bot import Bot, Clock, Conversation
from .extension_io import ExtensionCaller


def store_key(bot_id: str, conversation_id: str) -> str:
    """Where a bot's conversation lives in a store."""
    return f"{bot_id}/{conversation_id}"


class StoredTurn:
    """One turn of a stored conversation, in the pieces a host drives: `begin` (lock, load),
    then the VM, then `finish` (one commit) or `abort` (release, write nothing). `begin` and
    `finish` block on the store; an asynchronous host runs them off its event loop."""

    def __init__(self, bot: Bot, store: Any, key: str, fresh: Callable[[], SessionState],
                 problems: list[BubbleError]):
        self.bot = bot
        self.store = store
        self.key = key
        self.fresh = fresh
        self.problems = problems
        self.bot_id = key.split("/", 1)[0]
        self.state: SessionState | None = None
        self._context: Any = None
        self._turn: Any = None
        self._user_before: dict[str, Any] = {}

    def begin(self, message_id: str | None = None) -> list[Output] | None:
        """Lock and load. Returns the outputs of the committed turn that already handled
        `message_id` (a client retry: nothing is played twice), else None and `state` is set."""
        try:
            self._context = self.store.begin_turn(self.key)
            self._turn = self._context.__enter__()
        except CorruptState as error:
            quarantine(self.store, error, self.problems)
            self._context = self.store.begin_turn(self.key)
            self._turn = self._context.__enter__()
        try:
            if message_id is not None:
                previous = self._turn.find_message(message_id)
                if previous is not None:
                    self.abort()
                    return [Output.from_plain(plain) for plain in previous]
            state = decode(self.store, self.key, self._turn.state, self.problems) if self._turn.state else None
            if state is None:
                # A new (or set aside) conversation: its outputs are numbered on from what channels
                # already saw, so a `seq` never means two different outputs.
                state = self.fresh()
                state.output_seq = self.store.delivered(self.key)
            self.state = state
            user = self._turn.load_user(self.bot_id, self.state.user_id)
            if user:
                self.state.user = dict(user)
            self._user_before = dict(self.state.user)
            return None
        except BaseException:
            self.abort()
            raise

    def claim(self, timer_id: str) -> bool:
        """Take a stored timer to fire it in this turn (the commit fails if another took it)."""
        return bool(self._turn.claim(timer_id))

    def renew(self) -> bool:
        """Keep the lease while the turn waits on IO."""
        return bool(self._turn.renew())

    def finish(self, state: SessionState, outputs: list[Output], input: Any, message_id: str | None = None) -> None:
        """Commit state, timers, user record and transcript entry in one transaction."""
        try:
            self._turn.replace_timers([
                Timer(timer_id=f"{self.key}/{timer.id}", conversation_id=self.key, due=timer.due,
                      payload={"id": timer.id})
                for timer in timers.pending(state, self.bot.image.session_timeout)])
            if state.user != self._user_before:
                self._turn.save_user(self.bot_id, state.user_id, state.user)
            self._turn.commit(state.to_plain(), [o.to_plain() for o in outputs], input=input, message_id=message_id)
        except BaseException:
            self.abort()
            raise
        self._close(None)

    def abort(self) -> None:
        """Release the lock without writing anything."""
        self._close(None)

    def _close(self, error: BaseException | None) -> None:
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
        self._seed = template.state.seed
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
        return SessionState(conversation_id=self.state.conversation_id, user_id=self.state.user_id, seed=self._seed)

    def _durable(self, play: Callable[[], list[Output]], input: Any, message_id: str | None = None) -> list[Output]:
        turn = StoredTurn(self.bot, self.store, self.key, self._fresh, self.problems)
        previous = turn.begin(message_id)
        if previous is not None:
            return previous
        assert turn.state is not None
        self.state = turn.state
        try:
            outputs = play()
        except BaseException:
            turn.abort()
            raise
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

    def advance(self, seconds: float) -> list[Output]:
        return self._durable(lambda: Conversation.advance(self, seconds), {"kind": "advance", "seconds": seconds})

    def restart(self) -> list[Output]:
        """Start over: a fresh state replaces the stored one (in one committed turn); the output
        sequence goes on, so a channel never sees a `seq` twice."""
        def reset() -> list[Output]:
            fresh = self._fresh()
            fresh.output_seq = self.state.output_seq
            fresh.user = self.state.user
            self.state = fresh
            return Conversation.start(self)

        return self._durable(reset, {"kind": "restart"})
