"""Statement instructions (layer 7): what `say`, `ask`, `invoke`, `emit`, … do to a conversation.

Each handler pops its operands, changes the state, appends outputs, and returns a loop signal
(`SUSPEND`, `PUSHED`, `CLOSED`) or None to go on. Timers (`emit … in:`, `await … timeout:`,
`ask … timeout:`) become timer records in the state (`timers.py`).
"""

from __future__ import annotations

from typing import Any

from ..opcodes import Op
from ..runtime.errors import ScriptError
from ..runtime.session import Frame
from ..runtime.values import Record, Text, plain_text, to_text, type_name
from ..runtime.outputs import Output
from .asks import describe_choices, send_question, store_answer
from .durations import parse_duration
from .signals import CLOSED, PUSHED, SUSPEND
from .timers import add_timer, arm_wait_timer, ask_timeout_seconds, cancel_timer, due_at

def _duration_seconds(value: Any) -> float:
    return parse_duration(value)


def run_statement(machine: Any, frame: Frame, op: int, arg: int, constants: tuple[Any, ...],
                  stack: list[Any]) -> str | None:
    state = machine.state
    if op == Op.SAY:
        options = stack.pop()
        message = stack.pop()
        text = to_text(message)
        data = {key: value for key, value in options.items() if key in ("class", "as")}
        quick = options.get("quick_replies")
        if quick:
            data["quick_replies"] = describe_choices(quick)
        machine.say(text, **data)
        return None
    if op in (Op.ASK, Op.PROMPT):
        options = stack.pop()
        question = stack.pop()
        wait = {"kind": "ask" if op == Op.ASK else "prompt", "question": question, "options": options,
                "target": constants[arg] if op == Op.ASK else None}
        frame.wait = wait
        frame.asked = 0
        seconds = ask_timeout_seconds(machine, options) if op == Op.ASK else None
        if seconds is not None:
            dialog = options.get("timeout_dialog")
            arm_wait_timer(machine, frame, "ask_timeout", seconds,
                           to_text(plain_text(dialog)) if dialog is not None else None)
        send_question(machine, frame)
        return SUSPEND
    if op == Op.SHOW:
        options = stack.pop()
        content = stack.pop()
        if isinstance(content, Record) and content.kind == "content":
            data = dict(content.fields)
        else:
            data = {"kind": "text", "text": to_text(content)}
        data.update({key: value for key, value in options.items()})
        if "quick_replies" in data:
            data["quick_replies"] = describe_choices(data["quick_replies"])
        machine.outputs.append(machine_output("show", to_text(content), data))
        return None
    if op in (Op.TYPE, Op.PAUSE):
        seconds = _duration_seconds(stack.pop())
        machine.outputs.append(machine_output("typing" if op == Op.TYPE else "pause", "", {"seconds": seconds}))
        return None
    if op == Op.INVOKE:
        options = stack.pop()
        name = constants[arg]
        entry = machine.choose(machine.image.variants(name, machine.chain()))
        if entry is None:
            raise ScriptError(f"no variant of dialog `{name}` has a guard that holds",
                              "add a variant without `when`, or check the guards", code="B405")
        if "message" in options:
            state.runtime["message"] = _as_text(options["message"])
        machine.push_dialog(entry)
        return PUSHED
    if op == Op.GOTO:
        name = constants[arg]
        entry = machine.choose(machine.image.variants(name, machine.chain()))
        if entry is None:
            raise ScriptError(f"no variant of dialog `{name}` has a guard that holds",
                              "add a variant without `when`, or check the guards", code="B405")
        if frame.kind != "dialog":
            raise ScriptError("`goto` only works in a dialog")
        replaced = state.frames.pop()
        new = machine.push_dialog(entry, interrupt=replaced.interrupt)
        new.locals = {}
        return PUSHED
    if op == Op.PERFORM:
        machine.perform(constants[arg])
        return None
    if op == Op.CONTINUE:
        return _continue(machine, frame)
    if op == Op.CLOSE:
        state.closed = True
        return CLOSED
    if op == Op.EMIT:
        control = stack.pop()
        payload = stack.pop()
        name = stack.pop()
        target = control.get("to")
        due = due_at(machine, control)
        if due is not None:
            state.runtime["schedule_id"] = add_timer(state, due, "emit", name=to_text(name), payload=payload,
                                                     to=to_text(target) if target is not None else None)
            return None
        machine.outputs.append(machine_output("emit", to_text(name), {
            "name": to_text(name), "payload": payload, "to": to_text(target) if target is not None else "client"}))
        return None
    if op == Op.CANCEL:
        cancel_timer(state, stack.pop())
        return None
    if op == Op.AWAIT:
        options = stack.pop()
        pattern = stack.pop()
        if not (isinstance(pattern, Record) and pattern.kind == "event_pattern"):
            raise ScriptError(f"`await` needs `event(\"name\")`, got {type_name(pattern)}",
                              'write `await event("click")`')
        frame.wait = {"kind": "await", "event": pattern.fields.get("name")}
        if options.get("timeout") is not None:
            arm_wait_timer(machine, frame, "await_timeout", parse_duration(options["timeout"]))
        return SUSPEND
    if op == Op.EXTENSION:
        stack.pop()
        stack.pop()
        raise ScriptError("`extension` is not supported yet: extension servers are not built", code="B404")
    if op in (Op.REMEMBER, Op.FORGET):
        path = constants[arg]
        remembered = state.runtime.setdefault("$remembered", [])
        key = ".".join(path)
        if op == Op.REMEMBER and key not in remembered:
            remembered.append(key)
        if op == Op.FORGET:
            target = state.user
            for part in path[:-1]:
                target = target.get(part) if isinstance(target.get(part), dict) else {}
            target.pop(path[-1], None)
            if key in remembered:
                remembered.remove(key)
        return None
    if op in (Op.TAG, Op.UNTAG):
        tag = to_text(stack.pop())
        tags = state.tags
        if op == Op.UNTAG:
            if tag in tags:
                tags.remove(tag)
            return None
        if "::" in tag:
            scope = tag.split("::", 1)[0] + "::"
            tags[:] = [t for t in tags if not t.startswith(scope)]
        if tag not in tags:
            tags.append(tag)
        return None
    if op == Op.LOG:
        value = stack.pop()
        code = machine.image.codes[frame.code]
        span = code.spans[frame.pc - 1]
        machine.outputs.append(machine_output("log", to_text(value), {
            "at": span.location() if span is not None else frame.name}))
        return None
    if op == Op.STEP:
        options = stack.pop()
        title = to_text(stack.pop())
        machine.outputs.append(machine_output("step", title, {"title": title, "final": bool(options.get("final"))}))
        return None
    raise ScriptError(f"`{Op(op).name.lower()}` can only be used in a test", code="B404")


def machine_output(kind: str, text: str, data: dict[str, Any]) -> Any:
    return Output(kind=kind, text=text, data=data)


def _as_text(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    return Text(to_text(plain_text(value)))


def _continue(machine: Any, frame: Frame) -> str:
    """Leave the interrupting dialog(s) and release the nearest waiting frame past its question."""
    frames = machine.state.frames
    for index in range(len(frames) - 1, -1, -1):
        below = frames[index]
        if below.wait is not None and below.wait.get("kind") in ("ask", "prompt") and below is not frame:
            del frames[index + 1:]
            target = below.wait.get("target")
            below.wait = None
            store_answer(machine, below, target, None)
            return PUSHED
    # Nothing waits below: `continue` just ends this dialog.
    frames.pop()
    return PUSHED
