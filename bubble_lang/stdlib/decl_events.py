"""Declarations of the event builtins (layer 4): data for the registry, no implementations."""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_event = partial(declare, category="events")

DECLARATIONS: tuple[Builtin, ...] = (
    _event(
        "event", "name", "event",
        """Makes an event pattern for `await`: the conversation waits until an event of that
        name arrives (from `emit`, the server API or a test), which is then bound to
        `event` with its payload.""",
        'event("payment_done") -> an event pattern for `await`',
    ),
)
