"""What a frame waits for, and the timers of a conversation (layer 6): typed records, stored
with the conversation state (`records.py` derives how).

A frame waits on a question (`PendingAsk`, from `ask` or `prompt`) or on an event
(`PendingAwait`, from `await`). Timers are the scheduled side of time (SPEC §5): a scheduled
`emit` (`EmitTimer`), the timeout of a waiting ask (`AskTimer`) or await (`AwaitTimer`), and the
session timeout (`SessionTimer`, derived from `last_seen`, never stored). All are frozen: the VM
replaces them, never edits them, so a rollback copy can share them.
"""

from __future__ import annotations

from typing import Any, Union

from .records import record, value_field


@record("ask", frozen=True)
class PendingAsk:
    """An `ask` (or, with `prompt=True`, a `prompt`) waiting for its answer.

    `target` is where `x = ask …` stores the answer: `("global", name)`, `("local", name)` or
    `("user", key, …)`; empty for a plain `ask` (the answer goes to `answer` only).
    """

    question: Any = value_field()
    options: dict[str, Any] = value_field(factory=dict)
    target: tuple[str, ...] = ()
    prompt: bool = False
    timer: str | None = None  # the id of its `AskTimer`, when it has a timeout


@record("await", frozen=True)
class PendingAwait:
    """`await event("name")`, until that event arrives (or its `AwaitTimer` fires)."""

    event: str
    timer: str | None = None


FrameWait = Union[PendingAsk, PendingAwait]


@record("emit_timer", frozen=True)
class EmitTimer:
    """`emit … in:/at:`: when due, the event comes back to this conversation (no `to:`) or is
    sent out as an `emit` output (with `to:`)."""

    id: str
    due: float  # unix seconds
    name: str
    payload: Any = value_field(default=None)
    to: str | None = None


@record("ask_timer", frozen=True)
class AskTimer:
    """Releases the ask of the frame at `depth` (if it still waits on this timer), then runs
    `dialog` (its `timeout_dialog:`) or `__ask_timeout__`."""

    id: str
    due: float
    depth: int
    dialog: str | None = None


@record("await_timer", frozen=True)
class AwaitTimer:
    """Releases the `await` of the frame at `depth` with `event` nil."""

    id: str
    due: float
    depth: int


@record("session_timer", frozen=True)
class SessionTimer:
    """The session timeout (`@timeout`, 15 minutes by default): runs `__timeout__`. Derived from
    the conversation's `last_seen` when asked for, never stored."""

    id: str
    due: float


StoredTimer = Union[EmitTimer, AskTimer, AwaitTimer]
AnyTimer = Union[EmitTimer, AskTimer, AwaitTimer, SessionTimer]
SESSION_TIMER_ID = "session"
