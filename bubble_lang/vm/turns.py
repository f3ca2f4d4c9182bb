"""One turn of a conversation (layer 7): SPEC §7 steps 1–9.

Input: a machine (image, state, clock) and what arrived: a text message, an event, a location or
an attachment. Output: the machine's outputs, and the state changed — or, when the script fails,
the state as it was before the turn, `__error__` run, and the error as a diagnostic.
"""

from __future__ import annotations

import math
import os
from typing import Any

import attrs

from ..diagnostics import BubbleRuntimeError, make_diagnostic
from ..runtime.errors import ScriptError
from ..runtime.outputs import Output
from ..runtime.session import Frame, SessionState
from ..runtime.values import Text
from .asks import match_expecting, send_question, store_answer
from .matching import match_trigger, trigger_candidates
from .timers import touch_session
from .widgets import WidgetRejected
from .machine import Machine, ScriptFailure
from .signals import CLOSED, PUSHED, RETURN, SUSPEND


@attrs.frozen
class TurnResult:
    outputs: tuple[Output, ...]
    errors: tuple[BubbleRuntimeError, ...] = ()


# ---------------------------------------------------------------------------- running frames
def run(machine: Machine, *, allow_root: bool = True) -> None:
    """Run until every frame waits or the stack is empty (then `__root__`, once per turn)."""
    state = machine.state
    image = machine.image
    root_pushed = False
    while True:
        if state.closed:
            return
        if not state.frames:
            if allow_root and not root_pushed and image.has_dialog("__root__"):
                entry = machine.choose(image.variants("__root__"))
                root_pushed = True
                if entry is not None:
                    machine.push_dialog(entry)
                    continue
            return
        frame = state.frames[-1]
        if frame.wait is not None:
            return
        signal = machine.execute(frame)
        if signal in (SUSPEND, PUSHED):
            continue
        if signal == CLOSED:
            close(machine)
            return
        if signal == RETURN:
            popped = state.frames.pop()
            if not state.frames:
                continue
            top = state.frames[-1]
            if top.wait is not None and top.wait.get("kind") in ("ask", "prompt") and (popped.interrupt or popped.returning):
                if popped.interrupt and not popped.returning:
                    returning = find_special(machine, "__returning__")
                    if returning is not None:
                        machine.push_dialog(returning).returning = True
                        continue
                send_question(machine, top)
                return


def close(machine: Machine) -> None:
    """`close`: the conversation ends; `__closed__` runs; the next message starts anew."""
    state = machine.state
    state.frames.clear()
    entry = find_special(machine, "__closed__", global_only=True)
    if entry is not None and not state.runtime.get("$closing"):
        state.runtime["$closing"] = True
        state.closed = False
        machine.push_dialog(entry)
        run(machine, allow_root=False)
        state.frames.clear()
    state.closed = True


def find_special(machine: Machine, name: str, *, global_only: bool = False):
    """The innermost definition of a special dialog: the top frame's inner ones, outer frames',
    then the global one (SPEC §7 step 4)."""
    image = machine.image
    if not global_only:
        for frame in reversed(machine.state.frames):
            if frame.kind != "dialog" or frame.dialog < 0:
                continue
            inner = [image.dialogs[i] for i in image.dialogs[frame.dialog].inner if image.dialogs[i].name == name]
            entry = machine.choose(inner)
            if entry is not None:
                return entry
    return machine.choose(image.variants(name))


def run_detached(machine: Machine, frame: Frame) -> None:
    """Run a dialog pushed by the clock (`__timeout__`): no `__root__`, no re-ask after it."""
    run(machine, allow_root=False)


def start(machine: Machine) -> None:
    """A new conversation: run the entry dialog."""
    state = machine.state
    state.started = True
    state.closed = False
    touch_session(machine)  # opening the conversation counts as activity
    entry_name = machine.image.entry
    if entry_name is None:
        return
    entry = machine.choose(machine.image.variants(entry_name))
    if entry is not None:
        machine.push_dialog(entry)
    run(machine)


def reopen(state: SessionState) -> None:
    """After `close`: a fresh conversation for the same user (the user record stays)."""
    user = state.user
    remembered = state.runtime.get("$remembered", [])
    fresh = SessionState(conversation_id=state.conversation_id, user_id=state.user_id, seed=state.seed + 1)
    fresh.user = user
    fresh.runtime["$remembered"] = remembered
    for field in attrs.fields(SessionState):
        setattr(state, field.name, getattr(fresh, field.name))


