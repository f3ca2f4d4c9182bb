"""Handlers of the statements that talk to the user or the outside (layer 7): `say`, `ask`,
`prompt`, `show`, `type`, `pause`, `emit`, `cancel`, `await`, `extension`, `remember`,
`forget`, `tag`, `untag`, `log`, `mail`, `step` (checkpoints and Back: `wizard.py`).

Dispatch signature `(m, frame, stack, constants, arg, pc)` (`dispatch.py`). Each pops its
operands (a statement's options arrive as one map), changes the state, sends outputs, and
returns `WAITING` (`ask`, `prompt`, `await`), `SUSPENDED` (`extension`: the host makes the call)
or None. Timers become timer records in the state (`timers.py`).
"""

from __future__ import annotations

from typing import Any

from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.session import FORGOTTEN, REMEMBERED, drop_own_field, drop_user_field
from ..runtime.values import Record, Text, plain_text, redacted, to_text, truthy, type_name
from ..runtime.waits import AskTimer, AwaitTimer, EmitTimer, PendingAsk, PendingAwait
from .duration_values import parse_duration
from .extension_calls import make_request
from .mail_addresses import MAX_SUBJECT, mail_addresses
from .questions import describe_choices, send_question
from .signals import SUSPENDED, WAITING
from .timers import add_timer, ask_timeout_seconds, cancel_timer, due_at, next_timer_id, schedule_emit
from .wizard import pass_step


MAX_TAG_CHARS = 256


