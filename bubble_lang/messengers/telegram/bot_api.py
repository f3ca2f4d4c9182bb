"""A small client of the Telegram Bot API (layer 11), on httpx.

Why httpx and not python-telegram-bot: bubble needs a dozen methods (research/serving.md §3.6),
and needs to own exactly what PTB hides — the `getUpdates` offset (committed only after a turn
is), `retry_after` on 429, and what happens to a send that fails — while httpx is already a
core dependency (extensions) and keeps the serve extra light. `BotApi(token, base_url)` posts
JSON (multipart for uploads) to `{base_url}/bot<token>/<method>`; a failure raises `BotApiError`
with Telegram's code, description and `retry_after`. The token is never logged: errors and logs
name the method only, and httpx's own request lines (INFO, with the URL, which holds the token)
go through `TokenRedaction`, which writes `bot<token>` instead.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://api.telegram.org"
_TOKEN_IN_URL = re.compile(r"/bot[^/\s\"']+")


class TokenRedaction(logging.Filter):
    """Hides the token in the Bot API URLs httpx logs (`HTTP Request: POST …/bot<token>/getUpdates`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "/bot" in text:
            record.msg, record.args = _TOKEN_IN_URL.sub("/bot<token>", text), ()
        return True


def redact_tokens_in_http_logs() -> None:
    """Install `TokenRedaction` on httpx's loggers (once)."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedaction) for f in logger.filters):
            logger.addFilter(TokenRedaction())


class BotApiError(Exception):
    """A Bot API call that failed: Telegram's `error_code` (0 for a network failure)."""

    def __init__(self, method: str, code: int, description: str, retry_after: float | None = None):
        super().__init__(f"{method}: {code} {description}")
        self.method = method
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def temporary(self) -> bool:
        """Worth trying again later: the network, a 429, or Telegram's own 5xx."""
        return self.code == 0 or self.code == 429 or self.code >= 500


class BotApi:
    """See the module docstring."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 30.0):
        self._token = token
        self.base_url = base_url.rstrip("/")
        redact_tokens_in_http_logs()
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))

    async def call(self, method: str, params: dict[str, Any] | None = None, *,
                   files: dict[str, tuple[str, bytes, str]] | None = None, timeout: float | None = None) -> Any:
        """Call `method`; its `result`, or BotApiError."""
        url = f"{self.base_url}/bot{self._token}/{method}"
        params = {key: value for key, value in (params or {}).items() if value is not None}
        try:
            if files:
                form = {key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()}
                response = await self.client.post(url, data=form, files=files, timeout=timeout)
            else:
                response = await self.client.post(url, json=params, timeout=timeout)
        except httpx.HTTPError as error:
            raise BotApiError(method, 0, f"the Bot API cannot be reached ({type(error).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            raise BotApiError(method, response.status_code, "the Bot API answered with something that is not JSON") \
                from None
        if not isinstance(body, dict):
            raise BotApiError(method, response.status_code, "the Bot API answered with an unexpected shape")
        if body.get("ok"):
            return body.get("result")
        parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
        retry = parameters.get("retry_after")
        raise BotApiError(method, int(body.get("error_code") or response.status_code),
                          str(body.get("description") or "no description"),
                          float(retry) if isinstance(retry, (int, float)) else None)

    async def download(self, file_id: str, max_bytes: int) -> tuple[bytes, str]:
        """A user's file by its id: its bytes and its path on Telegram's server (at most `max_bytes`)."""
        found = await self.call("getFile", {"file_id": file_id})
        path = found.get("file_path") if isinstance(found, dict) else None
        if not path:
            raise BotApiError("getFile", 400, "the file has no path (too big to download?)")
        if isinstance(found.get("file_size"), int) and found["file_size"] > max_bytes:
            raise BotApiError("getFile", 413, f"the file is over {max_bytes} bytes")
        try:
            async with self.client.stream("GET", f"{self.base_url}/file/bot{self._token}/{path}") as response:
                if response.status_code != 200:
                    raise BotApiError("download", response.status_code, "the file could not be downloaded")
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise BotApiError("download", 413, f"the file is over {max_bytes} bytes")
        except httpx.HTTPError as error:
            raise BotApiError("download", 0, f"the file could not be downloaded ({type(error).__name__})") from None
        return bytes(data), str(path)

    async def close(self) -> None:
        await self.client.aclose()
