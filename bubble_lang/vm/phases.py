"""SPEC §7 as jobs (layer 7): how a message, an event, a location, an attachment, a control's
value or a due timer moves through the dialog stack (widget answers: `widget_answers.py`).

Input: a machine whose `agenda` holds the turn's jobs (`runtime/agenda.py`). Output: the state
changed, outputs sent. `drive` advances the top job until the agenda is empty or an `extension`
call stops the turn; each `advance_*` either finishes its job (pops it), moves it to its next
phase, or pushes frames and jobs above it and is called again when they are done. A job never
runs a frame or a task by calling back into Python: that is what lets any frame — a dialog, a
`before:` task, a `perform`ed task — stop the turn for IO and continue later (DESIGN §1b).

The phases of `Handle` for a message: `open` (a new or closed conversation opens first) →
`returns` (`__resume__` after a session timeout) → `input` (bind `message`, `before:
__user_message__`) → `answer` (SPEC §7 step 2) → `resolve` (`before: __resolve__`, then triggers,
`__unknown__` or the question again) → `done`. `GoBack` (Back in a wizard) is `wizard.py`'s.
"""

from __future__ import annotations

import math
from typing import Any

from ..runtime.agenda import Closing, ErrorDone, FireTimer, GoBack, Handle, Job, RunFrames, RunHooks
from ..runtime.inputs import AnswerInput, AttachmentInput, EventInput, LocationInput, StartInput, TextInput
from ..runtime.records import assign
from ..runtime.session import SessionState, assign_user_field
from ..runtime.values import REDACTED, Text
from ..runtime.waits import AskTimer, AwaitTimer, EmitTimer, PendingAsk, PendingAwait, SessionTimer
from .answer_checks import WidgetRejected
from .pattern_match import match_trigger, trigger_candidates
from .questions import match_expecting, send_question, store_answer, waits_for_secret
from .signals import CLOSED, RETURNED
from .timers import cancel_timer, touch_session
from .widget_answers import accept, answer_attachment, answer_input, answer_location, answer_typed, ask_again
from .wizard import advance_back


# ---------------------------------------------------------------------------------- the loop
def drive(m: Any) -> None:
    """Advance the top job until the agenda is empty or the turn stops for host IO."""
    agenda = m.agenda
    while agenda and m.io is None:
        job = agenda[-1]
        _ADVANCE[job.__class__](m, job)
        m.check_time()


def _finish(m: Any, job: Job) -> None:
    popped = m.agenda.pop()
    assert popped is job, "a job finished while another ran above it (a bug in bubble)"


def find_special(m: Any, name: str, *, global_only: bool = False) -> Any:
    """The innermost definition of a special dialog: the top frame's inner ones, outer frames',
    then the global one (SPEC §7 step 4)."""
    image = m.image
    if not global_only:
        for frame in reversed(m.state.frames):
            entry = image.entries.get(frame.code) if frame.kind == "dialog" else None
            if entry is None:
                continue
            inner = [image.dialogs[i] for i in entry.inner if image.dialogs[i].name == name]
            found = m.choose(inner)
            if found is not None:
                return found
    return m.choose(image.variants(name))


def start_dialog(m: Any, entry: Any, *, root: bool, interrupt: bool = False, triggered: bool = False,
                 returning: bool = False) -> None:
    """Push `entry` and a job that runs frames until they wait (its `before:` tasks first)."""
    m.agenda.append(RunFrames(root=root))
    m.push_dialog(entry, interrupt=interrupt, returning=returning)
    if triggered and m.tracer is not None:
        m.tracer.triggered(entry)


def _waits_for_answer(frame: Any) -> bool:
    return frame is not None and isinstance(frame.wait, PendingAsk)


# ---------------------------------------------------------------------------------- running frames
def advance_run(m: Any, job: RunFrames) -> None:
    """Run the top frame (SPEC §7 steps 5–7): returns pop it; an interruption that returns to a
    waiting frame runs `__returning__` or asks its question again; an empty stack gets `__root__`."""
    state = m.state
    frames = state.frames
    if state.closed:
        _finish(m, job)
        return
    if len(frames) <= job.base:
        if job.root and not job.root_pushed and not frames and m.image.has_dialog("__root__"):
            job.root_pushed = True
            entry = m.choose(m.image.variants("__root__"))
            if entry is not None:
                m.push_dialog(entry)
                return
        _finish(m, job)
        return
    top = frames[-1]
    if top.wait is not None:
        _finish(m, job)
        return
    signal = m.execute(top)
    if signal is RETURNED:
        popped = frames.pop()
        if popped.kind != "dialog" or len(frames) <= job.base:
            return
        below = frames[-1]
        if _waits_for_answer(below) and (popped.interrupt or popped.returning):
            if popped.interrupt and not popped.returning:
                returning = find_special(m, "__returning__")
                if returning is not None:
                    m.push_dialog(returning, returning=True)
                    return
            send_question(m, below)
            _finish(m, job)
    elif signal is CLOSED:
        m.agenda.clear()
        m.agenda.append(Closing())