def say(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    options = stack.pop()
    text = to_text(stack.pop())
    data = {key: value for key, value in options.items() if key in ("class", "as")}
    quick = options.get("quick_replies")
    if quick:
        data["quick_replies"] = describe_choices(quick)
    m.say(text, **data)


def _ask(m: Any, frame: Any, stack: list[Any], target: tuple[str, ...], prompt: bool) -> Any:
    options = stack.pop()
    question = stack.pop()
    timer = None
    seconds = None if prompt else ask_timeout_seconds(m, options)
    if seconds is not None:
        dialog = options.get("timeout_dialog")
        timer = add_timer(m.state, AskTimer(id=next_timer_id(m.state), due=m.now_ts + seconds,
                                            depth=len(m.state.frames) - 1,
                                            dialog=to_text(plain_text(dialog)) if dialog is not None else None))
    frame.wait = PendingAsk(question=question, options=options, target=target, prompt=prompt, timer=timer)
    frame.asked = 0
    send_question(m, frame)
    return WAITING


def ask(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    return _ask(m, frame, stack, constants[arg], False)


def prompt(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    return _ask(m, frame, stack, (), True)


def show(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    options = stack.pop()
    content = stack.pop()
    if isinstance(content, Record) and content.kind == "content":
        data = dict(content.fields)
    else:
        data = {"kind": "text", "text": to_text(content)}
    data.update(options)
    if "quick_replies" in data:
        data["quick_replies"] = describe_choices(data["quick_replies"])
    m.emit("show", to_text(content), data)


def type_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    m.emit("typing", "", {"seconds": parse_duration(stack.pop())})


def pause(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    m.emit("pause", "", {"seconds": parse_duration(stack.pop())})


def emit(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    control = stack.pop()
    payload = stack.pop()
    name = to_text(stack.pop())
    target = control.get("to")
    to = to_text(target) if target is not None else None
    due = due_at(m, control)
    if due is not None:
        m.state.runtime["schedule_id"] = schedule_emit(
            m, EmitTimer(id=next_timer_id(m.state), due=due, name=name, payload=payload, to=to))
        return None
    m.emit("emit", name, {"name": name, "payload": payload, "to": to if to is not None else "client"})
    return None


def cancel(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    cancel_timer(m.state, stack.pop())


def await_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    options = stack.pop()
    pattern = stack.pop()
    if not (isinstance(pattern, Record) and pattern.kind == "event_pattern"):
        raise ScriptError(f"`await` needs `event(\"name\")`, got {type_name(pattern)}", 'write `await event("click")`')
    timer = None
    if options.get("timeout") is not None:
        seconds = parse_duration(options["timeout"])
        timer = add_timer(m.state, AwaitTimer(id=next_timer_id(m.state), due=m.now_ts + seconds,
                                              depth=len(m.state.frames) - 1))
    frame.wait = PendingAwait(event=to_text(pattern.fields.get("name")), timer=timer)
    return WAITING


def extension(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """Stop the turn for the host's call (SPEC §11); `step.py` resumes it with the result."""
    options = stack.pop()
    name = to_text(plain_text(stack.pop()))
    server = options.get("server")
    if server is None:
        raise ScriptError("`extension` needs `server:`", 'write `extension "name", server: "my_server"`')
    m.io = make_request(m, name, to_text(plain_text(server)))
    if m.tracer is not None:
        m.tracer.extension(frame, pc)
    return SUSPENDED


def remember(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """Make a `user.` field shared: the host writes it to the user record (engine/user_record.py)."""
    key = ".".join(constants[arg])
    remembered = m.state.runtime.setdefault(REMEMBERED, [])
    if key not in remembered:
        remembered.append(key)
    drop_own_field(m.state.runtime, constants[arg][0])


def forget(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """Delete a `user.` field here and, for a top-level field, from the user record."""
    path = constants[arg]
    drop_user_field(m.state.user, path)
    remembered = m.state.runtime.setdefault(REMEMBERED, [])
    key = ".".join(path)
    if key in remembered:
        remembered.remove(key)
    if len(path) == 1:
        drop_own_field(m.state.runtime, key)
        forgotten = m.state.runtime.setdefault(FORGOTTEN, [])
        if key not in forgotten:
            forgotten.append(key)


def tag(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    value = to_text(stack.pop())
    if len(value) > MAX_TAG_CHARS:  # a tag is a label; the state keeps every one for good
        raise ScriptError(f"a tag is at most {MAX_TAG_CHARS} characters; this one has {len(value):,}",
                          "tag with a short label, like `tag \"vip\"`, and keep data in a variable")
    tags = m.state.tags
    if "::" in value:
        scope = value.split("::", 1)[0] + "::"
        tags[:] = [t for t in tags if not t.startswith(scope)]
    if value not in tags:
        if len(tags) >= m.limits.tags:
            raise LimitError(f"this conversation already has {len(tags)} tags, the limit",
                             "`untag` the ones no longer needed, or raise `tags` in bubble.toml")
        tags.append(value)


def untag(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    value = to_text(stack.pop())
    if value in m.state.tags:
        m.state.tags.remove(value)


def log(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    value = redacted(stack.pop())  # a log line never shows a secret answer (SPEC §8)
    span = m.image.codes[frame.code].spans[pc]
    m.emit("log", to_text(value), {"at": span.location() if span is not None else frame.name})


def mail(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """`mail to, subject, body`: checked here, sent by the host after the turn commits (a turn
    that fails sends nothing; `engine/mail_out.py`)."""
    body, subject, to = redacted(stack.pop()), stack.pop(), stack.pop()
    addresses = mail_addresses(to)
    title = " ".join(to_text(subject).split())  # one line: a header never takes a newline
    if len(title) > MAX_SUBJECT:
        raise ScriptError(f"a mail subject may be {MAX_SUBJECT} characters long, not {len(title)}",
                          "shorten the subject; the details go in the body")
    m.emit("mail", title, {"to": addresses, "subject": title, "body": to_text(body)})


def step(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """A wizard step boundary: the checkpoint is taken with the operands still on the stack, so
    Back can run this instruction again (`wizard.py`)."""
    index, total = constants[arg]
    title = to_text(stack[-2])
    pass_step(m, frame, pc, title, truthy(stack[-1].get("final")), index, total)
    del stack[-2:]


HANDLERS = {
    "SAY": say, "ASK": ask, "PROMPT": prompt, "SHOW": show, "TYPE": type_op, "PAUSE": pause, "EMIT": emit,
    "CANCEL": cancel, "AWAIT": await_op, "EXTENSION": extension, "REMEMBER": remember, "FORGET": forget,
    "TAG": tag, "UNTAG": untag, "LOG": log, "MAIL": mail, "STEP": step,
}
