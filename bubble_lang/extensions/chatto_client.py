"""The Chatto extension client (layer 8, SPEC §11): the host's adapter for `extension` calls.

Input: `ExtensionRequest`s from the VM and the bot's `[extensions.NAME]` configuration. Output:
`ExtensionResult`s. Each call is one `POST {url}/extension` with httpx: Chatto's body
(`chatto_wire.py`), `Content-Type: application/json`, `Authorization: Bearer …` when the server has
a token; a connect timeout of 5 s and an overall deadline (10 s, or the server's `timeout`); at most
`extension_bytes` (1 MiB) read; no redirects followed. A failure — refused, timed out, non-2xx, not
JSON, too big, no `fsm` — is a failed result, never an exception, and the POST is never retried:
a second POST could do twice what the first did. Connections are kept alive and reused (one
httpx client per event loop, as Go's default client pools them): making a client costs about
20 ms, the call itself about 1.5 ms on 127.0.0.1.

`list_extensions` asks a server's `GET {url}/extensions` (for `bubble lint --check-extensions` and
the warning `bubble run` prints at start).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import attrs

from ..runtime.inputs import ExtensionRequest, ExtensionResult
from .chatto_wire import go_json, read_reply, request_body, state_table

CONNECT_SECONDS = 5.0
LIST_BYTES = 1 << 20


class ChattoClient:
    """Calls the extension servers of one bot (see the module docstring)."""

    def __init__(self, image: Any, *, channel: str = "bubble", transport: Any = None):
        config = image.config
        self.servers = {server.name: server for server in config.extensions}
        self.table = state_table(image)
        self.error_text = config.error_text
        self.limits = config.limits
        self.channel = channel
        self.transport = transport  # tests may pass an httpx transport; None is the network
        self._sync: Any = None  # httpx.Client, made on first use
        self._async: tuple[asyncio.AbstractEventLoop, Any] | None = None  # (its loop, httpx.AsyncClient)

    def prepare(self, request: ExtensionRequest) -> tuple[Any, str, dict[str, str], bytes, float] | ExtensionResult:
        """Everything a call needs, or the failure that stops it before any byte is sent."""
        server = self.servers.get(request.server)
        if server is None:
            return ExtensionResult(request_id=request.id, ok=False,
                                   error=f"no extension server `{request.server}` is configured for this bot")
        if not request.channel:
            request = attrs.evolve(request, channel=self.channel)
        headers = {"Content-Type": "application/json"}
        if server.token:
            headers["Authorization"] = f"Bearer {server.token}"
        body = go_json(request_body(request, self.table, self.error_text))
        seconds = server.timeout if server.timeout is not None else self.limits.extension_seconds
        return server, server.url.rstrip("/") + "/extension", headers, body, seconds

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult:
        import httpx

        prepared = self.prepare(request)
        if isinstance(prepared, ExtensionResult):
            return prepared
        _server, url, headers, body, seconds = prepared
        deadline = time.monotonic() + seconds
        try:
            with self._sync_client().stream("POST", url, content=body, headers=headers,
                                            timeout=_timeout(seconds)) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    self._check(request, len(data), deadline)
                return read_reply(request, response.status_code, bytes(data))
        except _Stop as stop:
            return ExtensionResult(request_id=request.id, ok=False, error=str(stop))
        except httpx.HTTPError as error:
            return ExtensionResult(request_id=request.id, ok=False, error=_reason(request, error))

    async def call(self, request: ExtensionRequest) -> ExtensionResult:
        import httpx

        prepared = self.prepare(request)
        if isinstance(prepared, ExtensionResult):
            return prepared
        _server, url, headers, body, seconds = prepared
        deadline = time.monotonic() + seconds
        client = self._async_client()

        async def post() -> ExtensionResult:
            async with client.stream("POST", url, content=body, headers=headers, timeout=_timeout(seconds)) as response:
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    self._check(request, len(data), deadline)
                return read_reply(request, response.status_code, bytes(data))

        try:
            return await asyncio.wait_for(post(), timeout=seconds + 0.5)
        except _Stop as stop:
            return ExtensionResult(request_id=request.id, ok=False, error=str(stop))
        except (httpx.HTTPError, asyncio.TimeoutError) as error:
            return ExtensionResult(request_id=request.id, ok=False, error=_reason(request, error))

    def _sync_client(self) -> Any:
        """One client for every synchronous call (thread-safe), made on first use."""
        import httpx

        if self._sync is None:
            self._sync = httpx.Client(follow_redirects=False, transport=self.transport)
        return self._sync

    def _async_client(self) -> Any:
        """One client per event loop: an httpx connection belongs to the loop that opened it, and
        `bubble run` or an embedder may run several loops one after another."""
        import httpx

        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            self._async = (loop, httpx.AsyncClient(follow_redirects=False, transport=self.transport))
        return self._async[1]

    async def aclose(self) -> None:
        """Close the kept-alive connections (the `Runner` calls this when it closes)."""
        if self._async is not None and self._async[0] is asyncio.get_running_loop():
            await self._async[1].aclose()
        self._async = None
        self.close()

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    def _check(self, request: ExtensionRequest, size: int, deadline: float) -> None:
        if size > self.limits.extension_bytes:
            raise _Stop(f"the answer of extension server `{request.server}` is larger than "
                        f"{self.limits.extension_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise _Stop(f"extension server `{request.server}` did not answer within the time allowed")


def list_extensions(server: Any, default_seconds: float, *, transport: Any = None) -> list[str] | str:
    """The names `GET {url}/extensions` lists (Chatto's start-up call), or why they cannot be
    had: refused, too slow, not a JSON list of text, or over the size cap."""
    import httpx

    headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
    seconds = server.timeout if server.timeout is not None else default_seconds
    where = f"extension server `{server.name}` at {server.url}"
    try:
        with httpx.Client(timeout=_timeout(seconds), follow_redirects=False, transport=transport) as client:
            with client.stream("GET", server.url.rstrip("/") + "/extensions", headers=headers) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > LIST_BYTES:
                        return f"{where} listed more than {LIST_BYTES:,} bytes of names"
    except httpx.TimeoutException:
        return f"{where} did not answer within {seconds:g} s"
    except httpx.HTTPError as error:
        return f"{where} cannot be reached ({type(error).__name__})"
    try:
        names = json.loads(data) if response.status_code == 200 else None
    except (ValueError, RecursionError):
        names = None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return f"{where} did not answer `GET /extensions` with a JSON list of names (HTTP {response.status_code})"
    return names


def _timeout(seconds: float) -> Any:
    import httpx

    return httpx.Timeout(seconds, connect=min(CONNECT_SECONDS, seconds))


class _Stop(Exception):
    """A reply cut short: too big, or past the deadline."""


def _reason(request: ExtensionRequest, error: BaseException) -> str:
    import httpx

    if isinstance(error, (httpx.TimeoutException, asyncio.TimeoutError)):
        return f"extension server `{request.server}` did not answer within the time allowed"
    if isinstance(error, httpx.ConnectError):
        return f"extension server `{request.server}` cannot be reached"
    return f"calling extension server `{request.server}` failed ({type(error).__name__})"
