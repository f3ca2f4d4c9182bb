"""Telegram by webhook (layer 11): `bubble serve BOT --telegram-webhook URL`, or
`await WebhookInterface(token, url=…).connect(load_bot(path).runner(store=…))`.

Chatsky's name and signature (`WebhookInterface(token, attachments_directory=None,
host="localhost", port=844)`); like python-telegram-bot under Chatsky, `connect` registers the
webhook (`setWebhook`) and serves it on `host:port` (uvicorn, the `serve` extra), at the path of
`url` (default `http://<host>:<port>/`, which is what Chatsky registers). Telegram itself only
calls HTTPS URLs on ports 443, 80, 88 or 8443: give the public `url` your proxy forwards here.

What bubble adds to Chatsky's:
- **A secret token, always**: `setWebhook` gets `secret_token` (given, or a random one), and a call
  without Telegram's `X-Telegram-Bot-Api-Secret-Token` header holding it is refused with 403 and
  never played. (Chatsky sets none, so anyone who finds the URL can speak for any chat.)
- **Answered only once safe**: the answer is 200 after the update's turn committed (played once
  by its update id, `telegram_chats.py`), so Telegram sends an update again if bubble died or the
  store was away (503), and the second delivery is not played twice.
- **One chat at a time, in order**: Telegram may call with several updates at once; updates of one
  chat are played in the order they arrive, other chats' meanwhile.
- A body that is not a JSON update (or over 1 MiB) gets 400/413; a call before `connect` 503.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...storage.errors import StoreUnavailable
from .bot_api import DEFAULT_BASE_URL
from .telegram_chats import ALLOWED_UPDATES, Backoff, TelegramChats, chat_id_of, log
from .telegram_send import ascii_number

SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_UPDATE_BYTES = 1024 * 1024
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts


class WebhookInterface(TelegramChats):
    """See the module docstring."""

    raise_when_unavailable = True

    def __init__(self, token: str, attachments_directory: Path | None = None, host: str = "localhost",
                 port: int = 844, *, url: str | None = None, secret_token: str | None = None,
                 base_url: str = DEFAULT_BASE_URL):
        super().__init__(token, attachments_directory, base_url=base_url, api_timeout=30)
        self.host = host
        self.port = port
        self.url = url or f"http://{host}:{port}/"
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the webhook URL must be an http(s) URL, not {self.url!r}")
        self.path = parts.path or "/"
        self.secret_token = secret_token if secret_token is not None else secrets.token_urlsafe(32)
        if not _SECRET_TOKEN.fullmatch(self.secret_token):
            raise ValueError("the webhook's secret token must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        self.registered = asyncio.Event()
        self._chat_turns: dict[str, _ChatTurn] = {}

    # ------------------------------------------------------------------ running
    async def connect(self, pipeline_runner: Any, loop: Callable[[], bool] = lambda: True) -> None:
        """Register the webhook and serve it on `host:port` until `stop()`."""
        try:
            import uvicorn
        except ImportError as error:
            raise ImportError("the Telegram webhook needs the `serve` extra: pip install 'bubble-lang[serve]'") \
                from error
        server = uvicorn.Server(uvicorn.Config(self.app(), host=self.host, port=self.port, lifespan="off",
                                               log_level="warning", access_log=False))
        serving = asyncio.ensure_future(server.serve())
        try:
            await self.run_mounted(pipeline_runner)
        finally:
            server.should_exit = True
            await serving

    async def run_mounted(self, pipeline_runner: Any) -> None:
        """Take the runner, register the webhook, then wait for `stop()`: for a webhook whose
        route (`routes()`) is served by an app of one's own (`bubble serve` mounts it)."""
        self.attach(pipeline_runner)
        if await self.register():
            await self.stopping.wait()

    async def register(self) -> bool:
        """`getMe`, then `setWebhook` with the URL and the secret token (tried again while
        Telegram or the network fails); False if the token or the URL is refused."""
        backoff = Backoff()
        me = await self.until_ok("getMe", {}, backoff)
        if me is None:
            return False
        done = await self.until_ok("setWebhook", {"url": self.url, "secret_token": self.secret_token,
                                                  "allowed_updates": ALLOWED_UPDATES}, backoff)
        if done is None:
            return False
        log.info("Telegram: webhook of @%s set to %s", me.get("username", "?") if isinstance(me, dict) else "?",
                 _shown(self.url))
        self.registered.set()
        return True

    # ------------------------------------------------------------------ HTTP
    def routes(self) -> list[Any]:
        """The webhook's Starlette route (POST at the URL's path)."""
        from starlette.routing import Route

        return [Route(self.path, self.receive, methods=["POST"])]

    def app(self) -> Any:
        from starlette.applications import Starlette

        return Starlette(routes=self.routes())

    async def receive(self, request: Any) -> Any:
        """One webhook call: check the secret, read the update, play it, answer."""
        from starlette.responses import JSONResponse, PlainTextResponse

        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
            return PlainTextResponse("forbidden: the secret token is missing or wrong", status_code=403)
        declared = ascii_number(request.headers.get("content-length", ""))
        if declared is not None and declared > MAX_UPDATE_BYTES:
            return PlainTextResponse("an update is at most 1 MiB", status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPDATE_BYTES:
                return PlainTextResponse("an update is at most 1 MiB", status_code=413)
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deeply
            return PlainTextResponse("the body is not JSON", status_code=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int) \
                or isinstance(update.get("update_id"), bool):
            return PlainTextResponse("the body is not a Telegram update (no integer update_id)", status_code=400)
        if self.runner is None:
            return PlainTextResponse("not connected yet", status_code=503, headers={"Retry-After": "1"})
        found = chat_id_of(update)
        chat = str(found) if found is not None else ""  # updates without a chat are not played anyway
        turn = self._chat_turns.setdefault(chat, _ChatTurn())
        turn.waiting += 1
        try:
            async with turn.lock:
                await self.handle(update)
        except StoreUnavailable:
            log.warning("Telegram: update %s not played (the store is unavailable); Telegram will send it again",
                        update["update_id"])
            return PlainTextResponse("the store is unavailable", status_code=503, headers={"Retry-After": "1"})
        finally:
            turn.waiting -= 1
            if not turn.waiting:
                self._chat_turns.pop(chat, None)
        return JSONResponse({})


class _ChatTurn:
    """The lock that keeps one chat's updates in order, and how many calls hold or wait for it
    (dropped at zero, so quiet chats cost nothing)."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


def _shown(url: str) -> str:
    """A URL for the log: scheme, host and port only (its path may be a secret of its own)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path not in ("", "/") else url
