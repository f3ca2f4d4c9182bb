"""Answers to widget questions within a turn (layer 7): a control's value (`AnswerInput`), a typed
reply, a location or an attachment given to the `ask … expecting: input_method(…)` that waits.

Input: the machine and the `Handle` job of the input (`vm/phases.py` hands these over). Output:
the answer stored (and the frame running on), or the reason in words and the same question again.

Choices (docs/widgets.md):

- A value is checked for the widget's kind like typed text (`widget_values.py`): never trusted.
- When no widget question is open, a text value is a message like typed text (`as_message`,
  before the turn starts); any other value is refused with a note saying so, the open question
  (if any) is asked again, and nothing else changes — never a crash, never a lost conversation.
- A location sent while a `location` widget waits answers it (instead of `dialog location:`
  triggers); an attachment sent while an `upload` widget waits answers it with its record.
- Media expectations (`expecting: :image`, `[:image, :video]`, `:location`): an attachment of
  a named kind answers with `{type, url, …}` as `attachment` holds it, a location with
  `{lat, lon}`; `:file` takes an attachment of any kind. Other attachments, locations and
  typed text go their ordinary way (triggers, `__unknown…__`, else the question again).
- `captcha`: an attempt is compared with the challenge kept in the pending ask; a wrong one draws
  a new challenge and says how many tries are left; after the last wrong try the answer is
  `false`, a solved one `true`.
- What a person may see of an answer (the transcript, `message`) never holds a secret or a
  captcha attempt (`shown_answer`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..runtime.agenda import Handle, RunFrames, RunHooks
from ..runtime.inputs import AnswerInput, AttachmentInput, LocationInput, TextInput
from ..runtime.values import REDACTED, Record, Text, plain_text, to_text
from ..runtime.waits import PendingAsk
from .answer_checks import WidgetRejected
from .captcha_challenges import challenge_of, is_captcha, new_challenge, solves
from .questions import media_kinds, send_question, store_answer, waits_for_secret
from .timers import cancel_timer
from .widget_values import answer_text, answer_value, location_value, upload_value

_HIDDEN_KINDS = ("secret", "captcha")


def waiting_widget(state: Any) -> tuple[Any, PendingAsk, Record] | None:
    """(frame, ask, widget) when the top frame waits on an `ask` whose `expecting:` is a widget."""
    top = state.frames[-1] if state.frames else None
    wait = top.wait if top is not None else None
    if not isinstance(wait, PendingAsk) or wait.prompt:
        return None
    expecting = wait.options.get("expecting")
    if isinstance(expecting, Record) and expecting.kind == "widget":
        return top, wait, expecting
    return None


def as_message(state: Any, input: Any) -> Any:
    """A text value while no widget question is open is a message, as if typed."""
    if isinstance(input, AnswerInput) and isinstance(input.value, (str, Text)) and waiting_widget(state) is None:
        return TextInput(text=plain_text(input.value))
    return input


def shown_answer(state: Any, value: Any) -> Any:
    """What people may see of a value given to the open question: `[redacted]` for a secret or a
    captcha attempt, and for the secret fields of a form or `multi_values`."""
    if waits_for_secret(state):
        return REDACTED
    found = waiting_widget(state)
    if found is None or not isinstance(value, dict):
        return value
    fields = found[2].fields.get("fields") or []
    hidden = {to_text(f.get(key)) for f in fields if isinstance(f, dict) and f.get("kind") in _HIDDEN_KINDS
              for key in ("name", "label") if f.get(key)}
    return {key: REDACTED if to_text(key) in hidden else item for key, item in value.items()}


# ---------------------------------------------------------------------------------- the phases
def answer_input(m: Any, job: Handle, given: AnswerInput) -> None:
    """The phases of a control's value: `input` (bind `message`, `before: __user_message__`) and
    `answer` (check it for the waiting widget, store it or ask again)."""
    state = m.state
    if job.phase == "input":
        if waiting_widget(state) is None:
            if isinstance(given.value, (str, Text)):  # opening the conversation asked no widget question
                job.input = TextInput(text=plain_text(given.value))
                return
            _refuse(m, job)
            return
        shown = to_text(shown_answer(state, given.value))
        state.runtime["message"] = Text(shown)
        state.user_utterances.insert(0, shown)
        del state.user_utterances[5:]
        job.phase = "answer"
        if "__user_message__" in m.image.before:
            m.agenda.append(RunHooks(hook="__user_message__"))
        return
    found = waiting_widget(state)
    if found is None:  # a `before:` task answered or replaced the question meanwhile
        _refuse(m, job)
        return
    top, wait, widget = found
    settle(m, job, top, wait, lambda: _checked(m, top, wait, widget, given.value, typed=False))


def answer_typed(m: Any, job: Handle, text: str) -> bool:
    """A typed reply to a widget question: settled here (True), or not a widget question (False:
    the ordinary `expecting:` matching goes on)."""
    found = waiting_widget(m.state)
    if found is None:
        return False
    top, wait, widget = found
    settle(m, job, top, wait, lambda: _checked(m, top, wait, widget, text, typed=True))
    return True


def answer_location(m: Any, job: Handle, point: LocationInput) -> bool:
    """A location sent while a `location` widget or `expecting: :location` waits answers it (True)."""
    if _answer_media(m, job, ("location",), {"lat": point.lat, "lon": point.lon}):
        return True
    return _answer_kind(m, job, "location", lambda widget: location_value(widget, {"lat": point.lat, "lon": point.lon}))


def answer_attachment(m: Any, job: Handle, attachment: AttachmentInput) -> bool:
    """An attachment sent while an `upload` widget waits answers it with its record, or while
    `expecting:` names its kind (or `:file`) with the record `attachment` holds (True)."""
    if _answer_media(m, job, (attachment.kind, "file"), {"type": attachment.kind, **attachment.data}):
        return True
    return _answer_kind(m, job, "upload", lambda widget: upload_value(widget, dict(attachment.data)))


def expected_media(state: Any) -> tuple[str, ...]:
    """The media kinds (`:image`, `:location`, …) the waiting `ask`'s `expecting:` names."""
    top = state.frames[-1] if state.frames else None
    wait = top.wait if top is not None else None
    if not isinstance(wait, PendingAsk) or wait.prompt:
        return ()
    return tuple(media_kinds(wait.options.get("expecting")))


