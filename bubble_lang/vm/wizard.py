"""Wizard steps and Back (layer 7, SPEC §9).

Input: the machine at a `step` instruction, or a turn whose input is `BackInput`. Output: the
step's output (`Step k of n — Title`, with `can_back`), checkpoints kept on the dialog frame, and
for Back the state rolled back to a step boundary with that step about to run again.

Why checkpoints live on the frame: a boundary is only meaningful while the dialog that passed it
is running. When the dialog returns, its frame — and with it its checkpoints — goes away, so Back
can never resume inside a finished dialog; when the bot is edited and the dialog's code changes,
`reconcile.py` restarts the frame and drops them, so Back never resumes at a stale position. The
state's codec stores them like any other frame field (`records.py`).

The rules (docs/widgets.md):

- A checkpoint records the `step` instruction itself (its operands included), the frame's locals
  and operand stack, every conversation global and `answer`, copied. Back restores exactly
  those, drops the frames above, and the `step` runs again: its header is shown again, it records
  its checkpoint again, and the step's first question is asked again.
- Which boundary: when an answer was taken since the current step's boundary, Back restarts the
  current step; otherwise it goes to the previous step (the seed's "previous slide" rule).
  `first` goes to the earliest boundary still kept.
- `final: true` drops every earlier boundary: Back never goes past a final step.
- Not rolled back: the user record (shared with the user's other conversations), tags,
  once-counters, history, messages already sent and extension calls already made.
- At most `wizard_checkpoints` boundaries, weighing at most `wizard_bytes` together, are kept
  per conversation; the oldest go first. A boundary too big to keep alone is not kept.
- Back with nowhere to go says so in a message (and asks the open question again); it never fails.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..runtime.agenda import GoBack, RunFrames
from ..runtime.script_errors import LimitError
from ..runtime.session import Checkpoint, Frame, SessionState
from ..runtime.waits import EmitTimer, PendingAsk
from .questions import send_question
from .timers import touch_session

NOTHING_TO_GO_BACK_TO = "There is no step to go back to."
AT_FIRST_STEP = "You are at the first step: there is no step before it."
PAST_FINAL_STEP = "“{title}” was the final step: you cannot go back past it."
EARLIER_NOT_KEPT = "Back cannot go further: the earlier steps are no longer kept."
BOT_CHANGED = "Back is not available here: the bot changed since this step."


def copy_value(value: Any) -> Any:
    """A copy of a bubble value that the VM's in-place changes cannot reach: lists and maps are
    copied all the way down, everything else is immutable and shared (as `records.clone` does)."""
    kind = type(value)
    if kind is list:
        return [copy_value(item) for item in value]
    if kind is dict:
        return {key: copy_value(item) for key, item in value.items()}
    return value


# ---------------------------------------------------------------------------------- passing a step
def pass_step(m: Any, frame: Frame, pc: int, title: str, final: bool, index: int, total: int) -> None:
    """`step "Title"[, final: true]` runs in `frame` at instruction `pc` (its two operands still
    on the frame's stack): keep a checkpoint, then send the step output."""
    state = m.state
    if final:
        for each in state.frames:
            each.checkpoints = []
    can_back = not final and any(each.checkpoints for each in state.frames)
    if frame.kind == "dialog":
        checkpoint = _checkpoint(m, frame, pc, title, final, index, total)
        if checkpoint is not None:
            frame.checkpoints.append(checkpoint)
            _bound(state, m.limits.wizard_checkpoints, m.limits.wizard_bytes)
    if m.tracer is not None:
        m.tracer.stepped(frame, pc)
    m.emit("step", title, {"title": title, "final": final, "index": index, "total": total, "can_back": can_back})


def _checkpoint(m: Any, frame: Frame, pc: int, title: str, final: bool, index: int, total: int) -> Checkpoint | None:
    """The boundary as copies, or None when its copies alone weigh more than `wizard_bytes`."""
    state = m.state
    copies = (copy_value(frame.locals), copy_value(frame.stack), copy_value(state.globals),
              copy_value(state.runtime.get("answer")))
    size = 0
    try:
        for part in copies:
            size += m.meter.measure(part)[0]
    except LimitError:  # one part over a value limit: too big to keep
        return None
    if size > m.limits.wizard_bytes:
        return None
    locals_, stack, globals_, answer = copies
    return Checkpoint(pc=pc, hash=frame.hash, title=title, index=index, total=total, final=final,
                      answers=state.answers, size=size, locals=locals_, stack=stack, globals=globals_,
                      answer=answer)


def _bound(state: SessionState, count: int, size: int) -> None:
    """Drop the oldest checkpoints (bottom frame first) until both limits hold."""
    frames = [frame for frame in state.frames if frame.checkpoints]
    kept = sum(len(frame.checkpoints) for frame in frames)
    weight = sum(cp.size for frame in frames for cp in frame.checkpoints)
    for frame in frames:
        while frame.checkpoints and (kept > count or weight > size):
            weight -= frame.checkpoints.pop(0).size
            kept -= 1


def live_checkpoints(state: SessionState) -> list[tuple[int, int, Checkpoint]]:
    """(frame depth, position in the frame, checkpoint) of every boundary Back may reach, oldest
    first: the frames' own order is the order they were passed in, since a frame below another
    cannot pass a step while the one above it runs."""
    return [(depth, position, checkpoint) for depth, frame in enumerate(state.frames) if frame.kind == "dialog"
            for position, checkpoint in enumerate(frame.checkpoints)]


# ---------------------------------------------------------------------------------- Back
def advance_back(m: Any, job: GoBack) -> None:
    """A `BackInput` as a turn: roll back to the boundary the rules pick and run from it, or say
    why there is none (the open question is asked again)."""
    m.agenda.pop()
    state = m.state
    if state.started and not state.closed:
        touch_session(m)  # pressing Back is the user's activity
    live = live_checkpoints(state) if state.started and not state.closed else []
    if not live:
        _refuse(m, NOTHING_TO_GO_BACK_TO)
        return
    if job.first:
        target = live[0]
    else:
        current = live[-1]
        if state.answers > current[2].answers:
            target = current  # the current step took an answer: it starts again
        elif current[2].final:
            _refuse(m, PAST_FINAL_STEP.format(title=current[2].title))
            return
        elif len(live) < 2:  # the first step, or the earlier ones were dropped (limits, a bot edit)
            _refuse(m, AT_FIRST_STEP if current[2].index <= 1 else EARLIER_NOT_KEPT)
            return
        else:
            target = live[-2]
    depth, position, checkpoint = target
    frame = state.frames[depth]
    if checkpoint.hash != frame.hash:
        frame.checkpoints = []
        _refuse(m, BOT_CHANGED)
        return
    restore(state, depth, position, checkpoint)
    m.agenda.append(RunFrames(root=True))


def restore(state: SessionState, depth: int, position: int, checkpoint: Checkpoint) -> None:
    """Put the conversation back at `checkpoint` of the frame at `depth`: frames above it go,
    its later checkpoints go (the `step` about to run records its own again), variables return."""
    del state.frames[depth + 1:]
    frame = state.frames[depth]
    del frame.checkpoints[position:]
    frame.pc = checkpoint.pc
    frame.locals = copy_value(checkpoint.locals)
    frame.stack = copy_value(checkpoint.stack)
    frame.wait = None
    frame.asked = 0
    state.globals = copy_value(checkpoint.globals)
    state.runtime["answer"] = copy_value(checkpoint.answer)
    _drop_stale_timers(state)


def _drop_stale_timers(state: SessionState) -> None:
    """Timeouts of questions and awaits that no longer wait go with them (as in `reconcile.py`)."""
    depth_of = {frame.wait.timer: depth for depth, frame in enumerate(state.frames)
                if frame.wait is not None and frame.wait.timer is not None}
    state.timers = [timer if isinstance(timer, EmitTimer) else attrs.evolve(timer, depth=depth_of[timer.id])
                    for timer in state.timers if isinstance(timer, EmitTimer) or timer.id in depth_of]


def _refuse(m: Any, text: str) -> None:
    """Back has nowhere to go: say so, and ask the open question again (as a rejected answer does)."""
    m.say(text, notice="back")
    frames = m.state.frames
    if frames and isinstance(frames[-1].wait, PendingAsk):
        send_question(m, frames[-1])


def can_go_back(state: SessionState) -> bool:
    """Whether Back now reaches a boundary (channels may grey their Back button out)."""
    live = live_checkpoints(state)
    if not live or state.closed:
        return False
    current = live[-1][2]
    return state.answers > current.answers or (not current.final and len(live) > 1)
