"""What one `step` of the VM returns (layer 6): the outputs and what the conversation waits for.

`step(image, state, input) -> Step(outputs, waiting)` (DESIGN §1b). `waiting` is one of:

- `Answer`: a question is open (`ask` or `prompt`), with its choices or widget;
- `Event`: a frame waits in `await event(…)`;
- `Extension`: the turn stopped at an `extension` call; the host makes it and steps again with
  the `ExtensionResult` (nothing is delivered or committed before that);
- `Timer`: nothing waits for the user, but a scheduled `emit` is pending;
- `Idle`: the next move is the user's;
- `Closed`: the conversation ended; the next message opens a new one.

`deadline` fields and `next_due` are unix seconds; `next_due` includes the session timeout, so a
host's scheduler knows when to come back to this conversation.
"""

from __future__ import annotations

from typing import Any, Union

import attrs

from .inputs import ExtensionRequest
from .outputs import Output


@attrs.frozen(kw_only=True)
class Answer:
    question: str
    prompt: bool = False  # a `prompt` (kept open until `continue`) rather than an `ask`
    choices: tuple[dict[str, Any], ...] = ()
    widget: dict[str, Any] | None = None
    deadline: float | None = None
    media: tuple[str, ...] = ()  # `expecting: :image`: the media kinds that answer it


@attrs.frozen(kw_only=True)
class Event:
    name: str
    deadline: float | None = None


@attrs.frozen(kw_only=True)
class Extension:
    request: ExtensionRequest


@attrs.frozen(kw_only=True)
class Timer:
    due: float


@attrs.frozen
class Idle:
    pass


@attrs.frozen
class Closed:
    pass


Waiting = Union[Answer, Event, Extension, Timer, Idle, Closed]


@attrs.frozen(kw_only=True)
class Step:
    """The result of one step. `outputs` are empty while `waiting` is an `Extension` (the turn is
    not over); `errors` are the script errors the turn hit (each already handled: rolled back and
    `__error__` run); `notes` say what reconciling an edited bot did (SPEC §14)."""

    outputs: tuple[Output, ...] = ()
    waiting: Waiting = attrs.field(factory=Idle)
    errors: tuple[Any, ...] = ()
    next_due: float | None = None
    notes: tuple[str, ...] = ()
