"""The host's side of `extension` calls (layer 9): the adapter every extension wait goes through.

Input: an `ExtensionRequest` the VM stopped at. Output: the `ExtensionResult` to step the turn
on with. The VM never does IO (DESIGN §1): the host hands the request to an adapter with `call`
(async, for the `Runner`) and `call_sync` (for the synchronous `Conversation`). Tests and
embedders may pass their own adapter; the Chatto HTTP client is one such adapter.

`NoExtensions` is the adapter a bot gets when it configures no extension servers: every call
fails with a clear reason, which the VM turns into the bot's error text and `__error__`.
"""

from __future__ import annotations

from typing import Protocol

from ..runtime.inputs import ExtensionRequest, ExtensionResult


class ExtensionCaller(Protocol):
    """What the host needs from an extension adapter."""

    async def call(self, request: ExtensionRequest) -> ExtensionResult: ...

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult: ...


class NoExtensions:
    """Refuses every call: no extension server is configured for this bot."""

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult:
        return ExtensionResult(request_id=request.id, ok=False,
                               error=f"no extension server `{request.server}` is configured for this bot")

    async def call(self, request: ExtensionRequest) -> ExtensionResult:
        return self.call_sync(request)