def _answer_media(m: Any, job: Handle, kinds: tuple[str, ...], answer: dict[str, Any]) -> bool:
    expected = expected_media(m.state)
    if not any(kind in expected for kind in kinds):
        return False
    top = m.state.frames[-1]
    accept(m, job, top, top.wait, answer)
    return True


def _answer_kind(m: Any, job: Handle, kind: str, produce: Callable[[Record], Any]) -> bool:
    """Settle the waiting widget question with `produce(widget)` when it is of `kind` (True);
    otherwise the input goes its ordinary way (False: location or attachment triggers)."""
    found = waiting_widget(m.state)
    if found is None or to_text(found[2].fields.get("kind")) != kind:
        return False
    top, wait, widget = found
    settle(m, job, top, wait, lambda: produce(widget))
    return True


def settle(m: Any, job: Handle, top: Any, wait: PendingAsk, produce: Callable[[], Any]) -> None:
    """Store what `produce` gives as the answer and let the frame run on; when it raises
    `WidgetRejected`, say why and ask the same question again (SPEC §7 step 2)."""
    try:
        answer = produce()
    except WidgetRejected as rejected:
        ask_again(m, top, rejected)
        return
    accept(m, job, top, wait, answer)


def ask_again(m: Any, top: Any, rejected: WidgetRejected) -> None:
    """An answer that does not fit: say why, ask the same question again, end the input's job."""
    m.say(rejected.message, widget_error=True)
    send_question(m, top)
    m.agenda.pop()


def accept(m: Any, job: Handle, top: Any, wait: PendingAsk, answer: Any) -> None:
    """The answer of the question `top` waits on: bound, its timeout cancelled, the frame runs on."""
    top.wait = None
    if wait.timer is not None:
        cancel_timer(m.state, wait.timer)
    store_answer(m, top, wait.target, answer)
    job.phase = "done"
    m.agenda.append(RunFrames(root=True))


def _checked(m: Any, top: Any, wait: PendingAsk, widget: Record, value: Any, *, typed: bool) -> Any:
    timezone = m.timezone()
    if is_captcha(wait):
        return _captcha_attempt(m, top, value)
    if typed:
        return answer_text(widget, value, m.now, timezone)
    return answer_value(widget, value, m.now, timezone)


def _captcha_attempt(m: Any, top: Any, value: Any) -> bool:
    challenge = challenge_of(top.wait)
    if challenge is None:  # asked before challenges were kept: draw one now
        new_challenge(m, top)
        raise WidgetRejected("Please type the characters in the picture.")
    attempt = plain_text(value) if isinstance(value, (str, Text)) else ""
    if solves(challenge, attempt):
        return True
    left = int(challenge.get("left", 1)) - 1
    if left <= 0:
        m.say("That was not right, and there are no tries left.", widget_error=True)
        return False
    new_challenge(m, top, left=left)
    raise WidgetRejected(f"That was not right, {left} {'try' if left == 1 else 'tries'} left. Here is a new picture.")


def _refuse(m: Any, job: Handle) -> None:
    """A value that answers nothing: say so, ask the open question again, change nothing else."""
    m.say("That answer was not expected: no question with a form or a control is open.", widget_error=True)
    frames = m.state.frames
    if frames and isinstance(frames[-1].wait, PendingAsk):
        send_question(m, frames[-1])
    m.agenda.pop()

