"""The host (layer 9): an asyncio `Runner` that owns the turns of many conversations of a bot.

Input: user inputs from channels (`send`, `send_text`, …), due timers from the store, and the
answers of extension servers. Output: committed turns, and their outputs handed to the channels
subscribed to each conversation (`subscribe`), or kept in the store until one connects.

Per turn (DESIGN §1b): take the conversation's in-process lock and the store's lease → load →
`step` (due timers first) → while the VM waits on an extension call: make it through the
extension adapter, renewing the lease meanwhile → commit (state, timers, outbox, dedup id) →
deliver. Store calls block, so they run in worker threads, never on the event loop; the VM's
step is short and bounded (SPEC §13) and runs on the loop. A scheduler task plays due timers
while nobody types (`scheduler.py`). One conversation's failure never touches another's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import pendulum

from ..diagnostics import BubbleError
from ..runtime.inputs import (
    AnswerInput,
    AttachmentInput,
    BackInput,
    EventInput,
    LocationInput,
    StartInput,
    TextInput,
    TimerInput,
    UserInput,
)
from ..runtime.input_checks import check_advance, check_input
from ..runtime.outputs import Output
from ..runtime.records import assign
from ..runtime.session import SessionState
from ..runtime.values import REDACTED, to_plain
from ..runtime.steps import Extension, Idle, Step, Waiting
from ..vm import timers
from ..vm.questions import waits_for_secret
from ..vm.widget_answers import shown_answer
from ..vm.step import describe_waiting, step
from .bot import Bot, Clock
from .delivery import Deliver, Outbox, Subscription, in_process
from ..storage import CorruptState, StoreBusy
from .durable import StateCache, StoredTurn, decode, quarantine, store_key
from .extension_io import ExtensionCaller, default_extensions
from .mail_out import send_mails
from .scheduler import Scheduler

log = logging.getLogger("bubble")
KEPT_ERRORS = 100  # `Runner.errors` keeps this many of the latest script errors


class Runner:
    """Runs a bot's conversations: `async with Runner(bot, store) as runner: …`."""

    def __init__(self, bot: Bot, store: Any = None, *, clock: Clock | None = None,
                 extensions: ExtensionCaller | None = None, bot_id: str | None = None,
                 poll_seconds: float = 1.0, channel: str = "websocket"):
        if store is None:
            from ..storage import MemoryStore

            store = MemoryStore()
        self.bot = bot
        self.store = store
        self.clock = clock or (lambda: pendulum.now(self.bot.image.config.timezone))
        self._channel = channel
        self._own_extensions = extensions is None  # made here from the bot's config (a reload remakes it)
        self.extensions = extensions or default_extensions(bot.image, channel)
        self.bot_id = bot_id or bot.name
        self.outbox = Outbox(store)
        self.cache = StateCache()  # the states this runner committed last: read back from memory
        self.scheduler = Scheduler(store, store_key(self.bot_id, ""), self._fire_timer,
                                   clock=lambda: self.clock().timestamp(), poll_seconds=poll_seconds)
        self.problems: list[BubbleError] = []  # conversations set aside as unreadable (B564)
        self.errors: list[BubbleError] = []  # script errors of the turns played (each handled)
        self.on_error: list[Callable[[str, BubbleError], None]] = []  # told of each, with its conversation
        self._mail_jobs: set[asyncio.Future[int]] = set()  # mails of committed turns being sent
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}  # how many turns wait on each lock (locks are dropped at 0)
        self._seeds: dict[str, int] = {}
        self._retiring: set[asyncio.Task[None]] = set()  # old extension clients closing after a reload
        self.uploads: Any = None  # the upload store (`engine/uploads.py`), made on the first upload
        self.relay: Any = None  # `outbox_relay.OutboxRelay` when several workers share a Redis store

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> Runner:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def start(self) -> None:
        """Start the scheduler (timers fire while nobody types)."""
        self.scheduler.start()

    async def close(self) -> None:
        """Stop the scheduler, wait for the turns in flight to finish (none is cut short), then
        close the extension adapter's kept-alive connections (when it has any)."""
        await self.scheduler.stop()
        await self.idle()
        if self._retiring:
            await asyncio.gather(*list(self._retiring), return_exceptions=True)
        aclose = getattr(self.extensions, "aclose", None)
        if aclose is not None:
            await aclose()

    async def idle(self) -> None:
        """Wait until no turn is in flight, timer turns included (a turn that starts meanwhile
        is waited for too), and the mails of finished turns are sent: what a server's shutdown
        drain and `close` wait for."""
        while True:
            busy = [lock for lock in list(self._locks.values()) if lock.locked()]
            if not busy:
                await asyncio.gather(*self._mail_jobs, return_exceptions=True)
                return
            for lock in busy:
                async with lock:
                    pass

    def swap_bot(self, bot: Bot) -> None:
        """Serve a new version of the bot from the next turn on (hot reload). Turns in flight
        finish on the version they began with; each conversation is fitted to the new version
        on its next turn (SPEC §14: unchanged dialogs continue, changed ones restart). The bot
        keeps its id, so its conversations keep their keys. The extension client made from the
        bot's config is made anew (its state table names the new dialogs); the old one closes
        once the turns in flight are done."""
        if bot.name != self.bot.name:
            raise ValueError(f"a reload must keep the bot's name (`{self.bot.name}`, not `{bot.name}`)")
        old = self.extensions
        if self._own_extensions:
            self.extensions = default_extensions(bot.image, self._channel)
            aclose = getattr(old, "aclose", None)
            if aclose is not None:
                task = asyncio.get_running_loop().create_task(self._close_later(aclose))
                self._retiring.add(task)
                task.add_done_callback(self._retiring.discard)
        self.bot = bot

    async def _close_later(self, aclose: Callable[[], Any]) -> None:
        await self.idle()
        await aclose()

    # ------------------------------------------------------------------ inputs
    async def send(self, conversation_id: str, input: UserInput, *, message_id: str | None = None,
                   misc: dict[str, Any] | None = None) -> list[Output]:
        """Play one input as a turn (due timers of the conversation first); returns its outputs,
        after they are committed and delivered. A `message_id` seen before returns the outputs of
        the turn that handled it, and plays nothing. `misc` (plain JSON data: the messengers'
        `update_ctx_misc`) is merged into the conversation's `misc` map, committed with the turn."""
        input = check_input(input, self.bot.image.config.limits)  # InputRejected before anything happens
        record = _record(input)
        prepare = _merge_misc(plain_misc(misc)) if misc else None
        return await self._run_turn(conversation_id, [input], record, message_id=message_id, timers_first=True,
                                    prepare=prepare)

    async def open(self, conversation_id: str, frontend: str | None = None) -> list[Output]:
        """Open the conversation (its entry dialog runs) unless it is open: then nothing is played
        and no turn recorded (two first messages at once each asked to open it, and the history
        got an empty "start" turn for every one but the first)."""
        return await self._run_turn(conversation_id, [StartInput(frontend=frontend)], _record(StartInput()),
                                    timers_first=True, only_if_new=True)

    async def send_text(self, conversation_id: str, text: str, *, message_id: str | None = None) -> list[Output]:
        return await self.send(conversation_id, TextInput(text=text), message_id=message_id)

    async def send_event(self, conversation_id: str, name: str, payload: Any = None, *,
                         message_id: str | None = None) -> list[Output]:
        return await self.send(conversation_id, EventInput(name=name, payload=payload), message_id=message_id)

    async def send_location(self, conversation_id: str, lat: float, lon: float) -> list[Output]:
        return await self.send(conversation_id, LocationInput(lat=lat, lon=lon))

    async def send_attachment(self, conversation_id: str, kind: str, **data: Any) -> list[Output]:
        return await self.send(conversation_id, AttachmentInput(kind=kind, data=data))

    async def send_answer(self, conversation_id: str, value: Any, message_id: str | None = None) -> list[Output]:
        """A control's value for the waiting widget question (a web chat's form, a list of
        picks, `true`/`false`…), checked on the server for the widget's kind."""
        return await self.send(conversation_id, AnswerInput(value=value), message_id=message_id)

    async def send_upload(self, conversation_id: str, name: str, type: str, data: bytes, *,
                          message_id: str | None = None) -> list[Output]:
        """A file for the waiting `upload` widget: its type and size are checked against the
        widget BEFORE anything is stored; a file that does not fit gets the reason (and the
        question again) and is never written. A stored file answers with its record `{name,
        type, size, key}`, which the VM checks once more."""
        from .uploads import answer_upload

        return await answer_upload(self, conversation_id, name, type, data, message_id=message_id)

    async def back(self, conversation_id: str, *, first: bool = False, message_id: str | None = None) -> list[Output]:
        """Back in a wizard (SPEC §9): a committed turn like a message (`first`: to the first step)."""
        return await self.send(conversation_id, BackInput(first=first), message_id=message_id)

    async def advance(self, conversation_id: str, seconds: float) -> list[Output]:
        """Move one conversation's clock forward (`/time +15m`); its due timers fire now."""

        def move(state: SessionState) -> None:
            state.clock_offset += check_advance(seconds, self._now(state), self.bot.image.config.limits)

        return await self._run_turn(conversation_id, [], {"kind": "advance", "seconds": seconds},
                                    timers_first=True, prepare=move)

    async def restart(self, conversation_id: str) -> list[Output]:
        """Start the conversation over (the user record and the output sequence stay)."""

        def reset(state: SessionState) -> None:
            assign(state, state.renewed(self._fresh(conversation_id).seed))

        return await self._run_turn(conversation_id, [StartInput()], {"kind": "restart"}, prepare=reset)

    # ------------------------------------------------------------------ reading
    async def subscribe(self, conversation_id: str, deliver: Deliver, *, after_seq: int | None = None) -> Subscription:
        """Hand this conversation's outputs to `deliver` (a function or coroutine function), each
        once, in order: first what was committed after `after_seq` (default: what no channel
        has taken yet), then every new turn's."""
        async with self._lock(conversation_id):
            return await self.outbox.subscribe(self.key(conversation_id), deliver, after_seq)

    async def _deliver(self, key: str, outputs: list[Output]) -> None:
        """Hand a committed turn's outputs on. When a subscriber is behind the turn's first output
        (another worker committed in between: a timer, an HTTP call, whose notice has not come
        yet), what it missed is read from the store first, so it sees every output in order."""
        subscribers = self.outbox.subscribers.get(key)
        numbered = [output.seq for output in outputs if output.seq]
        if subscribers and numbered and min(s.last_seq for s in subscribers) < min(numbered) - 1:
            behind = min(s.last_seq for s in subscribers)
            missed = await asyncio.to_thread(self.store.outputs_since, key, behind)
            outputs = [Output.from_plain(plain) for plain in missed]
        await self.outbox.deliver(key, outputs)

    async def catch_up(self, key: str) -> None:
        """Deliver what another worker committed for `key` to this worker's subscribers (the
        outbox relay's notice), in order, under the conversation's lock here."""
        conversation_id = key.split("/", 1)[1] if "/" in key else key
        async with self._lock(conversation_id):
            subscribers = self.outbox.subscribers.get(key)
            if not subscribers:
                return
            after = min(subscription.last_seq for subscription in subscribers)
            missed = await asyncio.to_thread(self.store.outputs_since, key, after)
            await self.outbox.deliver(key, [Output.from_plain(plain) for plain in missed])

    async def state(self, conversation_id: str) -> SessionState | None:
        """The committed state of a conversation (None when it has none yet, or when what is
        stored cannot be read: it is then set aside and the conversation starts afresh)."""
        key = self.key(conversation_id)

        def read() -> SessionState | None:
            try:
                stored = self.store.load(key)
            except CorruptState as error:
                quarantine(self.store, error, self.problems)
                return None
            if stored is None or not stored.state:
                return None
            return decode(self.store, key, stored.state, self.problems)

        return await asyncio.to_thread(read)

    async def waiting(self, conversation_id: str) -> Waiting:
        """What the conversation waits for: the pending question (with its choices) and so on."""
        state = await self.state(conversation_id)
        if state is None:
            return Idle()
        return describe_waiting(self.bot.image, state, self.clock())

    def key(self, conversation_id: str) -> str:
        return store_key(self.bot_id, conversation_id)

    # ------------------------------------------------------------------ turns
    def _lock(self, conversation_id: str) -> _HeldLock:
        return _HeldLock(self, conversation_id)

    def _fresh(self, conversation_id: str) -> SessionState:
        return self.bot.new_state(conversation_id, seed=self._seeds.get(conversation_id))

    def seed(self, conversation_id: str, seed: int) -> None:
        """Fix the `random` seed of a conversation that starts later (reproducible runs)."""
        self._seeds[conversation_id] = seed

    async def _run_turn(self, conversation_id: str, inputs: list[Any], record: Any, *,
                        message_id: str | None = None, timers_first: bool = False,
                        claim: str | None = None, prepare: Callable[[SessionState], None] | None = None,
                        only_if_new: bool = False) -> list[Output]:
        async with self._lock(conversation_id):
            key = self.key(conversation_id)
            turn = StoredTurn(self.bot, self.store, key, lambda: self._fresh(conversation_id), self.problems,
                              cache=self.cache)
            previous = await self._begin(turn, message_id)
            if previous is not None:  # played before (maybe by another worker): this socket may lack it
                await self._deliver(key, previous)
                return previous
            state = turn.state
            assert state is not None
            if record.get("kind") == "text" and waits_for_secret(state):
                record = {**record, "text": REDACTED}  # never a secret in the transcript (SPEC §8)
            if record.get("kind") == "answer":
                record = {**record, "value": to_plain(shown_answer(state, record.get("value")))}
            try:
                if only_if_new and state.started and not state.closed:
                    await asyncio.to_thread(turn.abort)  # opened meanwhile
                    return []
                if claim is not None and not await asyncio.to_thread(turn.claim, claim):
                    await asyncio.to_thread(turn.abort)  # fired meanwhile, or by another process
                    return []
                if prepare is not None:
                    prepare(state)
                outputs: list[Output] = []
                rollback: Any = None if prepare is not None else turn.restore  # the first step only
                if timers_first:
                    for _ in range(1000):  # bounded: a timer may schedule another
                        due = timers.next_due(state, turn.bot.image.session_timeout)
                        if due is None or due > self._now(state).timestamp():
                            break
                        timer = timers.pending(state, turn.bot.image.session_timeout)[0]
                        await self._play(state, TimerInput(timer_id=timer.id), turn, outputs, rollback)
                        rollback = None
                for input in inputs:
                    await self._play(state, input, turn, outputs, rollback)
                    rollback = None
                if in_process(self.store):  # a commit in memory never waits
                    turn.finish(state, outputs, record, message_id)
                else:
                    await asyncio.to_thread(turn.finish, state, outputs, record, message_id)
            except BaseException:
                await asyncio.to_thread(turn.abort)
                raise
            self.scheduler.expect(timers.next_due(state, turn.bot.image.session_timeout))
            await self._deliver(key, outputs)
            if any(output.kind == "mail" for output in outputs):  # after the commit, at most once
                self._send_mails(turn.bot, outputs)
            if self.relay is not None and outputs:
                await self.relay.announce(key, max(output.seq for output in outputs))
            return outputs

    def _send_mails(self, bot: Bot, outputs: list[Output]) -> None:
        """The turn's `mail`s, sent in a thread while the conversation goes on (`mail_out.py`)."""
        config = bot.image.config
        job = asyncio.ensure_future(asyncio.to_thread(send_mails, config.mail, outputs, config.title or bot.name))
        self._mail_jobs.add(job)
        job.add_done_callback(self._mail_jobs.discard)

    async def _begin(self, turn: StoredTurn, message_id: str | None) -> list[Output] | None:
        """Lock and load: on the loop for an in-process store whose lease is free (a thread hop
        costs more than the call), else in a worker thread, which may wait for the lease."""
        if in_process(self.store):
            try:
                return turn.begin(message_id, wait_seconds=0)
            except StoreBusy:
                pass  # held by another runner of this process: wait for it off the loop
        return await asyncio.to_thread(turn.begin, message_id)

    def _now(self, state: SessionState) -> pendulum.DateTime:
        now = self.clock()
        return now.add(seconds=state.clock_offset) if state.clock_offset else now

    async def _play(self, state: SessionState, input: Any, turn: StoredTurn, outputs: list[Output],
                    rollback: Any = None) -> Step:
        """One step, and the extension calls it stops at (the lease renewed while they run)."""
        now = self._now(state)
        image = turn.bot.image  # the bot the turn began with, even if a reload swaps it meanwhile
        result = step(image, state, input, now=now, rollback=rollback)
        while isinstance(result.waiting, Extension):
            answer = await self._call(turn, result.waiting)
            result = step(image, state, answer, now=now, rollback=rollback)
        for note in result.notes:
            log.info("conversation %s: %s", state.conversation_id, note)
        self.errors.extend(result.errors)
        del self.errors[:-KEPT_ERRORS]  # a server runs for months: only the latest are kept
        for error in result.errors:
            for tell in self.on_error:
                tell(state.conversation_id, error)
        outputs.extend(result.outputs)
        return result

    async def _call(self, turn: StoredTurn, waiting: Extension) -> Any:
        keeper = asyncio.create_task(self._keep_lease(turn))
        try:
            return await self.extensions.call(waiting.request)
        finally:
            keeper.cancel()

    async def _keep_lease(self, turn: StoredTurn) -> None:
        every = max(0.05, self.store.lock_seconds / 3)
        while True:
            await asyncio.sleep(every)
            if not await asyncio.to_thread(turn.renew):
                log.warning("conversation %s: its lease was lost during an extension call", turn.key)
                return

    async def _fire_timer(self, key: str, timer: Any) -> None:
        conversation_id = key.split("/", 1)[1]
        timer_id = str(timer.payload.get("id", ""))
        await self._run_turn(conversation_id, [TimerInput(timer_id=timer_id)], {"kind": "timer", "id": timer_id},
                             claim=timer.timer_id)


