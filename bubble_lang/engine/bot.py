"""The embedding API (layer 9): `load_bot(path)` → `Bot`; `bot.conversation(id=…)` →
`Conversation` with `send_text`, `send_event`, `send_location`, `send_attachment`.

Each send plays one turn and returns the bot's output records. The clock is injectable (tests and
`--fast` runs use a fixed one); randomness is seeded per conversation. State lives in memory here;
durable stores come with the storage layer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum

from ..diagnostics import BubbleCompileError, BubbleError, BubbleUsageError, Severity, make_diagnostic
from ..frontend import BotCheck, check_bot, discover_bots
from ..runtime.outputs import Output
from ..runtime.session import SessionState
from ..vm import timers, turns
from ..vm.image import BotImage, link_bot
from ..vm.machine import Machine

Clock = Callable[[], pendulum.DateTime]


class Bot:
    """A compiled, linked bot; conversations share it."""

    def __init__(self, image: BotImage, check: BotCheck):
        self.image = image
        self.check = check
        self.warnings = tuple(d for d in check.diagnostics if d.severity is not Severity.ERROR)

    @property
    def name(self) -> str:
        return self.check.files.scripts[0].stem if self.check.files.scripts else "bot"

    def conversation(self, id: str = "default", *, user_id: str | None = None, clock: Clock | None = None,
                     seed: int | None = None) -> Conversation:
        if seed is None:
            seed = int(hashlib.sha256(id.encode()).hexdigest()[:8], 16)
        state = SessionState(conversation_id=id, user_id=user_id or id, seed=seed)
        return Conversation(self, state, clock or (lambda: pendulum.now(self.image.config.timezone)))


class Conversation:
    """One conversation: plays turns against the bot and keeps the state between them."""

    def __init__(self, bot: Bot, state: SessionState, clock: Clock):
        self.bot = bot
        self.state = state
        self.clock = clock
        self.errors: list[BubbleError] = []
        self.last_errors: tuple[BubbleError, ...] = ()

    def _machine(self, state: SessionState) -> Machine:
        now = self.clock()
        if state.clock_offset:
            now = now.add(seconds=state.clock_offset)
        return Machine(self.bot.image, state, now)

    def _play(self, action: Callable[[Machine], None]) -> list[Output]:
        """Fire the timers that fell due, then play the input; each is one turn."""
        outputs = self.fire_due_timers()
        errors = list(self.last_errors)
        result, state = turns.play_turn(self._machine, self.state, action)
        self.state = state
        self.errors.extend(result.errors)
        self.last_errors = tuple(errors) + result.errors
        return outputs + list(result.outputs)

    def now(self) -> pendulum.DateTime:
        now = self.clock()
        return now.add(seconds=self.state.clock_offset) if self.state.clock_offset else now

    def fire_due_timers(self) -> list[Output]:
        """Play every timer whose time has come, in order, each as its own turn (fired once: a
        timer is removed before it runs, so a failing one is not retried)."""
        outputs: list[Output] = []
        errors: list[BubbleError] = []
        session_seconds = self.session_timeout()
        for _ in range(1000):  # bounded: a timer may schedule another
            due_at = timers.next_due(self.state, session_seconds)
            if due_at is None or due_at > self.now().timestamp():
                break
            timer = timers.pending(self.state, session_seconds)[0]
            timers.take(self.state, timer)
            result, state = turns.play_turn(self._machine, self.state, lambda m: timers.fire_timer(m, timer))
            self.state = state
            self.errors.extend(result.errors)
            errors.extend(result.errors)
            outputs.extend(result.outputs)
        self.last_errors = tuple(errors)
        return outputs

    def start(self) -> list[Output]:
        """Open the conversation (runs the entry dialog) if it is not open yet."""
        if self.state.started and not self.state.closed:
            return []
        return self._play(lambda machine: turns.start(machine) if not machine.state.closed
                          else (turns.reopen(machine.state), turns.start(machine)))

    def send_text(self, text: str) -> list[Output]:
        return self._play(lambda machine: turns.handle_text(machine, text[: 1 << 20]))

    def send_event(self, name: str, payload: Any = None) -> list[Output]:
        return self._play(lambda machine: turns.handle_event(machine, name, payload))

    def send_location(self, lat: float, lon: float) -> list[Output]:
        return self._play(lambda machine: turns.handle_location(machine, lat, lon))

    def send_attachment(self, kind: str, **data: Any) -> list[Output]:
        return self._play(lambda machine: turns.handle_attachment(machine, kind, data))

    def session_timeout(self) -> float:
        """The bot's `@timeout` in seconds (default 15 minutes), evaluated once per bot."""
        cached = self.bot.image.cache.get("session_timeout")
        return cached if cached is not None else timers.session_timeout_seconds(self._machine(self.state))

    def pending_timers(self) -> list[dict[str, Any]]:
        return timers.pending(self.state, self.session_timeout())

    def advance(self, seconds: float) -> list[Output]:
        """Move this conversation's clock forward (tests, `/time +15m`); due timers fire."""
        self.state.clock_offset += seconds
        return self.fire_due_timers()

    @property
    def stack(self) -> list[str]:
        return [frame.name for frame in reversed(self.state.frames) if frame.kind == "dialog"]


def build_bot(check: BotCheck) -> Bot:
    """Link a checked bot; a bot with errors raises `BubbleCompileError` with all of them."""
    if not check.ok or check.program is None:
        errors = [d for d in check.diagnostics if d.severity is Severity.ERROR]
        raise BubbleCompileError(errors)
    return Bot(link_bot(check.program, check.config, check.data), check)


def load_bot(path: str | Path) -> Bot:
    """Load, check and link the bot at `path` (a `.bot` file or a bot directory)."""
    target = Path(path)
    if not target.exists():
        raise BubbleUsageError([make_diagnostic("B500", f"cannot read `{path}`: no such file or directory", None,
                                                hint="check the path")])
    bots = list(discover_bots(target))
    if len(bots) != 1:
        raise BubbleUsageError([make_diagnostic(
            "B504", f"`{path}` holds {len(bots)} bots, not one", None,
            hint="give one `.bot` file, or a directory with a `bubble.toml`")])
    return build_bot(check_bot(bots[0], lint=False))
