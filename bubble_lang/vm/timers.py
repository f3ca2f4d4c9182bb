"""Time in the language (layer 7): scheduled emits, ask and await timeouts, the session timeout.

Input: the machine (its clock and state). Output: timer records in `SessionState.timers` (plain
data, so they are stored with the conversation and survive a restart), and `fire_timer`, which
plays one due timer as a turn. The engine (or a store's scheduler) decides when a timer is due;
the VM never sleeps and never reads the wall clock itself.

Choices where the SPEC is silent (also in docs/runtime-choices.md):
- a scheduled `emit` without `to:` comes back to this conversation as an event when due (a
  reminder); with `to:` it is sent out as an `emit` output then;
- an ask that times out continues past the `ask` with `answer` nil, after its `timeout_dialog:`
  (or `__ask_timeout__`) has run; an `await … timeout:` continues with `event` nil;
- the session timeout (`@timeout`, default 15 minutes after the last user input) runs
  `__timeout__`; the next user input then runs `__resume__` first and goes on where it left off.
"""

from __future__ import annotations

from typing import Any

import pendulum

from ..runtime.errors import ScriptError
from ..runtime.session import Frame, SessionState
from ..runtime.values import plain_text, to_text
from .durations import parse_duration

DEFAULT_SESSION_TIMEOUT = 15 * 60.0


def add_timer(state: SessionState, due: float, kind: str, **data: Any) -> str:
    state.timer_seq += 1
    timer_id = f"t{state.timer_seq}"
    state.timers.append({"id": timer_id, "due": due, "kind": kind, **data})
    state.timers.sort(key=lambda timer: (timer["due"], timer["id"]))
    return timer_id


def cancel_timer(state: SessionState, timer_id: Any) -> bool:
    wanted = to_text(plain_text(timer_id))
    before = len(state.timers)
    state.timers[:] = [timer for timer in state.timers if timer["id"] != wanted]
    return len(state.timers) != before


def due_at(machine: Any, options: dict[str, Any]) -> float | None:
    """The unix time of `in:` (a duration from now) or `at:` (a date-time), or None."""
    if options.get("in") is not None:
        return machine.now.timestamp() + parse_duration(options["in"])
    moment = options.get("at")
    if moment is None:
        return None
    if isinstance(moment, pendulum.DateTime):
        return moment.timestamp()
    try:
        parsed = pendulum.parse(to_text(plain_text(moment)), tz=machine.image.config.timezone)
    except (ValueError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
        parsed = None
    if not isinstance(parsed, pendulum.DateTime):
        raise ScriptError(f"`at:` needs a date-time, got `{to_text(moment)}`",
                          'give an ISO date-time like "2024-03-05T18:00" or a value from `date_add`')
    return parsed.timestamp()


def ask_timeout_seconds(machine: Any, options: dict[str, Any]) -> float | None:
    """`timeout:` of this ask, else the bot's `@ask_timeout`, else none."""
    if options.get("timeout") is not None:
        return parse_duration(options["timeout"])
    default = machine.constant("ask_timeout")
    return parse_duration(default) if default is not None else None


def arm_wait_timer(machine: Any, frame: Frame, kind: str, seconds: float, dialog: str | None = None) -> None:
    """A timer that releases `frame` from its ask/await after `seconds`."""
    frame.wait["timer"] = add_timer(machine.state, machine.now.timestamp() + seconds, kind,
                                    depth=len(machine.state.frames) - 1, dialog=dialog)


def session_timeout_seconds(machine: Any) -> float:
    cached = machine.image.cache.get("session_timeout")
    if cached is None:
        value = machine.constant("timeout")
        cached = parse_duration(value) if value is not None else DEFAULT_SESSION_TIMEOUT
        machine.image.cache["session_timeout"] = cached
    return cached


def touch_session(machine: Any) -> None:
    """A user input arrived: the session timeout counts from now. It is not a stored timer but
    derived from `last_seen` (`pending`), which keeps a conversation's state small."""
    machine.state.last_seen = machine.now.timestamp()


SESSION_TIMER_ID = "session"


def pending(state: SessionState, session_seconds: float) -> list[dict[str, Any]]:
    """Every timer of the conversation in due order: the stored ones, plus the session timeout
    while the conversation is open and has not timed out yet."""
    timers = list(state.timers)
    if state.started and not state.closed and not state.timed_out and state.last_seen is not None:
        timers.append({"id": SESSION_TIMER_ID, "due": state.last_seen + session_seconds, "kind": "session"})
        timers.sort(key=lambda timer: (timer["due"], timer["id"]))
    return timers


def next_due(state: SessionState, session_seconds: float) -> float | None:
    """When the next timer falls due (cheap: checked before every turn)."""
    due = state.timers[0]["due"] if state.timers else None
    if state.started and not state.closed and not state.timed_out and state.last_seen is not None:
        session = state.last_seen + session_seconds
        due = session if due is None else min(due, session)
    return due


def take(state: SessionState, timer: dict[str, Any]) -> None:
    """Remove a timer about to fire (so it fires once, even if its turn fails)."""
    if timer["kind"] == "session":
        state.timed_out = True
    else:
        state.timers[:] = [t for t in state.timers if t["id"] != timer["id"]]


def fire_timer(machine: Any, timer: dict[str, Any]) -> None:
    """Play one due timer (already removed from the state) as a turn."""
    from . import turns

    state = machine.state
    kind = timer["kind"]
    if kind == "emit":
        if timer.get("to") is None:
            turns.handle_event(machine, timer["name"], timer.get("payload"))
        else:
            from .statements import machine_output

            machine.outputs.append(machine_output("emit", timer["name"], {
                "name": timer["name"], "payload": timer.get("payload"), "to": timer["to"]}))
        return
    if kind == "session":
        if state.closed or not state.started:
            return
        state.timed_out = True
        entry = machine.choose(machine.image.variants("__timeout__"))
        if entry is not None:
            frame = machine.push_dialog(entry)
            frame.returning = False
            turns.run_detached(machine, frame)
        return
    depth = timer.get("depth", -1)
    if not 0 <= depth < len(state.frames):
        return
    frame = state.frames[depth]
    if frame.wait is None or frame.wait.get("timer") != timer["id"]:
        return  # answered meanwhile
    if depth != len(state.frames) - 1:
        del state.frames[depth + 1:]  # an interruption still running is abandoned with the ask
    target = frame.wait.get("target")
    wait_kind = frame.wait.get("kind")
    frame.wait = None
    if wait_kind == "await":
        state.runtime["event"] = None
    else:
        from .asks import store_answer

        store_answer(machine, frame, target, None)
    name = timer.get("dialog") or ("__ask_timeout__" if wait_kind in ("ask", "prompt") else None)
    handler = machine.choose(machine.image.variants(name)) if name else None
    if handler is not None:
        machine.push_dialog(handler)
    turns.run(machine)
