"""Durable conversations (layer 9): every turn under the store's lock, committed before delivery.

Input: a `Bot`, a store from `storage.open_store`, a conversation id. Output: a
`DurableConversation` with the same methods as `Conversation` (`start`, `send_text`,
`send_event`, `send_location`, `send_attachment`, `advance`), each of which:

1. takes the conversation's lock and loads its committed state (`store.begin_turn`);
2. plays the turn on the VM (due timers first);
3. writes state, timers, the user record and the transcript entry in ONE transaction;
4. only then returns the outputs (SPEC §14: a turn is acknowledged only after its commit).

A stored state that cannot be read is moved aside (`store.quarantine`) and the user gets a fresh
conversation, with a diagnostic naming the conversation; other conversations are untouched. A
state written by a newer bubble is refused rather than thrown away.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..diagnostics import BubbleError, BubbleUsageError, make_diagnostic
from ..runtime.outputs import Output
from ..runtime.session import SessionState
from ..storage import CorruptState, Timer
from .bot import Bot, Clock, Conversation


class DurableConversation(Conversation):
    """A conversation whose state lives in a store; see the module docstring."""

    def __init__(self, bot: Bot, store: Any, conversation_id: str, *, user_id: str | None = None,
                 clock: Clock | None = None, seed: int | None = None, bot_id: str | None = None):
        template = bot.conversation(conversation_id, user_id=user_id, clock=clock, seed=seed)
        super().__init__(bot, template.state, template.clock)
        self.store = store
        self.bot_id = bot_id or bot.name
        self.problems: list[BubbleError] = []
        self.resumed = False
        stored = self._read(conversation_id)
        if stored is not None:
            self.state = stored
            self.resumed = stored.started

    # ------------------------------------------------------------------ loading
    def _read(self, conversation_id: str) -> SessionState | None:
        try:
            stored = self.store.load(conversation_id)
        except CorruptState as error:
            self._quarantine(error)
            return None
        if stored is None or stored.state is None:
            return None
        return self._decode(conversation_id, stored.state)

    def _decode(self, conversation_id: str, data: dict[str, Any]) -> SessionState | None:
        try:
            return SessionState.from_plain(data)
        except (KeyError, TypeError, ValueError) as error:
            self._quarantine(CorruptState(conversation_id, f"the state does not fit this bubble: {error}"))
            return None

    def _quarantine(self, error: CorruptState) -> None:
        if getattr(error, "newer", False):
            raise error  # a rollback of bubble must not throw conversations away
        self.store.quarantine(error.conversation_id, error.reason)
        self.problems.append(BubbleUsageError([make_diagnostic(
            "B564", f"conversation `{error.conversation_id}` could not be read and starts afresh: {error.reason}",
            None, hint="the stored data was kept aside; see `store.quarantined(id)`")]))

    # ------------------------------------------------------------------ turns
    def _durable(self, play: Callable[[], list[Output]], input_: Any, message_id: str | None = None) -> list[Output]:
        cid = self.state.conversation_id
        try:
            turn_context = self.store.begin_turn(cid)
            turn = turn_context.__enter__()
        except CorruptState as error:
            self._quarantine(error)
            turn_context = self.store.begin_turn(cid)
            turn = turn_context.__enter__()
        try:
            if message_id is not None:
                previous = turn.find_message(message_id)
                if previous is not None:  # a client retry: the turn was already committed
                    turn_context.__exit__(None, None, None)
                    return [Output(kind=o.get("kind", "text"), text=o.get("text", ""),
                                   data={k: v for k, v in o.items() if k not in ("kind", "text")})
                            for o in previous]
            fresh = self.state
            if turn.state is not None:
                loaded = self._decode(cid, turn.state)
                if loaded is not None:
                    self.state = loaded
                else:
                    self.state = SessionState(conversation_id=cid, user_id=fresh.user_id, seed=fresh.seed)
            else:
                self.state = SessionState(conversation_id=cid, user_id=fresh.user_id, seed=fresh.seed)
            user = turn.load_user(self.bot_id, self.state.user_id)
            if user:
                self.state.user = dict(user)
            before_user = dict(self.state.user)
            outputs = play()
            turn.replace_timers([Timer(timer_id=f"{cid}/{t['id']}", conversation_id=cid, due=t["due"],
                                       payload={"id": t["id"]}) for t in self.pending_timers()])
            if self.state.user != before_user:
                turn.save_user(self.bot_id, self.state.user_id, self.state.user)
            turn.commit(self.state.to_plain(), [o.to_plain() for o in outputs], input=input_, message_id=message_id)
        except BaseException:
            turn_context.__exit__(*sys.exc_info())
            raise
        turn_context.__exit__(None, None, None)
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
        """Start over: a fresh state replaces the stored one (in one committed turn)."""
        cid = self.state.conversation_id
        template = self.bot.conversation(cid, user_id=self.state.user_id, clock=self.clock)

        def reset() -> list[Output]:
            self.state = template.state
            return Conversation.start(self)

        return self._durable(lambda: reset(), {"kind": "restart"})
