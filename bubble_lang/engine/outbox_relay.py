"""The outbox across processes (layer 9): bot output reaches the worker that holds the socket.

Several `bubble serve` workers share one Redis store; a user's socket is held by one of them,
while the turn that answers may be played by another (an HTTP call, a timer, a second tab). After
each commit the runner announces `{key, seq}` on the Redis channel `<prefix>:outbox`; every
worker listens, and one with a local subscriber to that conversation reads what it has not
delivered from the store (`outputs_since`) and hands it on, under the conversation's local lock,
so frames go out in `seq` order and each once (the outbox skips what a subscriber saw). The
notice carries no output: the store is the truth, a notice only says "look". A lost notice (Redis
restarting) costs nothing but time: on reconnecting the listener catches up every conversation
it holds sockets for, and a client's `hello {last_seq}` replays anyway.

The same channel announces bot revisions (`--reload` with several workers): a worker that swapped
in a new version says so, and the others reload at once instead of waiting for their own watcher.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("bubble.relay")


class OutboxRelay:
    """Announces commits and revisions on Redis, and delivers other workers' commits locally."""

    def __init__(self, runner: Any, url: str, prefix: str):
        self.runner = runner
        self.url = url
        self.channel = f"{prefix}:outbox"
        self.origin = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.on_revision: Callable[[str], Awaitable[None]] | None = None
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.notices = 0  # delivered from other workers' commits (tests, /healthz)

    def _redis(self) -> Any:
        if self._client is None:
            import redis.asyncio

            self._client = redis.asyncio.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=5)
        return self._client

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="bubble-outbox-relay")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping anyway
                pass
        if self._client is not None:
            await self._client.aclose()

    async def announce(self, key: str, seq: int) -> None:
        """Tell the other workers a turn of `key` committed output up to `seq` (never raises:
        a notice that cannot be sent is caught up by reconnecting clients)."""
        await self._publish({"key": key, "seq": seq})

    async def announce_revision(self, revision: str) -> None:
        await self._publish({"revision": revision})

    async def _publish(self, notice: dict[str, Any]) -> None:
        try:
            await self._redis().publish(self.channel, json.dumps({**notice, "origin": self.origin}))
        except Exception as error:  # noqa: BLE001 - Redis away: the store's errors say so elsewhere
            log.debug("could not announce on %s: %s", self.channel, error)

    async def _listen(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            pubsub = self._redis().pubsub()
            try:
                await pubsub.subscribe(self.channel)
                if failures:
                    log.info("outbox relay: Redis is back; catching up")
                    await self._catch_up_all()
                failures = 0
                while not self._stopping.is_set():
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        await self._take(message.get("data"))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - Redis away: wait and try again
                failures += 1
                wait = min(10.0, 0.25 * 2 ** failures) * random.uniform(0.5, 1.0)
                if failures == 1:
                    log.warning("outbox relay: Redis unreachable (%s); retrying", type(error).__name__)
                await asyncio.sleep(wait)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:  # noqa: BLE001 - already broken
                    pass

    async def _take(self, data: Any) -> None:
        try:
            notice = json.loads(data)
        except (TypeError, ValueError):
            return
        if not isinstance(notice, dict) or notice.get("origin") == self.origin:
            return
        if isinstance(notice.get("revision"), str) and self.on_revision is not None:
            await self.on_revision(notice["revision"])
            return
        key = notice.get("key")
        if isinstance(key, str) and self.runner.outbox.has_subscribers(key):
            self.notices += 1
            try:
                await self.runner.catch_up(key)
            except Exception as error:  # noqa: BLE001 - the next notice or a reconnect catches up
                log.warning("outbox relay: catching up %s failed (%s)", key.split("/", 1)[-1][:6], error)

    async def _catch_up_all(self) -> None:
        for key in list(self.runner.outbox.subscribers):
            try:
                await self.runner.catch_up(key)
            except Exception:  # noqa: BLE001 - Redis may be flapping: the next reconnect tries again
                return
