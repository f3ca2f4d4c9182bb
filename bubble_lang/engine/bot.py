"""The embedding API (layer 9): `load_bot(path)` → `Bot`; `bot.conversation(id=…)` →
`Conversation` with `send_text`, `send_event`, `send_location`, `send_attachment`, `send_answer`.

Each send plays one turn on the VM's `step` and returns the bot's output records; an `extension`
call the turn stops at is made through the conversation's extension adapter, synchronously, and
the turn goes on. Timers that fell due meanwhile are played first, each as its own turn. The
clock is injectable (tests and `--now` runs use a fixed one); randomness is seeded per
conversation. State lives in memory here: `engine/durable.py` keeps it in a store, and
`engine/runner.py` is the asynchronous host for many conversations at once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pendulum

from ..diagnostics import BubbleCompileError, BubbleError, BubbleUsageError, Severity, make_diagnostic
from ..frontend import BotCheck, check_bot, discover_bots
from ..gcpause import collector_paused
from ..runtime.inputs import (
    AnswerInput,
    AttachmentInput,
    BackInput,
    EventInput,
    ExtensionResult,
    LocationInput,
    StartInput,
    StepInput,
    TextInput,
    TimerInput,
)
from ..runtime.input_checks import check_advance, check_input
from ..runtime.outputs import Output
from ..runtime.session import SessionState
from ..runtime.steps import Extension, Step, Waiting
from ..runtime.waits import AnyTimer
from ..vm import timers
from ..vm.bot_image import BotImage
from ..vm.linker import link_bot
from ..vm.step import describe_waiting, step
from . import compiled_cache
from .extension_io import ExtensionCaller, default_extensions

Clock = Callable[[], pendulum.DateTime]
#: `Bot.runner`'s class, put here by `engine/pipeline_runner.py` when the engine package loads: the
#: pipeline runner builds on the Runner, which builds on Bot, so Bot cannot import it (no cycles).
PIPELINE_RUNNER: Callable[..., Any] | None = None
log = logging.getLogger("bubble")


class Bot:
    """A compiled, linked bot; conversations share it (the image is read-only)."""

    def __init__(self, image: BotImage, check: BotCheck):
        self.check = check
        if image.name != self.name or image.config.title is None:  # `bot.id`, `bot.title` in scripts
            image = attrs.evolve(image, name=self.name,
                                 config=attrs.evolve(image.config, title=image.config.title or self.name))
        if check.translations and not image.translations:  # a cached image has them already
            image = attrs.evolve(image, translations=check.translations)
        self.image = image
        self.warnings = tuple(d for d in check.diagnostics if d.severity is not Severity.ERROR)
        self._extensions: ExtensionCaller | None = None

    @property
    def extensions(self) -> ExtensionCaller:
        """The bot's configured extension servers, one client for all its conversations (made on
        first use: one per conversation cost about 550 bytes each, and no connection reuse)."""
        if self._extensions is None:
            self._extensions = default_extensions(self.image, "bubble")
        return self._extensions

    @property
    def name(self) -> str:
        """The bot's identity in a store: its directory for a directory bot, else its file's
        name without `.bot`. Conversations of two bots never share a key (SPEC §14)."""
        files = self.check.files
        if files.config is not None:
            return files.root.name
        if files.scripts:
            return files.scripts[0].name.removesuffix(".bot").removesuffix(".test")
        return "bot"

    def conversation(self, id: str = "default", *, user_id: str | None = None, clock: Clock | None = None,
                     seed: int | None = None, extensions: ExtensionCaller | None = None,
                     tracer: Any = None) -> Conversation:
        return Conversation(self, self.new_state(id, user_id=user_id, seed=seed),
                            clock or (lambda: pendulum.now(self.image.config.timezone)),
                            extensions=extensions, tracer=tracer)

    def runner(self, store: Any = None, **options: Any) -> Any:
        """Chatsky's pipeline runner over this bot: `await runner(request, ctx_id=None,
        update_ctx_misc=None) -> ctx` (`engine/pipeline_runner.py`; `store` as for `Runner`)."""
        if PIPELINE_RUNNER is None:
            raise RuntimeError("the pipeline runner is not loaded: import bubble_lang.engine.pipeline_runner")
        return PIPELINE_RUNNER(self, store, **options)

    def new_state(self, id: str, *, user_id: str | None = None, seed: int | None = None) -> SessionState:
        """A fresh conversation's state; the seed defaults to one derived from the id. Without a
        seed the conversation also gets a random secret (captcha challenges are drawn from it, so
        knowing the id is not enough to compute them); with one, runs replay exactly."""
        secret: str | None = ""
        if seed is None:
            seed = int(hashlib.sha256(id.encode()).hexdigest()[:8], 16)
            secret = None  # drawn when first needed (`vm/captcha_challenges.py`)
        return SessionState(conversation_id=id, user_id=user_id or id, seed=seed, secret=secret)


class Conversation:
    """One conversation: plays turns against the bot and keeps the state between them."""

    @property
    def extensions(self) -> ExtensionCaller:
        """Where this conversation's `extension` calls go: its own adapter (tests' mocks), else
        the bot's shared client."""
        return self._own_extensions if self._own_extensions is not None else self.bot.extensions

    def __init__(self, bot: Bot, state: SessionState, clock: Clock, *, extensions: ExtensionCaller | None = None,
                 tracer: Any = None):
        self.bot = bot
        self.state = state
        self.clock = clock
        self._own_extensions = extensions  # None: the bot's shared client, made when a call needs it
        self.tracer = tracer
        self.errors: list[BubbleError] = []
        self.last_errors: tuple[BubbleError, ...] = ()
        # A store host sets this for the first step of a turn: the way back to what it committed
        # (so the VM takes no copy of the state); later steps of the same turn copy.
        self.restore: Callable[[], SessionState] | None = None

    def now(self) -> pendulum.DateTime:
        now = self.clock()
        return now.add(seconds=self.state.clock_offset) if self.state.clock_offset else now

    def play(self, input: StepInput, now: pendulum.DateTime | None = None) -> tuple[list[Output], Step]:
        """One whole turn: step, make the extension calls it stops at, step on. The clock is read
        once, so a turn sees one moment however long its calls take."""
        now = now or self.now()
        rollback, self.restore = self.restore, None
        result = step(self.bot.image, self.state, input, now=now, tracer=self.tracer, rollback=rollback)
        while isinstance(result.waiting, Extension):
            answer: ExtensionResult = self.extensions.call_sync(result.waiting.request)
            result = step(self.bot.image, self.state, answer, now=now, tracer=self.tracer, rollback=rollback)
        for note in result.notes:
            log.info("conversation %s: %s", self.state.conversation_id, note)
        self.errors.extend(result.errors)
        return list(result.outputs), result

    def waiting(self) -> Waiting:
        """What the conversation waits for: the pending question with its choices, and so on."""
        return describe_waiting(self.bot.image, self.state, self.now())

    def _turn(self, input: StepInput) -> list[Output]:
        """Fire the timers that fell due, then play the input; each is one turn. An input that
        cannot be played raises `InputRejected` before anything happens."""
        input = check_input(input, self.bot.image.config.limits)
        now = self.now()
        outputs = self.fire_due_timers(now)
        errors = list(self.last_errors)
        played, result = self.play(input, now)
        self.last_errors = tuple(errors) + result.errors
        return outputs + played

    def fire_due_timers(self, now: pendulum.DateTime | None = None) -> list[Output]:
        """Play every timer whose time has come, in order, each as its own turn (fired once: a
        timer is removed before it runs, so a failing one is not retried)."""
        outputs: list[Output] = []
        errors: list[BubbleError] = []
        moment = (now or self.now()).timestamp()
        for _ in range(1000):  # bounded: a timer may schedule another
            due_at = timers.next_due(self.state, self.bot.image.session_timeout)
            if due_at is None or due_at > moment:
                break
            timer = timers.pending(self.state, self.bot.image.session_timeout)[0]
            played, result = self.play(TimerInput(timer_id=timer.id))
            errors.extend(result.errors)
            outputs.extend(played)
        self.last_errors = tuple(errors)
        return outputs

    def start(self) -> list[Output]:
        """Open the conversation (runs the entry dialog) if it is not open yet."""
        if self.state.started and not self.state.closed:
            return []
        return self._turn(StartInput())

    def send_text(self, text: str) -> list[Output]:
        return self._turn(TextInput(text=text))

    def send_event(self, name: str, payload: Any = None) -> list[Output]:
        return self._turn(EventInput(name=name, payload=payload))

    def send_location(self, lat: float, lon: float) -> list[Output]:
        return self._turn(LocationInput(lat=lat, lon=lon))

    def send_attachment(self, kind: str, **data: Any) -> list[Output]:
        return self._turn(AttachmentInput(kind=kind, data=data))

    def send_answer(self, value: Any) -> list[Output]:
        """A control's value for the waiting widget question (a list, a map, a number, a date…),
        checked for its kind on the server; see `vm/widget_answers.py` for a value when none waits."""
        return self._turn(AnswerInput(value=value))

    def back(self, *, first: bool = False) -> list[Output]:
        """Back in a wizard (SPEC §9): to the previous step boundary with the variables as they
        were there (`first`: to the first step still kept); a turn like a message."""
        return self._turn(BackInput(first=first))

    def session_timeout(self) -> float:
        """The bot's `@timeout` in seconds (default 15 minutes)."""
        return self.bot.image.session_timeout

    def pending_timers(self) -> list[AnyTimer]:
        return timers.pending(self.state, self.session_timeout())

    def advance(self, seconds: float) -> list[Output]:
        """Move this conversation's clock forward (tests, `/time +15m`); due timers fire."""
        self.state.clock_offset += check_advance(seconds, self.now(), self.bot.image.config.limits)
        return self.fire_due_timers()

    @property
    def stack(self) -> list[str]:
        return [frame.name for frame in reversed(self.state.frames) if frame.kind == "dialog"]


def build_bot(check: BotCheck) -> Bot:
    """Link a checked bot; a bot with errors raises `BubbleCompileError` with all of them."""
    if not check.ok or check.program is None:
        errors = [d for d in check.diagnostics if d.severity is Severity.ERROR]
        raise BubbleCompileError(errors)
    with collector_paused():  # see gcpause.py: a quarter of linking a large bot was collection
        return Bot(link_bot(check.program, check.config, check.data), check)


def load_bot(path: str | Path) -> Bot:
    """Load, check and link the bot at `path` (a `.bot` file or a bot directory); an unchanged
    bot comes from the compiled-bot cache (`compiled_cache.py`) without compiling."""
    target = Path(path)
    if not target.exists():
        raise BubbleUsageError([make_diagnostic("B500", f"cannot read `{path}`: no such file or directory", None,
                                                hint="check the path")])
    bots = list(discover_bots(target))
    if len(bots) != 1:
        raise BubbleUsageError([make_diagnostic(
            "B504", f"`{path}` holds {len(bots)} bots, not one", None,
            hint="give one `.bot` file, or a directory with a `bubble.toml`")])
    entry = compiled_cache.entry_for(bots[0])
    cached = entry.load() if entry is not None else None
    if cached is not None:
        return Bot(*cached)
    bot = build_bot(check_bot(bots[0], lint=False))
    if entry is not None:
        entry.store(bot.image, bot.check)
    return bot
