"""The host's side of `extension` calls (layer 9): the adapter every extension wait goes through.

Input: an `ExtensionRequest` the VM stopped at. Output: the `ExtensionResult` to step the turn
on with. The VM never does IO (DESIGN §1): the host hands the request to an adapter with `call`
(async, for the `Runner`) and `call_sync` (for the synchronous `Conversation`). By default that is
the Chatto client of the bot's `[extensions.NAME]` servers (`bubble_lang.extensions`); tests and
embedders may pass their own (conversation tests use `mock_extension`). An adapter that keeps
connections open may also have `async aclose()`: the `Runner` calls it when it closes.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..extensions import ChattoClient
from ..runtime.inputs import ExtensionRequest, ExtensionResult


class ExtensionCaller(Protocol):
    """What the host needs from an extension adapter."""

    async def call(self, request: ExtensionRequest) -> ExtensionResult: ...

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult: ...


def default_extensions(image: Any, channel: str) -> ExtensionCaller:
    """The bot's configured extension servers, called as Chatto calls them."""
    return ChattoClient(image, channel=channel)
