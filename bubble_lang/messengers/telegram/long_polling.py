"""Telegram by long polling (layer 11): `bubble serve BOT --telegram`, or
`await LongpollingInterface(token).connect(load_bot(path).runner(store=…))`.

Chatsky's name and signature (`LongpollingInterface(token, attachments_directory=None, interval=2,
timeout=20)`, also exported as `TelegramInterface`). Updates are played by `TelegramChats`
(`telegram_chats.py`: once each, output through the outbox); here: `getUpdates` confirms an
update (the next offset) only after its turn committed, so after a crash Telegram sends the
unconfirmed ones again, and a turn that had committed is not played twice. A 429 waits
`retry_after`, the network and 5xx back off, a 401 (bad token) stops with a clear message, a 409
(another poller, or a webhook set) is logged and tried again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .bot_api import DEFAULT_BASE_URL, BotApiError
from .telegram_chats import ALLOWED_UPDATES, Backoff, TelegramChats, log


class LongpollingInterface(TelegramChats):
    """See the module docstring."""

    def __init__(self, token: str, attachments_directory: Path | None = None, interval: float = 2,
                 timeout: int = 20, *, base_url: str = DEFAULT_BASE_URL):
        super().__init__(token, attachments_directory, base_url=base_url, api_timeout=timeout + 15)
        self.interval = interval
        self.timeout = timeout
        self.offset: int | None = None

    async def connect(self, pipeline_runner: Any, loop: Callable[[], bool] = lambda: True) -> None:
        """Poll until `stop()` (or `loop()` is false); `pipeline_runner` is a bubble bot's
        (`load_bot(path).runner(…)`), whose `Runner` this interface plays and subscribes on."""
        self.attach(pipeline_runner)
        backoff = Backoff()
        me = await self.until_ok("getMe", {}, backoff)
        if me is None:
            return
        log.info("Telegram: polling as @%s", me.get("username", "?") if isinstance(me, dict) else "?")
        await self.until_ok("deleteWebhook", {}, backoff)
        while loop() and not self.stopping.is_set():
            try:
                updates = await self._poll()
            except BotApiError as error:
                if error.code == 401:
                    log.error("Telegram: the bot token was refused (401 Unauthorized); stopping")
                    return
                if error.code == 409:
                    log.warning("Telegram: another poller or a webhook holds this bot (409 Conflict)")
                wait = error.retry_after if error.retry_after is not None else backoff.next()
                log.warning("Telegram: getUpdates failed (%s %s); trying again in %.1f s", error.code,
                            error.description, wait)
                await self._sleep(wait)
                continue
            backoff.reset()
            for update in updates:
                if self.stopping.is_set():
                    return
                await self.handle(update)
                self.offset = int(update["update_id"]) + 1  # confirmed by the next getUpdates
            if not updates and self.interval and not self.timeout:
                await self._sleep(self.interval)

    async def _poll(self) -> list[dict[str, Any]]:
        params = {"offset": self.offset, "timeout": self.timeout, "allowed_updates": ALLOWED_UPDATES}
        poll = asyncio.ensure_future(self.api.call("getUpdates", params, timeout=self.timeout + 15))
        stop = asyncio.ensure_future(self.stopping.wait())
        done, _ = await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
        if poll not in done:
            poll.cancel()
            stop.cancel()
            return []
        stop.cancel()
        result = poll.result()
        return [u for u in result if isinstance(u, dict) and isinstance(u.get("update_id"), int)] \
            if isinstance(result, list) else []


TelegramInterface = LongpollingInterface
