"""The stand-in's webhook: Telegram's side of `setWebhook`, delivering updates by HTTP POST.

Why real delivery rather than calling the bot's handler: what a webhook bot must get right is
on the wire — the secret-token header, answering 2xx only once the update is safe, being sent
the same update again after a failure or a timeout, and updates of one chat in order. As
Telegram does: each pending update is POSTed as JSON to the registered URL (with the
`X-Telegram-Bot-Api-Secret-Token` header when a secret was set), oldest first, one at a time
(`max_connections` 1); a 2xx confirms it; anything else (or no answer within `timeout`) is
recorded as the webhook's last error and the same update is sent again after `retry_seconds`.
While a webhook is set, getUpdates answers 409, as Telegram does.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from .standin_store import BotApiError
from .standin_updates import UpdateQueue

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
ACTIVE = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"


class WebhookDelivery:
    """See the module docstring. Runs on the stand-in's event loop."""

    def __init__(self, updates: UpdateQueue, retry_seconds: float = 0.2, timeout: float = 15.0) -> None:
        self.updates = updates
        self.retry_seconds = retry_seconds
        self.timeout = timeout
        self.url = ""
        self.secret: str | None = None
        self.allowed_updates: list[str] | None = None
        self.attempts: list[tuple[int, int]] = []  # (update_id, HTTP status; 0 for no answer)
        self.last_error: tuple[int, str] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.url)

    def set(self, params: dict[str, Any]) -> bool:
        """setWebhook: an empty url removes the webhook, as Telegram's does."""
        url = str(params.get("url") or "")
        if not url:
            self.delete()
            return True
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BotApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(str(secret)):
            raise BotApiError(400, "Bad Request: secret token contains unallowed characters")
        if str(params.get("drop_pending_updates")).lower() in ("true", "1"):
            self.updates.drop_pending()
        self.url, self.secret = url, None if secret is None else str(secret)
        allowed = params.get("allowed_updates")
        self.allowed_updates = list(allowed) if isinstance(allowed, list) else None
        self.last_error = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._deliver())
        self.updates.wakeups.wake_all()
        return True

    def delete(self) -> None:
        self.url, self.secret = "", None
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def info(self) -> dict[str, Any]:
        """getWebhookInfo."""
        found: dict[str, Any] = {"url": self.url, "has_custom_certificate": False,
                                 "pending_update_count": self.updates.pending(), "max_connections": 1}
        if self.allowed_updates is not None:
            found["allowed_updates"] = self.allowed_updates
        if self.last_error is not None:
            found["last_error_date"], found["last_error_message"] = self.last_error
        return found

    async def _deliver(self) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            while self.active and not self.updates.wakeups.closed:
                event = self.updates.wakeups.register()
                try:
                    update = self.updates.oldest()
                    if update is None:
                        await self.updates.wakeups.wait(event, 1.0)
                        continue
                finally:
                    self.updates.wakeups.discard(event)
                status = await self._post(client, update)
                self.attempts.append((update["update_id"], status))
                if 200 <= status < 300:
                    self.updates.confirm_through(update["update_id"])
                else:
                    shown = f"Wrong response from the webhook: {status}" if status else "Connection timed out"
                    self.last_error = (int(time.time()), shown)
                    await asyncio.sleep(self.retry_seconds)

    async def _post(self, client: httpx.AsyncClient, update: dict[str, Any]) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret} if self.secret else {}
        try:
            response = await client.post(self.url, json=update, headers=headers)
        except httpx.HTTPError:
            return 0
        return response.status_code
