"""Errors of the storage layer (layer 8), each carrying one B56x diagnostic.

They are `BubbleError`s, so every edge renders them as a diagnostic, never as a traceback. The
engine tells them apart by class: `StoreBusy` → refuse the message with "busy, retry";
`TurnConflict` → the turn was not acknowledged, play it again; `CorruptState` → quarantine the
conversation and start it fresh (or, for `newer`, refuse); `StoreUnavailable` → the store is down.
"""

from __future__ import annotations

from ..diagnostics import BubbleError, BubbleUsageError, make_diagnostic


class StoreError(BubbleError):
    """Any failure of a conversation store."""

    def __init__(self, code: str, message: str, *, hint: str | None = None, notes: tuple[str, ...] = ()):
        super().__init__([make_diagnostic(code, message, None, hint=hint, notes=notes)])
        self.message = message


class StoreUnavailable(StoreError):
    """The SQLite file cannot be opened or Redis does not answer (B561)."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__("B561", message, hint=hint)


class StoreBusy(StoreError):
    """Waiting for a conversation's lock took longer than allowed (B562).

    Raised instead of waiting forever, so a message is refused visibly, never silently dropped.
    """

    def __init__(self, conversation_id: str | None, waited: float = 0.0, *, detail: str = ""):
        detail = detail or f"another turn held its lock for {waited:.1f} s"
        what = f"conversation `{conversation_id}`" if conversation_id is not None else "the store"
        super().__init__("B562", f"{what} is busy: {detail}", hint="send the message again later")
        self.conversation_id = conversation_id


class TurnConflict(StoreError):
    """A commit found that its turn is stale: lock lost, revision moved, or a claimed timer gone (B563).

    Nothing of the turn was written; the engine must not acknowledge it and may play it again.
    """

    def __init__(self, conversation_id: str, reason: str):
        super().__init__("B563", f"turn of conversation `{conversation_id}` was not committed: {reason}",
                         hint="play the message again")
        self.conversation_id = conversation_id
        self.reason = reason


class CorruptState(StoreError):
    """Stored data of one conversation cannot be read (B564), or is newer than this bubble (B565).

    `newer` tells the two apart: damaged data is quarantined and the user starts fresh; data from a
    newer release is better refused (a rollback should not throw away conversations).
    """

    def __init__(self, conversation_id: str, reason: str, *, newer: bool = False):
        code = "B565" if newer else "B564"
        what = "was written by a newer bubble" if newer else "cannot be read"
        super().__init__(code, f"stored state of conversation `{conversation_id}` {what}: {reason}",
                         hint=("run the newer bubble, or quarantine the conversation to start it fresh" if newer
                               else "quarantine the conversation to start it fresh; the raw data is kept"))
        self.conversation_id = conversation_id
        self.reason = reason
        self.newer = newer


def bad_store_url(message: str, hint: str) -> BubbleUsageError:
    """The B560 usage error for a store URL bubble cannot use."""
    return BubbleUsageError([make_diagnostic("B560", message, None, hint=hint)])
