"""What a run of instructions tells the loop that called it (layer 7), as one enum."""

from __future__ import annotations

import enum


class Signal(enum.Enum):
    """Why `Machine.execute` stopped running a frame."""

    RETURNED = "returned"  # the frame ended (`return`, the end of its code)
    WAITING = "waiting"  # the frame now waits on a question or an event
    PUSHED = "pushed"  # another frame (or a job) now runs above it, or it was replaced
    CLOSED = "closed"  # `close`: the conversation ends
    SUSPENDED = "suspended"  # the turn stops for host IO (`extension`); the frame resumes after it


RETURNED = Signal.RETURNED
WAITING = Signal.WAITING
PUSHED = Signal.PUSHED
CLOSED = Signal.CLOSED
SUSPENDED = Signal.SUSPENDED
