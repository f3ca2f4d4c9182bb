"""Chatsky's messenger interfaces (layer 10), with the seed's names, signatures, defaults and
semantics (seeds/002; research/serving.md §3.1), so an interface written for Chatsky runs on
bubble with only its imports changed.

- `MessengerInterface.connect(pipeline_runner)` is the one abstract method; `self.id` is the
  class name.
- `PollingMessengerInterface`: `_request()` and `_respond(contexts)` are **synchronous** as in
  the seed (bubble also awaits them when they return awaitables, for network interfaces). One
  cycle of `_polling_loop` requests, runs the pipeline runner for each request **in order**,
  responds once with all contexts, then sleeps `timeout`. `connect(runner, loop=lambda: True,
  timeout=0)` repeats while `loop()` holds, and, like the seed, **stops polling for good at the
  first exception** (after `_on_exception`). Set `keep_polling_on_error = True` (class or
  instance) to log and go on instead: bubble's opt-in for long-running pollers.
- `_on_exception(e)` logs an `Exception` at error level with its traceback, any other
  `BaseException` (KeyboardInterrupt, SystemExit) at info level as "has stopped polling".
- `CallbackMessengerInterface`: `connect` keeps the runner; `on_request_async(request, ctx_id,
  update_ctx_misc)` runs it and returns the context; `on_request(…)` does the same with
  `asyncio.run`, so (as in the seed) it cannot be called from inside a running event loop.
- `MessengerInterfaceWithAttachments(attachments_directory=None)`: `None` is
  `<tempdir>/chatsky-cache-<ClassName>` (kept for Chatsky users' paths); the directory is made.
  The supported-type sets are declarative, as in the seed.
- `CLIMessengerInterface(intro=None, prompt_request="request: ", prompt_response="response: ",
  out_descriptor=None)`: one user (a new uuid4 context id per `connect`), `input()` for requests.
  It prints **every** message of the turn, each after `prompt_response` (the seed printed only
  `last_response`: with bubble a turn often says several things).
"""

from __future__ import annotations

import abc
import asyncio
import inspect
import logging
import sys
import tempfile
import uuid
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TextIO

from ..engine.chat_messages import Message

logger = logging.getLogger("bubble.messengers")


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class MessengerInterface(abc.ABC):
    """Connects users to a pipeline runner: requests in, the bot's answers out."""

    def __init__(self) -> None:
        self.id = type(self).__name__

    @abc.abstractmethod
    async def connect(self, pipeline_runner: Callable[..., Any]) -> None:
        """Start serving users through `pipeline_runner(request, ctx_id=None, update_ctx_misc=None)`."""


class MessengerInterfaceWithAttachments(MessengerInterface, abc.ABC):
    """An interface that can fetch the bytes of files its users send."""

    supported_request_attachment_types: set[type] = set()
    supported_response_attachment_types: set[type] = set()

    def __init__(self, attachments_directory: Path | None = None) -> None:
        super().__init__()
        tempdir = Path(tempfile.gettempdir())
        if attachments_directory is None:
            attachments_directory = tempdir / f"chatsky-cache-{type(self).__name__}"
            logger.info("attachments of %s are cached in %s", self.id, attachments_directory)
        else:
            attachments_directory = Path(attachments_directory)
            if tempdir in attachments_directory.resolve().parents:
                logger.info("%s is in the temporary directory: attachments won't be cached locally for long",
                            attachments_directory)
        self.attachments_directory = attachments_directory
        self.attachments_directory.mkdir(parents=True, exist_ok=True)

    @abc.abstractmethod
    async def get_attachment_bytes(self, source: str) -> bytes:
        """The bytes of a file the messenger keeps (`source`: its id there)."""


class PollingMessengerInterface(MessengerInterface):
    """Asks for input in a loop and answers each batch (see the module docstring)."""

    keep_polling_on_error = False  # the seed stops at the first exception; True logs and goes on

    @abc.abstractmethod
    def _request(self) -> list[tuple[Message, Hashable]]:
        """The next requests: (message, context id) pairs."""

    @abc.abstractmethod
    def _respond(self, responses: list[Any]) -> None:
        """Answer the last requests; `responses` are their contexts."""

    def _on_exception(self, e: BaseException) -> None:
        if isinstance(e, Exception):
            logger.error("Exception in %s loop!", type(self).__name__, exc_info=e)
        else:
            logger.info("%s has stopped polling.", type(self).__name__)

    async def _polling_loop(self, pipeline_runner: Callable[..., Any], timeout: float = 0) -> None:
        received = await _maybe_await(self._request())
        contexts = [await pipeline_runner(request, ctx_id) for request, ctx_id in received]
        await _maybe_await(self._respond(contexts))
        await asyncio.sleep(timeout)

    async def connect(self, pipeline_runner: Callable[..., Any], loop: Callable[[], bool] = lambda: True,
                      timeout: float = 0) -> None:
        while loop():
            try:
                await self._polling_loop(pipeline_runner, timeout)
            except BaseException as error:  # noqa: BLE001 - the seed's contract: report, then stop
                self._on_exception(error)
                if not (self.keep_polling_on_error and isinstance(error, Exception)):
                    break


class CallbackMessengerInterface(MessengerInterface):
    """Waits to be called with each request (a web framework's handler calls `on_request`)."""

    def __init__(self) -> None:
        super().__init__()
        self._pipeline_runner: Callable[..., Any] | None = None

    async def connect(self, pipeline_runner: Callable[..., Any]) -> None:
        self._pipeline_runner = pipeline_runner

    async def on_request_async(self, request: Message, ctx_id: Hashable | None = None,
                               update_ctx_misc: dict[str, Any] | None = None) -> Any:
        if self._pipeline_runner is None:
            raise RuntimeError(f"{self.id} is not connected: call `await interface.connect(runner)` first")
        return await self._pipeline_runner(request, ctx_id, update_ctx_misc)

    def on_request(self, request: Message, ctx_id: Hashable | None = None,
                   update_ctx_misc: dict[str, Any] | None = None) -> Any:
        return asyncio.run(self.on_request_async(request, ctx_id, update_ctx_misc))


class CLIMessengerInterface(PollingMessengerInterface):
    """One user at a terminal: `input()` for requests, every answer printed."""

    supported_request_attachment_types: set[type] = set()
    supported_response_attachment_types: set[type] = set()

    def __init__(self, intro: str | None = None, prompt_request: str = "request: ",
                 prompt_response: str = "response: ", out_descriptor: TextIO | None = None):
        super().__init__()
        self._ctx_id: Hashable | None = None
        self._intro = intro
        self._prompt_request = prompt_request
        self._prompt_response = prompt_response
        self._descriptor = out_descriptor

    def _request(self) -> list[tuple[Message, Any]]:
        return [(Message(input(self._prompt_request)), self._ctx_id)]

    def _respond(self, responses: list[Any]) -> None:
        out = self._descriptor or sys.stdout
        for context in responses:
            for message in getattr(context, "responses", None) or [context.last_response]:
                if message is not None:
                    print(f"{self._prompt_response}{message}", file=out)

    async def connect(self, pipeline_runner: Callable[..., Any], **kwargs: Any) -> None:
        self._ctx_id = uuid.uuid4()
        if self._intro is not None:
            print(self._intro, file=self._descriptor or sys.stdout)
        await super().connect(pipeline_runner, **kwargs)
