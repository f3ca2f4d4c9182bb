"""Handlers of the control-flow instructions (layer 7): jumps, loops, `random`/`once`, returns,
and the statements that move between frames (`invoke`, `goto`, `perform`, `continue`, `close`).

Dispatch signature `(m, frame, stack, constants, arg, pc)`; an int result is the next pc, a
`Signal` stops the frame (`dispatch.py`). Starting a dialog or a task pushes its frame (and its
`before:` tasks as a job) and returns `PUSHED`: the turn's job loop runs it, so anything it does —
an `extension` call included — can suspend the turn.
"""

from __future__ import annotations

from typing import Any

from ..runtime.script_errors import ScriptError
from ..runtime.waits import PendingAsk
from ..runtime.values import Text, plain_text, to_text, truthy, type_name
from .questions import store_answer
from .signals import CLOSED, PUSHED, RETURNED


def jump(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    return arg


def jump_if_false(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    value = stack.pop()
    if value is None or value is False:
        return arg
    return None


def jump_if_false_keep(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    if not truthy(stack[-1]):
        return arg
    stack.pop()
    return None


def jump_if_true_keep(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    if truthy(stack[-1]):
        return arg
    stack.pop()
    return None


def iter_start(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    items = stack.pop()
    if isinstance(items, dict):
        items = [{"key": key, "value": value} for key, value in items.items()]
    elif isinstance(items, (str, Text)):
        items = list(plain_text(items))
    elif items is None:
        items = []
    elif not isinstance(items, list):
        raise ScriptError(f"cannot repeat over {type_name(items)}", "repeat over a list")
    stack.append([list(items), 0])


def iter_next(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    iterator = stack[-1]
    if iterator[1] >= len(iterator[0]):
        stack.pop()
        return arg
    stack.append(iterator[0][iterator[1]])
    iterator[1] += 1
    return None


def switch_random(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    _key, targets, after = stack.pop()
    return targets[m.calls.rng().randrange(len(targets))] if targets else after


def switch_once(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    key, targets, after = stack.pop()
    once = m.state.once
    count = once.get(key, 0)
    once[key] = count + 1
    return targets[count] if count < len(targets) else after


def return_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.clear()
    return RETURNED


def return_value(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    frame.locals["$result"] = stack.pop()
    stack.clear()
    return RETURNED


def _variant(m: Any, name: str) -> Any:
    entry = m.choose(m.image.variants(name, m.chain()))
    if entry is None:
        raise ScriptError(f"no variant of dialog `{name}` has a guard that holds",
                          "add a variant without `when`, or check the guards", code="B405")
    return entry


def invoke(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    options = stack.pop()
    entry = _variant(m, constants[arg])
    if "message" in options:
        value = options["message"]
        m.state.runtime["message"] = value if isinstance(value, Text) else Text(to_text(plain_text(value)))
    m.push_dialog(entry)
    return PUSHED


def goto(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    entry = _variant(m, constants[arg])
    if frame.kind != "dialog":
        raise ScriptError("`goto` only works in a dialog")
    replaced = m.state.frames.pop()
    m.push_dialog(entry, interrupt=replaced.interrupt)
    return PUSHED


def perform(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    return PUSHED if m.perform(constants[arg]) else None


def continue_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """Leave the interrupting dialog(s) and release the nearest waiting frame past its question."""
    frames = m.state.frames
    for index in range(len(frames) - 1, -1, -1):
        below = frames[index]
        wait = below.wait
        if isinstance(wait, PendingAsk) and below is not frame:
            del frames[index + 1:]
            below.wait = None
            store_answer(m, below, wait.target, None)
            return PUSHED
    frames.pop()  # nothing waits below: `continue` just ends this dialog
    return PUSHED


def close(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    return CLOSED


HANDLERS = {
    "JUMP": jump, "JUMP_IF_FALSE": jump_if_false, "JUMP_IF_FALSE_KEEP": jump_if_false_keep,
    "JUMP_IF_TRUE_KEEP": jump_if_true_keep, "ITER_START": iter_start, "ITER_NEXT": iter_next,
    "SWITCH_RANDOM": switch_random, "SWITCH_ONCE": switch_once, "RETURN": return_op, "RETURN_VALUE": return_value,
    "INVOKE": invoke, "GOTO": goto, "PERFORM": perform, "CONTINUE": continue_op, "CLOSE": close,
}
