"""The instruction loop and the frame operations (layer 7).

Input: a linked `BotImage`, a `SessionState` and the turn's clock. Output: `Output` records in
`self.outputs`, and the state as the script left it. `execute` runs one frame until it returns,
waits, pushes another frame or job, closes the conversation, or suspends the turn for host IO;
every instruction goes through the dispatch table built from `OPCODES` (`dispatch.py`) and counts
against the step budget. Errors raise `ScriptFailure` with the instruction's span and the dialog
stack. The VM does no IO (DESIGN §1): an `extension` call is a request the host answers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pendulum

from ..config import timezone_known
from ..diagnostics import BubbleRuntimeError, make_diagnostic
from ..opcodes import CodeObject
from ..render.runtime import render_stack
from ..runtime.agenda import Job, RunHooks
from ..runtime.inputs import ExtensionRequest
from ..runtime.outputs import Output
from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.session import Frame, SessionState
from ..runtime.value_bounds import ValueMeter
from ..runtime.values import truthy
from ..translations import candidate_locales, translate
from .calls import BuiltinCaller
from .dispatch import TABLE
from .signals import Signal

if TYPE_CHECKING:
    from .bot_image import BotImage, DialogEntry, TaskEntry


class ScriptFailure(Exception):
    """A ScriptError with the place it happened, on its way to `step.py`."""

    def __init__(self, error: ScriptError, span: Any, stack: tuple[str, ...]):
        super().__init__(error.message)
        self.error = error
        self.span = span
        self.stack = stack

    def to_runtime_error(self) -> BubbleRuntimeError:
        notes = render_stack([(name, None) for name in self.stack])  # deep recursion folded
        diagnostic = make_diagnostic(self.error.code, self.error.message, self.span, hint=self.error.hint,
                                     notes=notes)
        return BubbleRuntimeError([diagnostic], self.stack)


class Machine:
    """Runs the frames of one conversation for one step of a turn.

    `agenda` is the turn's job stack (`runtime/agenda.py`); frame operations that must run
    tasks first (a dialog with `before:` hooks) push jobs onto it. `tracer` (coverage) and
    `tester` (conversation tests) are optional observers; the VM calls them only when set.
    """

    def __init__(self, image: BotImage, state: SessionState, now: pendulum.DateTime, *,
                 agenda: list[Job] | None = None, tracer: Any = None, tester: Any = None):
        self.image = image
        self.state = state
        self.now = now
        self.now_ts = now.timestamp()  # unix seconds of `now`, read often (timers, the session)
        self.limits = image.config.limits
        self.budget = self.limits.vm_steps_per_turn
        self.meter = ValueMeter(self.limits, image.constant_sizes)  # sizes of the values this step builds (SPEC §13)
        self.started = time.monotonic()
        self.deadline = self.started + self.limits.turn_deadline_seconds  # `step.py` subtracts earlier steps
        self.outputs: list[Output] = []
        self.steps = 0
        self.agenda: list[Job] = agenda if agenda is not None else []
        self.calls = BuiltinCaller(self)
        self.sentences: dict[tuple[str, bool], Any] = {}  # the message, tokenized (pattern_match.py)
        self.patterns: dict[str, Any] = {}  # patterns compiled during this turn (not in the image)
        self.regex_budget: Any = None
        self.io: ExtensionRequest | None = None  # set by `extension`: the turn stops for the host
        self.rollback: Any = None  # the host's way back to the state before the turn (`step.py`)
        self.tracer = tracer
        self.tester = tester

    # ------------------------------------------------------------------ errors and outputs
    def fail(self, error: ScriptError, frame: Frame | None, pc: int) -> ScriptFailure:
        span = error.span
        if frame is not None and span is None:
            code = self.image.codes.get(frame.code)
            if code is not None and code.spans:
                span = code.spans[max(0, min(pc, len(code.spans) - 1))]
        stack = tuple(f"{f.kind} `{f.name}`" for f in reversed(self.state.frames))
        if frame is not None and (not self.state.frames or frame is not self.state.frames[-1]):
            stack = (f"{frame.kind} `{frame.name}`",) + stack
        return ScriptFailure(error, span, stack)

    def check_time(self) -> None:
        """The turn deadline (SPEC §13: wall clock, 30 s by default): checked in the loop every
        few hundred instructions, after every builtin call and between the turn's jobs."""
        if time.monotonic() > self.deadline:
            raise LimitError(f"the turn took longer than {self.limits.turn_deadline_seconds:g} seconds",
                             "look for a loop of slow calls, or raise `turn_deadline_seconds` in bubble.toml")

    def emit(self, kind: str, text: str = "", data: dict[str, Any] | None = None) -> Output:
        """Send an output: numbered in the conversation's sequence (SPEC §15 `seq`). Its text
        is within the string limit (a `say` of a big list must not print megabytes)."""
        if len(text) > self.limits.string_bytes:
            raise LimitError(f"the message would be {len(text):,} characters, over the limit of "
                             f"{self.limits.string_bytes:,}", "send shorter messages")
        state = self.state
        state.output_seq += 1
        output = Output(kind=kind, text=text, data=data or {}, seq=state.output_seq)
        self.outputs.append(output)
        return output

    def say(self, text: str, **data: Any) -> None:
        self.emit("text", text, data)
        self.remember_bot(text)

    def remember_bot(self, text: str) -> None:
        utterances = self.state.bot_utterances
        utterances.insert(0, text)
        del utterances[5:]

    # ------------------------------------------------------------------ values
    def constant(self, name: str) -> Any:
        """`@name`: evaluated when the bot was linked (constants are pure)."""
        return self.image.constants.get(name)

    def evaluate(self, key: str, local_values: dict[str, Any] | None = None) -> Any:
        """Run a guard or trigger expression of the image to its value on a fresh frame. Guards
        are pure expressions (no statements), so they can neither suspend nor push: nothing of
        them is kept in the state."""
        return self.evaluate_code(self.image.codes[key], local_values)

    def evaluate_code(self, code: CodeObject, local_values: dict[str, Any] | None = None) -> Any:
        frame = Frame(code=code.name, name=code.name, kind="guard", locals=dict(local_values or {}))
        if self.execute(frame, code) is not Signal.RETURNED:  # pragma: no cover - guards have no statements
            raise ScriptError("a guard did not produce a value")
        return frame.locals.get("$result")

    def guard_holds(self, guard: str | None) -> bool:
        return guard is None or truthy(self.evaluate(guard))

    def runtime_variable(self, name: str) -> Any:
        state = self.state
        if name == "user":  # the record, over what every user has (SPEC: id, locale, timezone)
            user = state.user
            if "id" in user and "locale" in user and "timezone" in user:
                return user
            config = self.image.config
            return {"id": state.user_id, "locale": config.locale, "timezone": config.timezone, **user}
        if name == "dialog":
            stack = [f.name for f in reversed(state.frames) if f.kind == "dialog"]
            return {"stack": stack, "history": list(state.history),
                    "last_user_utterances": list(state.user_utterances),
                    "last_bot_utterances": list(state.bot_utterances)}
        if name == "conversation":
            return {"id": state.conversation_id, "tags": list(state.tags)}
        if name == "bot":
            config = self.image.config
            return {"id": self.image.name, "title": config.title or self.image.name, "locale": config.locale,
                    "timezone": config.timezone}
        return state.runtime.get(name)

    def locale(self) -> str:
        """The conversation's locale: `user.locale` when the script (or a channel) set one, else
        the bot's (`[bot] locale`)."""
        chosen = self.state.user.get("locale")
        return chosen if isinstance(chosen, str) and chosen else self.image.config.locale

    def timezone(self) -> str:
        """The conversation's time zone: `user.timezone` when the script (or a channel) set one
        pendulum knows, else the bot's (`[bot] timezone`). Dates, times and their parsing use it."""
        chosen = self.state.user.get("timezone")
        return chosen if isinstance(chosen, str) and timezone_known(chosen) else self.image.config.timezone

    def translation(self, key: str) -> Any:
        """The template of a translated text in the conversation's locale, or None."""
        tables = self.image.translations
        return translate(tables, candidate_locales(self.locale()), key) if tables else None

    # ------------------------------------------------------------------ frames
    def choose(self, variants: Any) -> Any:
        """The first variant whose guard holds (SPEC §6)."""
        for entry in variants:
            if entry.guard is None or truthy(self.evaluate(entry.guard)):
                return entry
        return None

    def chain(self) -> list[int]:
        """Dialog-entry indexes of the dialog frames, outermost first (for inner dialogs)."""
        entries = self.image.entries
        return [entries[f.code].index for f in self.state.frames if f.kind == "dialog" and f.code in entries]

    def push_dialog(self, entry: DialogEntry, *, interrupt: bool = False, returning: bool = False) -> Frame:
        """Start a dialog: its frame goes on the stack; its `before:` tasks run first (as a job
        above it, so they can suspend too)."""
        frames = self.state.frames
        if len(frames) >= self.limits.stack_depth:
            raise LimitError(f"dialog stack too deep: more than {self.limits.stack_depth} frames",
                             "check for an `invoke` that calls itself without end")
        frame = Frame(code=entry.ref, name=entry.display, hash=entry.code_hash, interrupt=interrupt,
                      returning=returning)
        frames.append(frame)
        history = self.state.history
        history.insert(0, entry.display)
        del history[50:]
        if entry.name is not None and entry.name in self.image.before:
            self.agenda.append(RunHooks(hook=entry.name))
        if self.tracer is not None:
            self.tracer.entered(entry)
        return frame

    def push_task(self, task: TaskEntry) -> bool:
        """Run a task next (above the current frame) if its guard holds; tasks never touch the
        dialog stack or history."""
        if not self.guard_holds(task.guard):
            return False
        if len(self.state.frames) >= self.limits.stack_depth:
            raise LimitError(f"tasks nested too deep: more than {self.limits.stack_depth} frames",
                             "check for a task that performs itself")
        self.state.frames.append(Frame(code=task.ref, name=task.name, hash=task.code_hash, kind="task"))
        return True

    def perform(self, name: str) -> bool:
        """`perform name`: the first variant whose guard holds runs now."""
        return any(self.push_task(task) for task in self.image.tasks.get(name, ()))

    # ------------------------------------------------------------------ the loop
    def execute(self, frame: Frame, code: CodeObject | None = None) -> Signal:
        """Run `frame` (on `code`, else the image's code of the frame) until it returns, waits,
        pushes, closes or suspends."""
        if code is None:
            code = self.image.codes[frame.code]
        ops, args, constants = code.ops, code.args, code.constants
        table = TABLE
        stack = frame.stack
        pc = frame.pc
        steps = self.steps
        budget = self.budget
        try:
            while True:
                steps += 1
                if steps > budget:
                    raise LimitError(f"the script ran too long: more than {budget} steps in one turn",
                                     "look for a loop that never ends, or raise `vm_steps_per_turn`")
                if not steps & 255:
                    self.check_time()
                result = table[ops[pc]](self, frame, stack, constants, args[pc], pc)
                if result is None:
                    pc += 1
                elif result.__class__ is int:
                    pc = result
                else:
                    frame.pc = pc + 1
                    return result
        except ScriptError as error:
            frame.pc = pc
            raise self.fail(error, frame, pc) from None
        finally:
            self.steps = steps
