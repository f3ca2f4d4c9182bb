"""A turn as a resumable step (layer 7): `step(image, state, input) -> Step(outputs, waiting)`.

Input: the linked bot, a conversation's state, and what arrived — a user input, a due timer, or
the result of the extension call the turn stopped at. Output: a `Step` (`runtime/steps.py`),
with `state` changed in place.

A new turn reconciles the state with this bot revision (`reconcile.py`), keeps a copy to roll
back to, and puts the input's job on the agenda; then jobs are advanced (`phases.py`) until the
agenda is empty — the turn is over — or an `extension` call stops it: the step returns
`Extension(request)` with no outputs, the turn in progress stays in `state.turn` (plain data),
and the host calls `step` again with the `ExtensionResult`. A script error anywhere, before or
after the stop, rolls the state back to the start of the turn, runs `__error__` (or says the
bot's error text) and reports the error (SPEC §7 step 9); nothing half-done is ever kept.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import pendulum

from ..diagnostics import BubbleRuntimeError, make_diagnostic
from ..runtime.agenda import ErrorDone, FireTimer, GoBack, Handle, RunFrames
from ..runtime.input_checks import check_input
from ..runtime.inputs import AnswerInput, BackInput, ExtensionRequest, ExtensionResult, StepInput, TextInput, TimerInput
from ..runtime.records import assign
from ..runtime.script_errors import ScriptError
from ..runtime.session import SessionState, TurnProgress
from ..runtime.steps import Answer, Closed, Event, Extension, Idle, Step, Timer
from ..runtime.value_bounds import ValueMeter
from ..runtime.waits import PendingAsk, PendingAwait
from .extension_calls import apply_result
from .machine import Machine, ScriptFailure
from .phases import drive, start_dialog
from .questions import media_kinds, question_view
from .reconcile import reconcile
from .timers import next_due, take
from .widget_answers import as_message


class StepMismatch(Exception):
    """The host stepped a conversation with an input that does not fit its turn (a result for
    an extension call it is not waiting on, or a new input while a call is pending): a bug in
    the host, never the user's."""


def step(image: Any, state: SessionState, input: StepInput, *, now: pendulum.DateTime, tracer: Any = None,
         tester: Any = None, rollback: Callable[[], SessionState] | None = None) -> Step:
    """Play `input` (or continue the turn stopped for IO with its `ExtensionResult`).

    `rollback`, when the host has one, gives the state as it was before the turn (a store host
    reads it back from what it committed); without it the turn keeps a copy of its own."""
    notes: list[str] = []
    turn = state.turn
    if turn is not None and turn.bot != image.revision:
        # The bot changed while a call was under way: start the turn over on the new bot (the
        # extension is called again; extensions should be idempotent, docs/extensions.md).
        assign(state, _before(turn, rollback))
        input, turn = turn.input, None
    if turn is None:
        if isinstance(input, ExtensionResult):
            raise StepMismatch(f"conversation `{state.conversation_id}` is not waiting for an extension call")
        input = check_input(input, image.config.limits)  # InputRejected before anything changes
        changed = asked_anew = False
        if state.bot != image.revision:
            top = state.frames[-1] if state.frames else None
            waited = top is not None and isinstance(top.wait, PendingAsk)
            notes = reconcile(image, state)
            changed = bool(notes)
            asked_anew = waited and (not state.frames or state.frames[-1] is not top or top.wait is None)
        turn = TurnProgress(input=input, rollback=None if rollback else state.snapshot(), bot=image.revision)
        state.turn = turn
        m = Machine(image, state, now, agenda=turn.agenda, tracer=tracer, tester=tester)
        _begin(m, input, restart_frames=changed, asked_anew=asked_anew)
        resume = None
    else:
        pending = turn.pending
        if not isinstance(input, ExtensionResult) or pending is None or input.request_id != pending.id:
            raise StepMismatch(f"conversation `{state.conversation_id}` waits for extension call "
                               f"`{pending.id if pending else '?'}`")
        m = Machine(image, state, now, agenda=turn.agenda, tracer=tracer, tester=tester)
        m.outputs = turn.outputs
        m.steps = turn.steps
        m.deadline -= turn.seconds
        resume = (pending, input)
        turn.pending = None
    m.rollback = rollback
    _play(m, turn, resume)
    if m.io is not None:
        turn.pending = m.io
        turn.outputs = m.outputs
        turn.steps = m.steps
        turn.seconds += time.monotonic() - m.started
        return Step(waiting=Extension(request=m.io), notes=tuple(notes))
    state.turn = None
    return Step(outputs=tuple(m.outputs), waiting=waiting_of(m), errors=tuple(turn.errors),
                next_due=next_due(state, image.session_timeout), notes=tuple(notes))


def _before(turn: TurnProgress, rollback: Callable[[], SessionState] | None) -> SessionState:
    """A fresh copy of the state before the turn (reconciled with the bot again, if needed)."""
    if turn.rollback is not None:
        return turn.rollback.snapshot()
    if rollback is None:
        raise StepMismatch("a turn without its own copy was stepped without `rollback`")
    return rollback()