# ---------------------------------------------------------------------------- inputs
def user_returns(machine: Machine) -> None:
    """Every user input: `__resume__` after a session timeout, then re-arm the timeout."""
    state = machine.state
    if state.timed_out:
        state.timed_out = False
        entry = machine.choose(machine.image.variants("__resume__"))
        if entry is not None:
            machine.push_dialog(entry)
            run(machine, allow_root=False)
    touch_session(machine)


def handle_text(machine: Machine, text: str) -> None:
    state = machine.state
    if state.closed:
        reopen(state)
        start(machine)
        user_returns(machine)
        return
    if not state.started:
        start(machine)
        if state.closed:
            return
    user_returns(machine)
    message = Text(text)
    state.runtime["message"] = message
    state.user_utterances.insert(0, text)
    del state.user_utterances[5:]
    for task in machine.image.before.get("__user_message__", []):
        machine.run_task(task)
    top = state.frames[-1] if state.frames else None
    if top is not None and top.wait is not None and top.wait.get("kind") == "ask":
        expecting = (top.wait.get("options") or {}).get("expecting")
        try:
            answer = match_expecting(machine, expecting, text)
        except WidgetRejected as rejected:
            # A widget answer that does not fit: say why and ask again (SPEC §7 step 2).
            machine.say(rejected.message, widget_error=True)
            send_question(machine, top)
            return
        if answer is not None:
            target = top.wait.get("target")
            top.wait = None
            store_answer(machine, top, target, answer)
            run(machine)
            return
    for task in machine.image.before.get("__resolve__", []):
        machine.run_task(task)
    waiting = top is not None and top.wait is not None
    image = machine.image
    for frame in reversed(state.frames):
        if frame.kind != "dialog" or frame.dialog < 0:
            continue
        for index in image.dialogs[frame.dialog].inner:
            entry = image.dialogs[index]
            if entry.kind in ("trigger", "label") and machine.guard_holds(entry.guard):
                found = match_trigger(machine, entry, text)
                if found is not None:
                    begin_triggered(machine, entry, found, waiting)
                    return
    for entry in _global_candidates(machine, text):
        if machine.guard_holds(entry.guard):
            found = match_trigger(machine, entry, text)
            if found is not None:
                begin_triggered(machine, entry, found, waiting)
                return
    unknown = find_special(machine, "__unknown__")
    if unknown is not None:
        machine.push_dialog(unknown, interrupt=waiting)
        run(machine)
    elif top is not None and top.wait is not None and top.wait.get("kind") in ("ask", "prompt"):
        send_question(machine, top)


def _global_candidates(machine: Machine, text: str):
    image = machine.image
    return [image.dialogs[i] for i in trigger_candidates(machine, text)]


def begin_triggered(machine: Machine, entry: Any, found: Any, waiting: bool) -> None:
    """Push a dialog whose trigger matched, with `message` (and legacy captures) bound."""
    message, variables = found
    machine.state.runtime["message"] = message
    for name, value in variables.items():
        machine.state.globals[name] = value
    if variables:
        machine.state.runtime["entity"] = message.fields.get("$entity")
    machine.push_dialog(entry, interrupt=waiting)
    run(machine)


def handle_event(machine: Machine, name: str, payload: Any) -> None:
    state = machine.state
    if not state.started:
        start(machine)
    state.runtime["event"] = {"name": name, "payload": payload}
    handled = False
    for task in machine.image.event_tasks:
        if task.event == name and machine.run_task(task):
            handled = True
    image = machine.image
    top = state.frames[-1] if state.frames else None
    for index in image.events:
        entry = image.dialogs[index]
        if entry.event == name and machine.guard_holds(entry.guard):
            machine.push_dialog(entry, interrupt=top is not None and top.wait is not None)
            run(machine)
            return
    for frame in reversed(state.frames):
        if frame.wait is not None and frame.wait.get("kind") == "await" and frame.wait.get("event") == name:
            if frame is state.frames[-1]:
                frame.wait = None
                run(machine)
                return
    if not handled:
        unknown = find_special(machine, "__unknown_event__")
        if unknown is not None:
            machine.push_dialog(unknown, interrupt=top is not None and top.wait is not None)
            run(machine)


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def handle_location(machine: Machine, lat: float, lon: float) -> None:
    state = machine.state
    if not state.started:
        start(machine)
    user_returns(machine)
    state.runtime["location"] = {"lat": lat, "lon": lon}
    top = state.frames[-1] if state.frames else None
    waiting = top is not None and top.wait is not None
    for index in machine.image.locations:
        entry = machine.image.dialogs[index]
        if entry.location is not None and machine.guard_holds(entry.guard):
            plat, plon, radius = entry.location
            if distance_metres(lat, lon, plat, plon) <= radius:
                machine.push_dialog(entry, interrupt=waiting)
                run(machine)
                return
    _fallback(machine, "__unknown_location__", waiting, top)


