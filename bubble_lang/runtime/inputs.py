"""What a turn is played for (layer 6): the inputs of `step`, as typed records.

A channel turns what a user did into one of these: a message (`TextInput`), an event, a
location, an attachment, a control's value (`AnswerInput`), opening the conversation
(`StartInput`). The host adds two of its own:
a due timer (`TimerInput`) and the result of an extension call (`ExtensionResult`), which
resumes a turn that stopped at `extension` (`ExtensionRequest`). All are frozen plain data, so a
turn stopped for IO is plain data too.
"""

from __future__ import annotations

from typing import Any, Union

from .records import record, value_field


@record("start_input", frozen=True)
class StartInput:
    """Open the conversation (its entry dialog runs) if it is not open yet. `frontend` names the
    channel that opens it (`user.frontend`: "web", "telegram", "api", "terminal", …)."""

    frontend: str | None = None


@record("text_input", frozen=True)
class TextInput:
    text: str


@record("event_input", frozen=True)
class EventInput:
    name: str
    payload: Any = value_field(default=None)


@record("location_input", frozen=True)
class LocationInput:
    lat: float
    lon: float


@record("attachment_input", frozen=True)
class AttachmentInput:
    kind: str  # image | video | audio | file | voice
    data: dict[str, Any] = value_field(factory=dict)  # url, name, type, size, …


@record("answer_input", frozen=True)
class AnswerInput:
    """A control's value (a web chat's form, a test's `submit`): answers the waiting widget
    `ask` typed — a list, a map, a number, `true`/`false` — instead of as text to parse. The VM
    checks it like any answer (SPEC §8: never trust the client); `vm/widget_answers.py` says
    what happens when no widget question is open."""

    value: Any = value_field(default=None)


@record("timer_input", frozen=True)
class TimerInput:
    """A timer of this conversation fell due (`timer_id` as in the state, e.g. `t3`, `session`)."""

    timer_id: str


@record("back_input", frozen=True)
class BackInput:
    """Back in a wizard (SPEC §9): return to the previous step boundary, variables rolled back
    (`vm/wizard.py` has the rule). A channel input like a message: a turn of its own. With
    `first`, back to the first step still kept (a wizard started over)."""

    first: bool = False


@record("extension_request", frozen=True)
class ExtensionRequest:
    """`extension "name", server: "srv"`: what the VM asks the host to call (SPEC §11).

    `slots` are the conversation's scalar globals as text, `question` the last user message,
    `command` the intent or trigger that started the current dialog, `dialog` its display name
    and `state` its number in the bot's state table (1.. in source order; 0 when none).
    """

    id: str
    server: str
    name: str
    slots: dict[str, str] = value_field(factory=dict)
    question: str = ""
    sender: str = ""  # the user's id (Chatto's `question.sender`)
    command: str = ""
    dialog: str = ""
    state: int = 0
    channel: str = ""  # set by the host: `terminal`, `websocket`, `rest`, `telegram`, …


@record("extension_result", frozen=True)
class ExtensionResult:
    """The host's answer to an `ExtensionRequest` (same `request_id`). On success, `answers` are
    sent (`{"text", "image"}` each) and changed `slots` written back; on failure `error` says
    what went wrong and the turn fails like a script error (rolled back, `__error__`)."""

    request_id: str
    ok: bool
    answers: list[Any] = value_field(factory=list)
    slots: dict[str, Any] = value_field(factory=dict)
    state: int | None = None  # a dialog's number in the state table to move to; None: stay
    error: str = ""


UserInput = Union[StartInput, TextInput, EventInput, LocationInput, AttachmentInput, TimerInput, AnswerInput,
                  BackInput]
StepInput = Union[StartInput, TextInput, EventInput, LocationInput, AttachmentInput, TimerInput, AnswerInput,
                  BackInput, ExtensionResult]
