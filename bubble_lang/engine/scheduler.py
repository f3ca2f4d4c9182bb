"""The timer scheduler (layer 9): plays due timers while nobody types.

Input: the store's due timers (`due_timers`, in due order) of this bot. Output: a turn per due
timer, played through the runner (which claims the timer inside the turn, so a timer fired by a
user's turn meanwhile, or by another process, is not fired twice). The scheduler sleeps until the
soonest timer it knows of (turns tell it their `next_due`) or `poll_seconds`, whichever comes
first, so timers set by other processes are found too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("bubble")


class Scheduler:
    """Runs as one asyncio task of a `Runner`."""

    def __init__(self, store: Any, prefix: str, fire: Callable[[str, Any], Awaitable[None]], *,
                 clock: Callable[[], float] = time.time, poll_seconds: float = 1.0, batch: int = 100):
        self.store = store
        self.prefix = prefix  # `{bot}/`: the keys of this bot's conversations
        self.fire = fire
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.soonest: float | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._stopping = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="bubble-scheduler")

    async def stop(self) -> None:
        """Finish the timer turns in flight, then stop. The loop is told, not cancelled: a
        cancellation that meets a wake-up inside `wait_for` can be lost (Python 3.11)."""
        task, self._task = self._task, None
        self._stopping = True
        self._wake.set()
        if task is not None:
            await task
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def expect(self, due: float | None) -> None:
        """A turn left a timer due at `due`: wake up for it if it is sooner than planned."""
        if due is not None and (self.soonest is None or due < self.soonest):
            self.soonest = due
            self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self.run_due()
            except Exception as error:  # noqa: BLE001 - a store hiccup must not stop the scheduler
                log.warning("scheduler: could not read due timers (%s); trying again", error)
            now = self.clock()
            wait = self.poll_seconds
            if self.soonest is not None:
                wait = max(0.0, min(wait, self.soonest - now))
            if self._stopping:
                return
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except asyncio.TimeoutError:
                pass

    async def run_due(self) -> int:
        """Fire every timer of this bot that is due now; returns how many were started."""
        now = self.clock()
        if self.soonest is not None and self.soonest <= now:
            self.soonest = None
        due = await asyncio.to_thread(self.store.due_timers, now, self.batch)
        started = 0
        for timer in due:
            if not timer.timer_id.startswith(self.prefix):
                continue
            task = asyncio.create_task(self._fire_one(timer))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            started += 1
        if self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
        return started

    async def _fire_one(self, timer: Any) -> None:
        try:
            await self.fire(timer.conversation_id, timer)
        except Exception as error:  # noqa: BLE001 - one conversation's failure is not another's
            log.warning("timer %s: its turn failed (%s)", timer.timer_id, error)