def _begin(m: Machine, input: StepInput, *, restart_frames: bool, asked_anew: bool) -> None:
    """The jobs of a new turn: the input's, and first a run of any frame an edit restarted.

    When the edit restarted (or removed) the dialog whose question the user was answering, a
    message is not taken as the answer to whatever is asked now: the restarted dialog asks
    again and the user answers that (docs/runtime-choices.md)."""
    if isinstance(input, TimerInput):
        timer = take(m.state, input.timer_id, m.image.session_timeout)
        if timer is not None:
            m.agenda.append(FireTimer(timer=timer))
    elif isinstance(input, BackInput):
        m.agenda.append(GoBack(first=input.first))  # `vm/wizard.py`
    elif not (isinstance(input, (TextInput, AnswerInput)) and asked_anew):
        m.agenda.append(Handle(input=as_message(m.state, input)))
    if restart_frames:
        m.agenda.append(RunFrames(root=True))


def _play(m: Machine, turn: TurnProgress, resume: tuple[ExtensionRequest, ExtensionResult] | None) -> None:
    """Advance the agenda; on a failure, roll back and handle the error, then go on."""
    while True:
        try:
            if resume is not None:
                (request, result), resume = resume, None
                apply_result(m, request, result)
            drive(m)
            if turn.recovering and not m.outputs and m.io is None:
                m.emit("text", m.image.config.error_text, {"error": True})
            return
        except ScriptError as error:
            # Raised outside an instruction (an answer checked against a widget, a trigger
            # value, an extension result): blame the instruction the top frame stopped at.
            frames = m.state.frames
            top = frames[-1] if frames else None
            failure = m.fail(error, top, max((top.pc if top else 1) - 1, 0))
            _recover(m, turn, failure.to_runtime_error(), failure.error.message, failure.error.code)
        except ScriptFailure as failure:
            _recover(m, turn, failure.to_runtime_error(), failure.error.message, failure.error.code)
        except RecursionError:
            error = BubbleRuntimeError([make_diagnostic(
                "B450", "the script nested too deeply", None,
                hint="look for dialogs or tasks that call each other without end")])
            _recover(m, turn, error, "nested too deeply", "B450")
        except Exception as crash:  # noqa: BLE001 - a bug in bubble must not end the conversation
            if os.environ.get("BUBBLE_DEBUG") == "1":
                raise
            error = BubbleRuntimeError([make_diagnostic(
                "B499", f"internal error in bubble (this is a bug): {type(crash).__name__}: {crash}", None,
                hint="run again with BUBBLE_DEBUG=1 to see the internal frames, and report it")])
            _recover(m, turn, error, "internal error", "B499")


def _recover(m: Machine, turn: TurnProgress, error: BubbleRuntimeError, message: str, code: str) -> None:
    """The turn failed: back to the state before it, then `__error__` (or the error text) runs as
    the rest of this turn. A failure while `__error__` runs gives just the error text."""
    turn.errors.append(error)
    state = m.state
    assign(state, _before(turn, m.rollback))
    if state.bot != m.image.revision:
        reconcile(m.image, state)
    state.turn = turn
    turn.agenda.clear()
    m.outputs = []
    m.io = None
    m.steps = 0
    m.meter = ValueMeter(m.limits, m.image.constant_sizes)
    m.deadline = time.monotonic() + m.limits.turn_deadline_seconds  # `__error__` gets a deadline of its own
    m.regex_budget = None
    m.sentences = {}
    m.patterns = {}
    handler = None
    if not turn.recovering:
        turn.recovering = True
        try:
            handler = m.choose(m.image.variants("__error__"))
        except (ScriptFailure, ScriptError, RecursionError):
            handler = None
    if handler is None:
        return  # `_play` says the error text
    state.runtime["error"] = {"message": message, "code": code}
    m.agenda.append(ErrorDone(code=handler.ref))
    # Like `__returning__`: when it ends, a question waiting below is asked again.
    start_dialog(m, handler, root=False, returning=True)


def describe_waiting(image: Any, state: SessionState, now: pendulum.DateTime) -> Any:
    """What a stored conversation waits for (a channel that reconnects redraws it)."""
    return waiting_of(Machine(image, state, now))


def waiting_of(m: Machine) -> Any:
    """What the conversation waits for now that the turn is over."""
    state = m.state
    if state.closed:
        return Closed()
    top = state.frames[-1] if state.frames else None
    wait = top.wait if top is not None else None
    deadline = None
    if wait is not None and wait.timer is not None:
        deadline = next((timer.due for timer in state.timers if timer.id == wait.timer), None)
    if isinstance(wait, PendingAsk):
        text, choices, widget = question_view(m, top, max(top.asked - 1, 0))
        return Answer(question=text, prompt=wait.prompt, choices=tuple(choices), widget=widget, deadline=deadline,
                      media=tuple(media_kinds(wait.options.get("expecting"))))
    if isinstance(wait, PendingAwait):
        return Event(name=wait.event, deadline=deadline)
    if state.timers:
        return Timer(due=state.timers[0].due)
    return Idle()
