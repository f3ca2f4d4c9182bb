"""Conversation state (layer 6): everything the VM needs between turns, as plain data.

`SessionState.to_plain()` gives JSON-ready data (versioned) and `from_plain` reads it back, so a
conversation waiting in the middle of an `ask` — or a turn stopped at an `extension` call — can
be stored and resumed in another process. How each field is stored, read and copied is derived
from the field declarations (`records.py`); never pickle.

Frames refer to code by a stable identity (`dialog:main#0`: kind, name, variant ordinal) and
carry the code's hash, so a bot edited between two turns is reconciled instead of resumed at a
stale position (SPEC §14, `vm/reconcile.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from .agenda import Job
from .inputs import ExtensionRequest, StepInput
from .outputs import Output
from .records import clone, dump, load, record, transient_field, value_field
from .waits import FrameWait, StoredTimer

STATE_VERSION = 2


@record("checkpoint", frozen=True)
class Checkpoint:
    """A wizard step boundary (SPEC §9): what Back restores — the frame's position (the `step`
    instruction, which runs again), its locals and operand stack, the conversation's globals and
    `answer` — as they were when `step` ran. Frozen and copied when made, so a rollback copy of
    the state shares it instead of copying it every turn (`vm/wizard.py` makes and uses them).

    `answers` is the conversation's answer count at the boundary (an answer taken since means
    Back restarts this step); `size` what the copies weigh, counted against `wizard_bytes`.
    """

    pc: int
    hash: str
    title: str = ""
    index: int = 0
    total: int = 0
    final: bool = False
    answers: int = 0
    size: int = 0
    locals: dict[str, Any] = value_field(factory=dict)
    stack: list[Any] = value_field(factory=list)
    globals: dict[str, Any] = value_field(factory=dict)
    answer: Any = value_field(default=None)


@record("frame")
class Frame:
    """One running dialog, task or test: code, position, locals and operand stack.

    `code` is the code's stable identity and `hash` its code hash when the frame began. `wait`
    is what the frame waits for; `interrupt` marks a dialog pushed by a trigger on top of a
    waiting frame (SPEC §7 step 5); `returning` a `__returning__` (or `__error__`) dialog, after
    which the question below is asked again.
    """

    code: str
    name: str
    hash: str = ""
    kind: str = "dialog"  # dialog | task | test
    pc: int = 0
    locals: dict[str, Any] = value_field(factory=dict)
    stack: list[Any] = value_field(factory=list)
    wait: FrameWait | None = None
    interrupt: bool = False
    returning: bool = False
    asked: int = 0  # how often the pending question was shown (prompt [first, later])
    checkpoints: list[Checkpoint] = attrs.field(factory=list)  # wizard steps passed, oldest first


@record("session")
class SessionState:
    """The whole state of one conversation."""

    conversation_id: str
    user_id: str
    globals: dict[str, Any] = value_field(factory=dict)
    runtime: dict[str, Any] = value_field(factory=dict)  # message, answer, event, location, …
    user: dict[str, Any] = value_field(factory=dict)
    frames: list[Frame] = attrs.field(factory=list)
    once: dict[str, int] = attrs.field(factory=dict)
    tags: list[str] = attrs.field(factory=list)
    history: list[str] = attrs.field(factory=list)
    user_utterances: list[str] = attrs.field(factory=list)
    bot_utterances: list[str] = attrs.field(factory=list)
    started: bool = False
    closed: bool = False
    seed: int = 0
    # Server-side secret salt for what must not be guessable from the id or the seed (captcha
    # challenges): None for a host's conversation until it first needs one (then random), ""
    # when a seed was given (tests replay).
    secret: str | None = None
    random_calls: int = 0
    clock_offset: float = 0.0
    timers: list[StoredTimer] = attrs.field(factory=list)  # kept in due order
    timer_seq: int = 0
    last_seen: float | None = None  # unix seconds of the last user input (session timeout)
    timed_out: bool = False
    output_seq: int = 0  # the `seq` of the last output sent
    answers: int = 0  # answers taken so far (Back restarts a step that took one: `vm/wizard.py`)
    bot: str = ""  # the revision of the bot the frames were last reconciled with
    turn: TurnProgress | None = None  # only while a turn is stopped for host IO

    def renewed(self, seed: int) -> SessionState:
        """A new conversation for the same user (after `close`, or a restart): the user record,
        what it remembers, the output sequence, the clock offset and the bot revision carry over;
        everything else starts afresh."""
        shared = {path.split(".", 1)[0] for path in self.runtime.get(REMEMBERED, [])}
        own = set(self.runtime.get(OWN, [])) - shared  # set without `remember`: this conversation's only
        user = {key: value for key, value in self.user.items() if key not in own}
        fresh = SessionState(conversation_id=self.conversation_id, user_id=self.user_id, seed=seed,
                             secret=self.secret, user=user, output_seq=self.output_seq, clock_offset=self.clock_offset,
                             bot=self.bot, turn=self.turn)
        for key in (REMEMBERED, FORGOTTEN):  # `forget user.x` then `close`: still deleted at commit
            if key in self.runtime:
                fresh.runtime[key] = self.runtime[key]
        return fresh

    def snapshot(self) -> SessionState:
        """A copy to roll back to: containers copied, leaf values shared (they are immutable)."""
        return clone(self)

    def to_plain(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, **dump(self)}

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> SessionState:
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"conversation state version {data.get('version')} is not {STATE_VERSION}")
        return load(cls, {key: value for key, value in data.items() if key != "version"})


@record("turn")
class TurnProgress:
    """A turn under way; in the state only while it is stopped for host IO (DESIGN §1b).

    `rollback` is the state as the turn found it (SPEC §7 step 9: a failing turn goes back to
    it); `outputs` what the bot said so far (delivered only when the turn ends and commits);
    `pending` the extension call it waits for; `bot` the bot revision it began on.
    """

    input: StepInput
    agenda: list[Job] = attrs.field(factory=list)
    outputs: list[Output] = attrs.field(factory=list)
    rollback: SessionState | None = None
    pending: ExtensionRequest | None = None
    steps: int = 0
    seconds: float = 0.0  # the time the turn's earlier steps ran (the turn deadline counts them)
    recovering: bool = False  # running `__error__` after a failure: a second failure gives the error text
    bot: str = ""
    errors: list[Any] = transient_field(factory=list)  # BubbleRuntimeErrors so far (reported, not stored)


# Keys of `SessionState.runtime` that say whose the `user.*` fields are (`engine/user_record.py`).
REMEMBERED = "$remembered"  # dotted paths a `remember` named (kept when a conversation renews)
OWN = "$user_own"  # top-level `user` fields this conversation set without `remember`
FORGOTTEN = "$forgotten"  # top-level fields `forget` deleted in this turn (cleared at commit)


def assign_user_field(state: SessionState, path: Sequence[str], value: Any) -> None:
    """A script's `user.a.b = value` (or `user.x = ask …`): the field is this conversation's own
    until a `remember` shares it (SPEC §4), so a new conversation after `close` no longer sees it."""
    set_user_field(state.user, path, value)
    runtime = state.runtime
    if any(shared.split(".", 1)[0] == path[0] for shared in runtime.get(REMEMBERED, [])):
        return  # shared already: every change goes to the record
    own = runtime.setdefault(OWN, [])
    if path[0] not in own:
        own.append(path[0])


def drop_own_field(runtime: dict[str, Any], key: str) -> None:
    """`remember user.x` shares `x`, `forget user.x` deletes it: either way it is no longer this
    conversation's own field (the list as `engine/user_record.settle` leaves it after a commit)."""
    own = runtime.get(OWN)
    if own and key in own:
        own.remove(key)
        if not own:
            del runtime[OWN]


def set_user_field(user: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """`user.a.b = value`: the maps along the path are copied before they change, never changed
    in place. A map there may be shared — a constant (`user.prefs = @menu`), or a value another
    variable holds — and writing into it changed that constant for every conversation."""
    target = user
    for key in path[:-1]:
        inner = target.get(key)
        inner = dict(inner) if isinstance(inner, dict) else {}
        target[key] = inner
        target = inner
    target[path[-1]] = value


def drop_user_field(user: dict[str, Any], path: Sequence[str]) -> None:
    """`forget user.a.b`: like `set_user_field`, the maps along the path are copied, never changed
    in place (one may be a constant); a path that is not there changes nothing."""
    probe: Any = user
    for key in path[:-1]:
        probe = probe.get(key)
        if not isinstance(probe, dict):
            return
    if path[-1] not in probe:
        return
    target = user
    for key in path[:-1]:
        inner = dict(target[key])
        target[key] = inner
        target = inner
    del target[path[-1]]
