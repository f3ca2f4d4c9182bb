"""The stand-in's update queue, with Telegram's long-poll semantics for getUpdates.

Why real long polling rather than answering at once: a bot's poll loop is written around a
request that hangs for `timeout` seconds and returns the moment an update arrives; a stand-in that
answered at once (or slept and polled) would hide bugs in exactly that loop (a timeout on the
client shorter than the poll's, updates confirmed before they are handled, two pollers). The rules
kept here: an update is delivered again and again until a later getUpdates asks for an `offset`
above its id, and then it is gone for good; a negative offset keeps only the last updates; a
newer getUpdates ends one still waiting with 409 Conflict.

The queue is filled from the test's thread and drained on the server's event loop, which must not
block (the same loop answers the bot's other calls while its getUpdates waits): waiting
coroutines sleep on asyncio events, woken through `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import bisect
import copy
import threading
import time
from typing import Any

from .standin_store import BotApiError

FIRST_UPDATE_ID = 1000
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class Wakeups:
    """Coroutines sleeping on the server's loop until something changes, woken from any thread.

    Register before checking the state that is waited on, so a change between the check and the
    wait still wakes the waiter. Once closed (the stand-in stops) nothing waits any more.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[asyncio.Event, asyncio.AbstractEventLoop] = {}
        self.closed = False

    def register(self) -> asyncio.Event:
        """An event that the next `wake_all` sets; call from the coroutine that will wait on it."""
        event = asyncio.Event()
        with self._lock:
            self._events[event] = asyncio.get_running_loop()
            if self.closed:
                event.set()
        return event

    def discard(self, event: asyncio.Event) -> None:
        with self._lock:
            self._events.pop(event, None)

    def wake_all(self) -> None:
        with self._lock:
            waiting = list(self._events.items())
        for event, loop in waiting:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that loop is closed: nobody waits on it any more
                pass

    def close(self) -> None:
        with self._lock:
            self.closed = True
        self.wake_all()

    @staticmethod
    async def wait(event: asyncio.Event, seconds: float) -> None:
        """Until `event` is set or `seconds` pass."""
        try:
            await asyncio.wait_for(event.wait(), max(0.0, seconds))
        except TimeoutError:
            pass

    async def sleep(self, seconds: float) -> None:
        """`seconds`, cut short when the stand-in stops (so a slow answer never holds up `stop`)."""
        deadline = time.monotonic() + seconds
        while not self.closed and (remaining := deadline - time.monotonic()) > 0:
            event = self.register()
            try:
                await self.wait(event, remaining)
            finally:
                self.discard(event)


class UpdateQueue:
    """Updates not yet confirmed by the bot, in update_id order."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._pending: list[dict[str, Any]] = []
        self._next_id = FIRST_UPDATE_ID
        self._confirmed_offset = 0
        self._poll_number = 0
        self.wakeups = Wakeups()

    def add(self, update: dict[str, Any]) -> int:
        """Queue a copy of `update`, giving it the next update_id unless it has one."""
        update = copy.deepcopy(update)
        with self._lock:
            update_id = int(update.pop("update_id", self._next_id))
            update = {"update_id": update_id, **update}  # first, as Telegram writes it
            self._next_id = max(self._next_id, update_id + 1)
            ids = [queued["update_id"] for queued in self._pending]
            self._pending.insert(bisect.bisect_right(ids, update_id), update)
        self.wakeups.wake_all()
        return update_id

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    @property
    def confirmed_offset(self) -> int:
        """The highest offset a getUpdates has confirmed (0 before any): ids below it are gone."""
        with self._lock:
            return self._confirmed_offset

    def drop_pending(self) -> None:
        """deleteWebhook with drop_pending_updates: every queued update is forgotten."""
        with self._lock:
            if self._pending:
                self._confirmed_offset = max(self._confirmed_offset, self._pending[-1]["update_id"] + 1)
            self._pending.clear()
            self._lock.notify_all()

    def oldest(self) -> dict[str, Any] | None:
        """A copy of the oldest pending update (what a webhook sends next), or None."""
        with self._lock:
            return copy.deepcopy(self._pending[0]) if self._pending else None

    def confirm_through(self, update_id: int) -> None:
        """A webhook call for `update_id` was answered 2xx: it and older ones are gone."""
        with self._lock:
            self._confirm(update_id + 1)

    def _confirm(self, offset: int) -> None:
        """With the lock held: forget what `offset` confirms."""
        if offset > 0:
            self._pending = [update for update in self._pending if update["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif offset < 0:  # keep the last -offset updates; "all previous updates will be forgotten"
            self._pending = self._pending[offset:]
            if self._pending:
                self._confirmed_offset = max(self._confirmed_offset, self._pending[0]["update_id"])
        self._lock.notify_all()

    async def poll(self, offset: int, limit: int, timeout: float) -> list[dict[str, Any]]:
        """getUpdates: confirm by `offset`, then up to `limit` updates, waiting up to `timeout`
        seconds for the first. A newer poll ends this one with 409; stopping ends it empty."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._confirm(offset)
            self._poll_number += 1
            mine = self._poll_number
        self.wakeups.wake_all()  # an older poll still waiting sees it is no longer the newest
        while True:
            event = self.wakeups.register()
            try:
                with self._lock:
                    if self._poll_number != mine:
                        raise BotApiError(409, CONFLICT)
                    ready = copy.deepcopy(self._pending[:limit])
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or self.wakeups.closed:
                    return ready
                await self.wakeups.wait(event, remaining)
            finally:
                self.wakeups.discard(event)

    def wait_confirmed(self, update_id: int | None, timeout: float) -> None:
        """Block until the bot has confirmed `update_id` (default: every update injected so far)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            target = (self._next_id - 1) if update_id is None else update_id
            while any(u["update_id"] <= target for u in self._pending):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"waited {timeout:g} s for the bot to confirm update {target}; the "
                                         f"confirmed offset is {self._confirmed_offset}, {len(self._pending)} "
                                         "update(s) pending")
                self._lock.wait(remaining)

    def close(self) -> None:
        self.wakeups.close()