def advance_hooks(m: Any, job: RunHooks) -> None:
    """The `task before: <hook>` tasks, in order, each whose guard holds run to its end."""
    tasks = m.image.before.get(job.hook, ())
    while job.index < len(tasks):
        task = tasks[job.index]
        job.index += 1
        if m.push_task(task):
            m.agenda.append(RunFrames(base=len(m.state.frames) - 1))
            return
    _finish(m, job)


def push_hooks(m: Any, hook: str) -> None:
    if hook in m.image.before:
        m.agenda.append(RunHooks(hook=hook))


def advance_closing(m: Any, job: Closing) -> None:
    """`close`: the conversation ends; `__closed__` runs; the next message starts anew."""
    state = m.state
    state.frames.clear()
    if job.phase == "start":
        entry = find_special(m, "__closed__", global_only=True)
        if entry is not None and not state.runtime.get("$closing"):
            state.runtime["$closing"] = True
            state.closed = False
            job.phase = "end"
            start_dialog(m, entry, root=False)
            return
    state.closed = True
    _finish(m, job)


def advance_error_done(m: Any, job: ErrorDone) -> None:
    frames = m.state.frames
    if frames and frames[-1].code == job.code:
        frames.pop()
    _finish(m, job)


# ---------------------------------------------------------------------------------- opening
def open_conversation(m: Any, frontend: str | None = None) -> None:
    """A new conversation: run the entry dialog (`__main__`, else `main`). The channel that
    opened it is `user.frontend`, unless the user record says otherwise (a test may set it)."""
    state = m.state
    if frontend and "frontend" not in state.user:
        assign_user_field(state, ("frontend",), frontend)  # this conversation's, like `user.x = …`
    state.started = True
    state.closed = False
    touch_session(m)  # opening the conversation counts as activity
    if m.image.entry is None:
        return
    entry = m.choose(m.image.variants(m.image.entry))
    m.agenda.append(RunFrames(root=True))
    if entry is not None:
        m.push_dialog(entry)


def reopen(state: SessionState) -> None:
    """After `close`: a fresh conversation for the same user (`SessionState.renewed`), in place."""
    assign(state, state.renewed(state.seed + 1))


def resume_session(m: Any) -> None:
    """Every user input: re-arm the session timeout, and after a timeout run `__resume__`."""
    state = m.state
    touch_session(m)
    if state.timed_out:
        state.timed_out = False
        entry = m.choose(m.image.variants("__resume__"))
        if entry is not None:
            start_dialog(m, entry, root=False)


# ---------------------------------------------------------------------------------- inputs
def advance_handle(m: Any, job: Handle) -> None:
    state = m.state
    event = isinstance(job.input, EventInput)
    if job.phase == "open":
        if isinstance(job.input, (TextInput, StartInput)) and state.closed:
            reopen(state)
            job.phase = "returns" if isinstance(job.input, TextInput) else "done"
            job.input = StartInput() if isinstance(job.input, TextInput) else job.input  # not handled
            open_conversation(m, getattr(job.input, "frontend", None))
        elif not state.started:
            job.phase = "opened"
            open_conversation(m, getattr(job.input, "frontend", None))
        else:
            job.phase = "input" if event or isinstance(job.input, StartInput) else "returns"
        return
    if job.phase == "opened":
        stop = isinstance(job.input, StartInput) or (isinstance(job.input, TextInput) and state.closed)
        job.phase = "done" if stop else ("input" if event else "returns")
        return
    if job.phase == "returns":
        job.phase = "input" if not isinstance(job.input, StartInput) else "done"
        resume_session(m)
        return
    if job.phase == "done":
        _finish(m, job)
        return
    if isinstance(job.input, TextInput):
        _TEXT_PHASES[job.phase](m, job, job.input.text)
    elif event:
        _EVENT_PHASES[job.phase](m, job, job.input)
    elif isinstance(job.input, LocationInput):
        _location(m, job, job.input)
    elif isinstance(job.input, AttachmentInput):
        _attachment(m, job, job.input)
    elif isinstance(job.input, AnswerInput):
        answer_input(m, job, job.input)  # a control's value (vm/widget_answers.py)
    else:
        _finish(m, job)