class _HeldLock:
    """The in-process lock of one conversation; dropped from the table when nobody holds or
    waits for it, so a runner serving many conversations keeps no lock per idle conversation."""

    def __init__(self, runner: Runner, conversation_id: str):
        self.runner = runner
        self.conversation_id = conversation_id

    async def __aenter__(self) -> None:
        runner, cid = self.runner, self.conversation_id
        lock = runner._locks.setdefault(cid, asyncio.Lock())
        runner._users[cid] = runner._users.get(cid, 0) + 1
        try:
            await lock.acquire()
        except BaseException:  # cancelled while waiting: let go of our place
            self._leave()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.runner._locks[self.conversation_id].release()
        self._leave()

    def _leave(self) -> None:
        runner, cid = self.runner, self.conversation_id
        runner._users[cid] -= 1
        if not runner._users[cid]:
            del runner._users[cid]
            del runner._locks[cid]


MISC_KEY = "$misc"  # where a conversation's `misc` map lives in its state (not a script variable)


def plain_misc(misc: dict[str, Any]) -> dict[str, Any]:
    """`misc` as plain JSON data (a copy), or TypeError: the state holds data, never objects."""
    try:
        plain = json.loads(json.dumps(misc, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise TypeError(f"`misc` must be plain JSON data (text keys; text, numbers, lists, maps): {error}") from None
    if not isinstance(plain, dict):
        raise TypeError("`misc` must be a map")
    return plain


def _merge_misc(update: dict[str, Any]) -> Callable[[SessionState], None]:
    def merge(state: SessionState) -> None:
        state.runtime[MISC_KEY] = {**state.runtime.get(MISC_KEY, {}), **update}

    return merge


def _record(input: Any) -> dict[str, Any]:
    """How a turn's input is written in the transcript (never a secret's text: SPEC §8)."""
    if isinstance(input, TextInput):
        return {"kind": "text", "text": input.text}
    if isinstance(input, EventInput):
        return {"kind": "event", "name": input.name}
    if isinstance(input, LocationInput):
        return {"kind": "location", "lat": input.lat, "lon": input.lon}
    if isinstance(input, AttachmentInput):
        return {"kind": "attachment", "type": input.kind}
    if isinstance(input, AnswerInput):
        return {"kind": "answer", "value": input.value}  # redacted once the state is read (`_run_turn`)
    if isinstance(input, BackInput):
        return {"kind": "back", "first": input.first}
    return {"kind": "start"}
