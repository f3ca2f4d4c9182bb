"""`extension` calls in the VM (layer 7, SPEC §11): what the turn asks the host, and what the
answer does to the conversation.

The VM does no IO: `extension "name", server: "srv"` becomes an `ExtensionRequest` and the turn
stops (`ops_talk.extension`); the host makes the call and steps the turn on with the
`ExtensionResult`, which `apply_result` applies in the same turn:

- a failure fails the turn like a script error (B470: rolled back, the error text or `__error__`);
- answers are sent in order (a text, an image, or both);
- slots whose text changed are written back, each checked: a name a script can use as a
  conversation variable, a value within the limits; a slot that held a number is read back as a
  number when it still is one, a new slot is text; slots the reply leaves out are left alone;
- a different state moves the conversation to that dialog as `goto` does (from a task: the dialog
  below it is replaced); `0` (`initial`) empties the stack and starts the entry dialog; a number
  that is no dialog of the bot is an error.
"""

from __future__ import annotations

import re
from typing import Any

from ..runtime.inputs import ExtensionRequest, ExtensionResult
from ..runtime.script_errors import ScriptError
from ..runtime.session import Frame
from ..runtime.values import Record, Text, plain_text, to_text
from ..statements import RUNTIME_VARIABLES

_SLOT_NAME = re.compile(r"[a-z][a-zA-Z0-9_]*\Z")


def make_request(m: Any, name: str, server: str) -> ExtensionRequest:
    """The request for an `extension` statement of the top frame: the conversation's scalar
    variables as text (secret answers left out), the last message, what started the dialog."""
    state = m.state
    slots = {}
    for key, value in state.globals.items():
        if isinstance(value, Text) and value.fields.get("secret"):
            continue
        value = plain_text(value)
        if isinstance(value, (str, int, float, bool)):
            slots[key] = to_text(value)
    message = state.runtime.get("message")
    dialog = next((f for f in reversed(state.frames) if f.kind == "dialog"), None)
    entry = m.image.entries.get(dialog.code) if dialog is not None else None
    return ExtensionRequest(
        id=f"{state.conversation_id}:{state.output_seq}:{m.steps}", server=server, name=name, slots=slots,
        question=to_text(plain_text(message)) if message is not None else "", sender=state.user_id,
        command=_command(message, entry), dialog=dialog.name if dialog is not None else "",
        state=entry.index + 1 if entry is not None else 0)


def _command(message: Any, entry: Any) -> str:
    """Chatto's `command`: the intent that matched the message, else the trigger of the dialog."""
    intent = message.fields.get("intent") if isinstance(message, Text) else None
    if isinstance(intent, Record):
        return to_text(intent.fields.get("label") or "")
    if entry is not None and entry.trigger is not None and entry.trigger.patterns:
        return entry.trigger.patterns[0].text
    return ""


def apply_result(m: Any, request: ExtensionRequest, result: ExtensionResult) -> None:
    """Apply a host's answer to the turn (see the module docstring)."""
    if not result.ok:
        raise ScriptError(f"the extension call failed: {result.error or 'no reason given'}",
                          "check that the extension server runs and answers (see `docs/extensions.md`)",
                          code="B470")
    for answer in result.answers:
        text, image = to_text(answer.get("text") or ""), to_text(answer.get("image") or "")
        if text:
            m.say(text)
        if image:
            m.emit("show", image, m.meter.check({"kind": "image", "url": image}))
    _write_slots(m, request, result.slots)
    if result.state is not None and result.state != request.state:
        _move(m, request, result.state)


def _write_slots(m: Any, request: ExtensionRequest, slots: dict[str, Any]) -> None:
    glob = m.state.globals
    for key, value in slots.items():
        if request.slots.get(key) == value:
            continue  # unchanged: a number stays a number
        if not _SLOT_NAME.match(str(key)) or key in RUNTIME_VARIABLES:
            raise ScriptError(f"extension `{request.name}` set the slot `{str(key)[:40]}`, which is not a "
                              "conversation variable name", "slots are named like variables: `name`, `order_id`",
                              code="B470")
        text = to_text(value)
        m.meter.check(text)
        glob[key] = _as_before(glob.get(key), text)


def _as_before(old: Any, text: str) -> Any:
    """A number or boolean slot comes back as text (Chatto's slots are strings): read it as a
    number, or as `true`/`false`, again when it is one; a written-back "false" kept as text would
    be truthy."""
    old = plain_text(old)
    if isinstance(old, bool):
        word = text.strip().lower()
        return {"true": True, "false": False}.get(word, text)
    if isinstance(old, (int, float)):
        try:
            number = float(text)
        except ValueError:
            return text
        if number != number or number in (float("inf"), float("-inf")):
            return text
        return int(number) if number.is_integer() and abs(number) <= 2**53 else number
    return text


def _move(m: Any, request: ExtensionRequest, state: int) -> None:
    image, frames = m.image, m.state.frames
    if state == 0:  # `initial`: the conversation starts again from its entry dialog
        frames.clear()
        entry = m.choose(image.variants(image.entry)) if image.entry else None
        if entry is not None:
            m.push_dialog(entry)
        return
    if not 1 <= state <= len(image.dialogs):
        raise ScriptError(f"extension `{request.name}` moved the conversation to state {state}, which is no "
                          "dialog of this bot", "use a number from the request's `domain.state_table`", code="B470")
    entry = image.dialogs[state - 1]
    top = frames[-1] if frames else None
    if top is not None and top.kind == "dialog":
        replaced = frames.pop()
        m.push_dialog(entry, interrupt=replaced.interrupt)
        return
    for index in range(len(frames) - 1, -1, -1):  # from a task: replace the dialog below it
        if frames[index].kind == "dialog":
            frames[index] = Frame(code=entry.ref, name=entry.display, hash=entry.code_hash,
                                  interrupt=frames[index].interrupt)
            return
    m.push_dialog(entry)