def _text_input(m: Any, job: Handle, text: str) -> None:
    state = m.state
    shown = REDACTED if waits_for_secret(state) else text  # only the answer's variable holds a secret
    state.runtime["message"] = Text(shown)
    state.user_utterances.insert(0, shown)
    del state.user_utterances[5:]
    job.phase = "answer"
    push_hooks(m, "__user_message__")


def _text_answer(m: Any, job: Handle, text: str) -> None:
    """SPEC §7 step 2: the reply to the waiting `ask`, if it satisfies `expecting:`."""
    frames = m.state.frames
    top = frames[-1] if frames else None
    wait = top.wait if top is not None else None
    if isinstance(wait, PendingAsk) and not wait.prompt:
        if answer_typed(m, job, text):  # a widget question: checked, stored or asked again
            return
        try:
            answer = match_expecting(m, wait.options.get("expecting"), text)
        except WidgetRejected as rejected:  # a widget inside an `expecting:` list
            ask_again(m, top, rejected)
            return
        if answer is not None:
            _message_learns(m.state, answer)
            accept(m, job, top, wait, answer)
            return
    job.waiting = wait is not None
    job.phase = "resolve"
    push_hooks(m, "__resolve__")


def _message_learns(state: Any, answer: Any) -> None:
    """What matching the answer found — the intent (`message.intent == @yes`), BML captures,
    entities — is on `message` too, as when a trigger matches (SPEC §4). A widget's `data` is not
    (it may be a secret's), nor anything for a redacted message."""
    message = state.runtime.get("message")
    if not isinstance(answer, Text) or not isinstance(message, Text) or message.text == REDACTED:
        return
    found = {key: value for key, value in answer.fields.items() if key not in ("text", "data")}
    if found:
        state.runtime["message"] = Text(message.text, {**message.fields, **found})


def _text_resolve(m: Any, job: Handle, text: str) -> None:
    """SPEC §7 steps 3–4: inner triggers from the top frame down, global triggers, `__unknown__`."""
    state = m.state
    image = m.image
    for frame in reversed(state.frames):
        entry = image.entries.get(frame.code) if frame.kind == "dialog" else None
        if entry is None:
            continue
        for index in entry.inner:
            inner = image.dialogs[index]
            if inner.kind in ("trigger", "label") and m.guard_holds(inner.guard):
                found = match_trigger(m, inner, text)
                if found is not None:
                    _begin_triggered(m, job, inner, found)
                    return
    for index in trigger_candidates(m, text):
        entry = image.dialogs[index]
        if m.guard_holds(entry.guard):
            found = match_trigger(m, entry, text)
            if found is not None:
                _begin_triggered(m, job, entry, found)
                return
    _fallback(m, job, "__unknown__")


def _begin_triggered(m: Any, job: Handle, entry: Any, found: Any) -> None:
    """Push a dialog whose trigger matched, with `message` (and legacy captures) bound."""
    message, variables = found
    state = m.state
    state.runtime["message"] = message
    for name, value in variables.items():
        state.globals[name] = value
    # Every triggered dialog sets `entity` (None for an intent or a label), so a trigger never
    # sees what an earlier legacy trigger matched.
    state.runtime["entity"] = message.fields.get("$entity")
    job.phase = "done"
    start_dialog(m, entry, root=True, interrupt=job.waiting, triggered=True)


def _fallback(m: Any, job: Handle, name: str) -> None:
    """No dialog took the input: the innermost `name` (`__unknown__`, …), else the waiting
    question again, else silence."""
    unknown = find_special(m, name)
    frames = m.state.frames
    if unknown is not None:
        job.phase = "done"
        start_dialog(m, unknown, root=True, interrupt=job.waiting)
        return
    if frames and isinstance(frames[-1].wait, PendingAsk):
        send_question(m, frames[-1])
    _finish(m, job)


def _event_input(m: Any, job: Handle, event: EventInput) -> None:
    m.state.runtime["event"] = {"name": event.name, "payload": event.payload}
    job.phase = "event_tasks"


def _event_tasks(m: Any, job: Handle, event: EventInput) -> None:
    """Every `task event:` of this event whose guard holds runs first (SPEC §6)."""
    tasks = m.image.event_tasks
    while job.index < len(tasks):
        task = tasks[job.index]
        job.index += 1
        if task.event == event.name and m.push_task(task):
            job.handled = True
            m.agenda.append(RunFrames(base=len(m.state.frames) - 1))
            return
    job.phase = "event_dialog"


