"""Time in the language (layer 7): scheduled emits, ask and await timeouts, the session timeout.

Input: the machine (its clock and state). Output: timer records (`runtime/waits.py`) in
`SessionState.timers`, kept in due order — plain data, stored with the conversation, so they
survive a restart. The host decides when a timer is due and plays it as a turn (`TimerInput`,
`phases.py`); the VM never sleeps and never reads the wall clock itself.

Choices where the SPEC is silent (also in docs/runtime-choices.md):
- a scheduled `emit` without `to:` comes back to this conversation as an event when due (a
  reminder); with `to:` it is sent out as an `emit` output then;
- an ask that times out continues past the `ask` with `answer` nil, after its `timeout_dialog:`
  (or `__ask_timeout__`) has run; an `await … timeout:` continues with `event` nil;
- the session timeout (`@timeout`, default 15 minutes after the last user input) runs
  `__timeout__`; the next user input then runs `__resume__` first and goes on where it left off.
"""

from __future__ import annotations

import bisect
from typing import Any

import pendulum

from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.session import SessionState
from ..runtime.values import plain_text, to_text
from ..runtime.waits import SESSION_TIMER_ID, AnyTimer, EmitTimer, SessionTimer, StoredTimer
from .duration_values import parse_duration

DEFAULT_SESSION_TIMEOUT = 15 * 60.0


def next_timer_id(state: SessionState) -> str:
    state.timer_seq += 1
    return f"t{state.timer_seq}"


def add_timer(state: SessionState, timer: StoredTimer) -> str:
    """Keep `timer` in the conversation's due-ordered list; returns its id."""
    state.timers.insert(bisect.bisect(state.timers, (timer.due, timer.id), key=_due_order), timer)
    return timer.id


def _due_order(timer: AnyTimer) -> tuple[float, str]:
    return timer.due, timer.id


def schedule_emit(m: Any, timer: EmitTimer) -> str:
    """A scheduled `emit` kept, within SPEC §13: at most `scheduled_events` waiting per
    conversation, and their payloads together at most `value_bytes` written out. Unbounded, one
    turn of `emit … in: "1d"` in a loop grew the stored conversation to a gigabyte."""
    limits = m.limits
    waiting = [t for t in m.state.timers if isinstance(t, EmitTimer)]
    if len(waiting) >= limits.scheduled_events:
        raise LimitError(f"this conversation already has {len(waiting)} scheduled events waiting, the limit",
                         "`cancel` the ones no longer needed, schedule fewer (one event can carry a list), "
                         "or raise `scheduled_events` in bubble.toml")
    total = m.meter.measure(timer.payload)[0] + sum(m.meter.measure(t.payload)[0] for t in waiting)
    if total > limits.value_bytes:
        raise LimitError(f"the data of the scheduled events would be about {total // 1024:,} KiB together, over "
                         f"the limit of {limits.value_bytes // 1024:,} KiB",
                         "send a key (an id) with the event instead of the data, or raise `value_bytes`")
    return add_timer(m.state, timer)


def cancel_timer(state: SessionState, timer_id: Any) -> bool:
    wanted = to_text(plain_text(timer_id))
    before = len(state.timers)
    state.timers[:] = [timer for timer in state.timers if timer.id != wanted]
    return len(state.timers) != before


def due_at(m: Any, options: dict[str, Any]) -> float | None:
    """The unix time of `in:` (a duration from now) or `at:` (a date-time), or None."""
    if options.get("in") is not None:
        return m.now_ts + parse_duration(options["in"])
    moment = options.get("at")
    if moment is None:
        return None
    if isinstance(moment, pendulum.DateTime):
        return moment.timestamp()
    try:
        parsed = pendulum.parse(to_text(plain_text(moment)), tz=m.timezone())
    except (ValueError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
        parsed = None
    if not isinstance(parsed, pendulum.DateTime):
        raise ScriptError(f"`at:` needs a date-time, got `{to_text(moment)}`",
                          'give an ISO date-time like "2024-03-05T18:00" or a value from `date_add`')
    return parsed.timestamp()


def ask_timeout_seconds(m: Any, options: dict[str, Any]) -> float | None:
    """`timeout:` of this ask, else the bot's `@ask_timeout`, else none."""
    if options.get("timeout") is not None:
        return parse_duration(options["timeout"])
    return m.image.ask_timeout


def touch_session(m: Any) -> None:
    """A user input arrived: the session timeout counts from now. It is not a stored timer but
    derived from `last_seen` (`pending`), which keeps a conversation's state small."""
    m.state.last_seen = m.now_ts


def _session_due(state: SessionState, session_seconds: float) -> float | None:
    if state.started and not state.closed and not state.timed_out and state.last_seen is not None:
        return state.last_seen + session_seconds
    return None


def pending(state: SessionState, session_seconds: float) -> list[AnyTimer]:
    """Every timer of the conversation in due order: the stored ones, plus the session timeout
    while the conversation is open and has not timed out yet."""
    timers: list[AnyTimer] = list(state.timers)
    due = _session_due(state, session_seconds)
    if due is not None:
        timers.append(SessionTimer(id=SESSION_TIMER_ID, due=due))
        timers.sort(key=lambda timer: (timer.due, timer.id))
    return timers


def next_due(state: SessionState, session_seconds: float) -> float | None:
    """When the next timer falls due (cheap: checked before every turn)."""
    due = state.timers[0].due if state.timers else None
    session = _session_due(state, session_seconds)
    if session is not None:
        due = session if due is None else min(due, session)
    return due


def take(state: SessionState, timer_id: str, session_seconds: float) -> AnyTimer | None:
    """Remove a timer about to fire (so it fires once, even if its turn fails) and return it;
    None when it is gone (cancelled, or fired already)."""
    if timer_id == SESSION_TIMER_ID:
        due = _session_due(state, session_seconds)
        if due is None:
            return None
        state.timed_out = True
        return SessionTimer(id=SESSION_TIMER_ID, due=due)
    for index, timer in enumerate(state.timers):
        if timer.id == timer_id:
            del state.timers[index]
            return timer
    return None