def handle_attachment(machine: Machine, kind: str, data: dict[str, Any]) -> None:
    state = machine.state
    if not state.started:
        start(machine)
    user_returns(machine)
    state.runtime["attachment"] = {"type": kind, **data}
    top = state.frames[-1] if state.frames else None
    waiting = top is not None and top.wait is not None
    for index in machine.image.attachments:
        entry = machine.image.dialogs[index]
        if entry.attachment == kind and machine.guard_holds(entry.guard):
            machine.push_dialog(entry, interrupt=waiting)
            run(machine)
            return
    _fallback(machine, "__unknown_attachment__", waiting, top)


def _fallback(machine: Machine, name: str, waiting: bool, top: Frame | None) -> None:
    unknown = find_special(machine, name)
    if unknown is not None:
        machine.push_dialog(unknown, interrupt=waiting)
        run(machine)
    elif top is not None and top.wait is not None and top.wait.get("kind") in ("ask", "prompt"):
        send_question(machine, top)


# ---------------------------------------------------------------------------- the turn wrapper
def play_turn(make_machine: Any, state: SessionState, action: Any) -> tuple[TurnResult, SessionState]:
    """Run `action(machine)`; on a script error roll back, run `__error__`, and report it."""
    snapshot = state.snapshot()
    machine: Machine = make_machine(state)
    try:
        try:
            action(machine)
        except ScriptError as error:
            # Raised outside an instruction (an answer checked against a widget, a trigger value):
            # blame the instruction the top frame stopped at.
            top = machine.state.frames[-1] if machine.state.frames else None
            raise machine.fail(error, top, max((top.pc if top else 1) - 1, 0)) from None
        return TurnResult(tuple(machine.outputs)), state
    except ScriptFailure as failure:
        return _recover(make_machine, snapshot, failure.to_runtime_error(), failure.error.message, failure.error.code)
    except RecursionError:
        error = BubbleRuntimeError([make_diagnostic("B450", "the script nested too deeply", None,
                                                    hint="look for dialogs or tasks that call each other without end")])
        return _recover(make_machine, snapshot, error, "nested too deeply", "B450")
    except Exception as crash:  # noqa: BLE001 - a bug in bubble must not end the conversation
        if os.environ.get("BUBBLE_DEBUG") == "1":
            raise
        error = BubbleRuntimeError([make_diagnostic(
            "B499", f"internal error in bubble (this is a bug): {type(crash).__name__}: {crash}", None,
            hint="run again with BUBBLE_DEBUG=1 to see the internal frames, and report it")])
        return _recover(make_machine, snapshot, error, "internal error", "B499")


def _recover(make_machine: Any, snapshot: SessionState, error: BubbleRuntimeError, message: str,
             code: str) -> tuple[TurnResult, SessionState]:
    """The turn failed: back to the state before it, `__error__` (or the error text), and the report."""
    machine = make_machine(snapshot.snapshot())
    outputs: list[Output] = []
    handler = machine.choose(machine.image.variants("__error__"))
    if handler is not None:
        machine.state.runtime["error"] = {"message": message, "code": code}
        try:
            # Like `__returning__`: when it ends, a question waiting below is asked again.
            machine.push_dialog(handler).returning = True
            run(machine, allow_root=False)
            outputs = list(machine.outputs)
        except ScriptFailure:
            machine = make_machine(snapshot.snapshot())
            outputs = []
        if machine.state.frames and machine.state.frames[-1].code == handler.code:
            machine.state.frames.pop()
    if not outputs:
        outputs = [Output(kind="text", text=machine.image.config.error_text, data={"error": True})]
    return TurnResult(tuple(outputs), (error,)), machine.state
