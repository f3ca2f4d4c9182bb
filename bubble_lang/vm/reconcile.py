"""Stored conversations meet an edited bot (layer 7): SPEC §14, "changing a bot never breaks a
stored conversation".

Input: the linked image and a conversation state whose frames were made by another revision of
the bot (`state.bot != image.revision`). Output: the state fitted to this image, and one note per
frame it had to change, for the host's log. For each frame, by its stable identity:

- the code is unchanged (same hash): the frame continues exactly where it was;
- the code changed: the frame starts its dialog (or task) again from the top; conversation
  variables are kept, the frame's locals, pending question and wizard checkpoints are not (Back
  must never resume at a stale position, `wizard.py`);
- the dialog is gone: the frame is dropped; an empty stack gets `__root__` on the next run.

Timeouts of questions that no longer wait are dropped with them. Never an internal error: a
frame this bubble cannot place is dropped, with a note.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..runtime.session import SessionState
from ..runtime.waits import EmitTimer


def reconcile(image: Any, state: SessionState) -> list[str]:
    """Fit `state` to `image` in place; returns what was done, one line per changed frame."""
    notes: list[str] = []
    kept = []
    for frame in state.frames:
        code = image.codes.get(frame.code) if frame.kind in ("dialog", "task") else None
        entry = image.entries.get(frame.code) if frame.kind == "dialog" else None
        if code is None or (frame.kind == "dialog" and entry is None):
            notes.append(f"{frame.kind} `{frame.name}` is no longer in the bot: it was left")
            continue
        if entry is not None:
            frame.name = entry.display
        if code.code_hash != frame.hash:
            dropped = " (its wizard steps are gone: Back cannot return to them)" if frame.checkpoints else ""
            notes.append(f"{frame.kind} `{frame.name}` changed: it starts again from its top, variables kept{dropped}")
            frame.checkpoints = []
            frame.hash = code.code_hash
            frame.pc = 0
            frame.locals = {}
            frame.stack = []
            frame.wait = None
            frame.asked = 0
        kept.append(frame)
    state.frames = kept
    depth_of = {frame.wait.timer: depth for depth, frame in enumerate(kept)
                if frame.wait is not None and frame.wait.timer is not None}
    state.timers = [timer if isinstance(timer, EmitTimer) else attrs.evolve(timer, depth=depth_of[timer.id])
                    for timer in state.timers if isinstance(timer, EmitTimer) or timer.id in depth_of]
    state.bot = image.revision
    return notes