def _event_dialog(m: Any, job: Handle, event: EventInput) -> None:
    """Then the first `dialog event:` that fits, else a frame awaiting it, else `__unknown_event__`."""
    state = m.state
    image = m.image
    frames = state.frames
    top = frames[-1] if frames else None
    job.waiting = top is not None and top.wait is not None
    for index in image.events:
        entry = image.dialogs[index]
        if entry.event == event.name and m.guard_holds(entry.guard):
            job.phase = "done"
            start_dialog(m, entry, root=True, interrupt=job.waiting, triggered=True)
            return
    if top is not None and isinstance(top.wait, PendingAwait) and top.wait.event == event.name:
        if top.wait.timer is not None:
            cancel_timer(state, top.wait.timer)
        top.wait = None
        job.phase = "done"
        m.agenda.append(RunFrames(root=True))
        return
    if job.handled:
        _finish(m, job)
        return
    unknown = find_special(m, "__unknown_event__")
    if unknown is not None:
        job.phase = "done"
        start_dialog(m, unknown, root=True, interrupt=job.waiting)
        return
    _finish(m, job)


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def _location(m: Any, job: Handle, point: LocationInput) -> None:
    state = m.state
    state.runtime["location"] = {"lat": point.lat, "lon": point.lon}
    if answer_location(m, job, point):  # a `location` widget waits: this is its answer
        return
    frames = state.frames
    job.waiting = bool(frames) and frames[-1].wait is not None
    for index in m.image.locations:
        entry = m.image.dialogs[index]
        if entry.location is not None and m.guard_holds(entry.guard):
            lat, lon, radius = entry.location
            if distance_metres(point.lat, point.lon, lat, lon) <= radius:
                job.phase = "done"
                start_dialog(m, entry, root=True, interrupt=job.waiting, triggered=True)
                return
    _fallback(m, job, "__unknown_location__")


def _attachment(m: Any, job: Handle, attachment: AttachmentInput) -> None:
    state = m.state
    state.runtime["attachment"] = {"type": attachment.kind, **attachment.data}
    if answer_attachment(m, job, attachment):  # an `upload` widget waits: this is its file
        return
    frames = state.frames
    job.waiting = bool(frames) and frames[-1].wait is not None
    for index in m.image.attachments:
        entry = m.image.dialogs[index]
        if entry.attachment == attachment.kind and m.guard_holds(entry.guard):
            job.phase = "done"
            start_dialog(m, entry, root=True, interrupt=job.waiting, triggered=True)
            return
    _fallback(m, job, "__unknown_attachment__")


_TEXT_PHASES = {"input": _text_input, "answer": _text_answer, "resolve": _text_resolve}
_EVENT_PHASES = {"input": _event_input, "event_tasks": _event_tasks, "event_dialog": _event_dialog}


# ---------------------------------------------------------------------------------- timers
def advance_timer(m: Any, job: FireTimer) -> None:
    """A due timer, already taken out of the state (so it fires once), played as a turn."""
    if job.phase == "done":
        _finish(m, job)
        return
    timer = job.timer
    state = m.state
    if isinstance(timer, EmitTimer):
        _finish(m, job)
        if timer.to is None:  # a reminder: the event comes back to this conversation
            m.agenda.append(Handle(input=EventInput(name=timer.name, payload=timer.payload)))
        else:
            m.emit("emit", timer.name, {"name": timer.name, "payload": timer.payload, "to": timer.to})
        return
    if isinstance(timer, SessionTimer):
        entry = None
        if state.started and not state.closed:
            state.timed_out = True
            entry = m.choose(m.image.variants("__timeout__"))
        if entry is None:
            _finish(m, job)
            return
        job.phase = "done"
        start_dialog(m, entry, root=False)
        return
    assert isinstance(timer, (AskTimer, AwaitTimer))
    frames = state.frames
    frame = frames[timer.depth] if 0 <= timer.depth < len(frames) else None
    if frame is None or frame.wait is None or frame.wait.timer != timer.id:
        _finish(m, job)  # answered meanwhile
        return
    del frames[timer.depth + 1:]  # an interruption still running is abandoned with the ask
    wait = frame.wait
    frame.wait = None
    if isinstance(wait, PendingAwait):
        state.runtime["event"] = None
    else:
        store_answer(m, frame, wait.target, None)
    name = getattr(timer, "dialog", None) or ("__ask_timeout__" if isinstance(wait, PendingAsk) else None)
    handler = m.choose(m.image.variants(name)) if name else None
    job.phase = "done"
    if handler is not None:
        start_dialog(m, handler, root=True)
    else:
        m.agenda.append(RunFrames(root=True))


_ADVANCE: dict[type, Any] = {
    RunFrames: advance_run, RunHooks: advance_hooks, Handle: advance_handle, FireTimer: advance_timer,
    Closing: advance_closing, ErrorDone: advance_error_done, GoBack: advance_back,
}
