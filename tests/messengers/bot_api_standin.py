"""A local stand-in of the Telegram Bot API for tests: Starlette on 127.0.0.1, served by uvicorn
in a thread with its own event loop, speaking real HTTP.

Why a server rather than a mocked client: the bot under test keeps its real HTTP client, so what
is tested includes how it encodes parameters (query, JSON, form, multipart), how it long-polls,
what it does with a 429, a 500, a dropped connection or a refused token. Why not Telegram's own
`telegram-bot-api` server: it needs a real token and talks to Telegram.

- `/bot<token>/<method>` (GET or POST; method names in any case) and `/file/bot<token>/<path>`.
- `getUpdates` long-polls for real (standin_updates), or `setWebhook` has the updates POSTed to the
  bot (standin_webhook); the other methods check their parameters
  as Telegram does (standin_methods) and keep files and messages (standin_store).
- Every call is logged (`calls`, `calls_of`, `wait_for`; standin_log); tests inject updates
  (`inject_*`) and faults (`fail_next`, `drop_next`, `slow_next`, `wrong_token`).

A dropped call (`drop_next`) closes the TCP connection before a byte of the answer is written:
an httpx client gets `httpx.RemoteProtocolError` ("Server disconnected without sending a
response"), an `httpx.TransportError`, as when a proxy or the network drops a request.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .standin_http import Transports, protocol_remembering_transports, read_params
from .standin_log import Call, CallLog, Fault, Faults, Matcher
from .standin_methods import CANONICAL, Methods
from .standin_store import BOT_USER, BotApiError, CallbackQueries, FileStore, MessageStore, Upload, chat_key, user_of
from .standin_updates import UpdateQueue, Wakeups
from .standin_webhook import WebhookDelivery


class _Dropped(Exception):
    """A `drop_next` fault: close the connection without answering."""


class _TokenRefusal:
    """What `wrong_token()` returns: the refusal is on already; a `with` block ends it."""

    def __init__(self, standin: BotApiStandIn, before: bool):
        self.standin = standin
        self.before = before

    def __enter__(self) -> BotApiStandIn:
        return self.standin

    def __exit__(self, *exc: object) -> None:
        self.standin.token_refused = self.before


class BotApiStandIn:
    """See the module docstring. `with BotApiStandIn() as api:` starts and stops it."""

    def __init__(self, token: str = "123:TEST"):
        self.token = token
        # When True every call answers 401, as when the bot's token was revoked.
        self.token_refused = False
        self._new_state()
        self._sleeps = Wakeups()  # slow_next's delays, cut short by stop()
        self._transports: Transports = {}  # only touched on the server's loop
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    def _new_state(self) -> None:
        self._log = CallLog()
        self._faults = Faults()
        self._updates = UpdateQueue()
        self._files = FileStore()
        self._messages = MessageStore()
        self._callbacks = CallbackQueries()
        self._methods = Methods(self._updates, self._files, self._messages, self._callbacks)

    # ------------------------------------------------------------------ running
    def start(self) -> BotApiStandIn:
        """Serve on a free port of 127.0.0.1; returns once the server accepts connections."""
        if self._server is not None:
            raise RuntimeError("the Bot API stand-in is already started")
        app = Starlette(routes=[
            Route("/bot{token}/{method}", self._bot_call, methods=["GET", "POST"]),
            Route("/file/bot{token}/{file_path:path}", self._file, methods=["GET"]),
            Route("/{anything:path}", self._not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, loop="asyncio", ws="none", lifespan="off",
                                http=protocol_remembering_transports(self._transports), log_level="warning",
                                access_log=False, timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="bot-api-standin", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Bot API stand-in did not start")
            time.sleep(0.005)
        self._port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop serving: waiting long polls return empty, slow answers go at once."""
        if self._server is None or self._thread is None:
            return
        self._updates.close()
        self._sleeps.close()  # a webhook's delivery ends with the update queue
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def reset(self) -> None:
        """Forget everything (calls, updates and their ids, files, messages, faults, a refused
        token) but keep serving: one server can then serve a whole test module, each test
        starting afresh (stopping uvicorn costs about 0.2 s). Call it between tests, when no
        call is in progress; a poll still waiting returns empty."""
        old = self._updates
        self.token_refused = False
        self._new_state()
        old.close()

    def __enter__(self) -> BotApiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object, as getMe answers it."""
        return dict(BOT_USER)

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """Where clients send calls: `{base_url}/bot{token}/{method}`."""
        return f"http://127.0.0.1:{self._port}"

    # ------------------------------------------------------------------ the call log
    @property
    def calls(self) -> list[Call]:
        """Every call so far, oldest first (a copy: it does not change under the caller)."""
        return self._log.snapshot()

    def calls_of(self, method: str) -> list[Call]:
        """The calls of one method (any case)."""
        return [call for call in self._log.snapshot() if call.method.lower() == method.lower()]

    def clear_calls(self) -> None:
        self._log.clear()

    def wait_for(self, what: Matcher, count: int = 1, timeout: float = 5.0, where: Any = None) -> list[Call]:
        """Block until at least `count` answered calls match `what` (a method name or a predicate
        over Call) and `where`; every matching call. AssertionError with the log on timeout."""
        return self._log.wait_for(what, count, timeout, where)

    def texts(self, chat_id: Any) -> list[str]:
        """The texts of the bot's sendMessage calls to one chat, in order."""
        return [str(call.params.get("text")) for call in self.calls_of("sendMessage")
                if str(call.params.get("chat_id")) == str(chat_id)]

    # ------------------------------------------------------------------ updates in
    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue any update (a copy); its update_id, assigned when it has none."""
        callback = update.get("callback_query")
        if isinstance(callback, dict) and callback.get("id") is not None:
            self._callbacks.register(str(callback["id"]))  # so the bot may answer it
        return self._updates.add(update)

    def _from_user(self, chat_id: Any, user_id: Any, **fields: Any) -> dict[str, Any]:
        """A new message of a user in a chat (the user is the chat's own in private chats)."""
        key = chat_key(chat_id)
        sender = user_of(user_id if user_id is not None else key if isinstance(key, int) and key > 0 else 1001)
        return self._messages.new(chat_id, sender, **fields)

    def inject_text(self, chat_id: Any, text: str, user_id: Any = None) -> int:
        """A text message; one starting with a /command carries its bot_command entity."""
        command = text.split(maxsplit=1)[0] if text.strip() else ""
        entities = [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}] \
            if text.startswith("/") and len(command) > 1 else None
        return self.inject_update({"message": self._from_user(chat_id, user_id, text=text, entities=entities)})

    def inject_callback(self, chat_id: Any, data: str, message_id: int | None = None, user_id: Any = None) -> int:
        """A tap on an inline button. Its `message` is the bot's message `message_id`, or without
        one the bot's latest message in the chat with a button of this data; failing both, a
        minimal message of the bot, remembered so the bot can edit it."""
        message = self._messages.get(chat_id, message_id) if message_id is not None else \
            self._messages.latest_with_button(chat_id, data)
        if message is None:
            message = self._messages.new(chat_id, BOT_USER, message_id=message_id, text="(a message of the bot)")
        key = chat_key(chat_id)
        sender = user_of(user_id if user_id is not None else key if isinstance(key, int) and key > 0 else 1001)
        query = {"id": self._callbacks.issue(), "from": sender, "message": message, "chat_instance": f"ci{key}",
                 "data": data}
        return self._updates.add({"callback_query": query})

    def inject_photo(self, chat_id: Any, data: bytes, caption: str | None = None, user_id: Any = None) -> int:
        """A photo: three PhotoSize objects, the largest (last) holding `data`."""
        sizes = self._files.add_photo(data)
        return self.inject_update({"message": self._from_user(chat_id, user_id, photo=sizes, caption=caption)})

    def inject_document(self, chat_id: Any, data: bytes, file_name: str, mime_type: str | None = None,
                        user_id: Any = None) -> int:
        stored = self._files.add(data, "document", file_name=file_name, mime_type=mime_type)
        document = {**stored.summary(), "file_name": file_name, "mime_type": stored.mime_type}
        return self.inject_update({"message": self._from_user(
            chat_id, user_id, document={k: v for k, v in document.items() if v is not None})})

    def inject_voice(self, chat_id: Any, data: bytes, duration: int = 1, mime_type: str = "audio/ogg",
                     user_id: Any = None) -> int:
        stored = self._files.add(data, "voice", mime_type=mime_type)
        voice = {**stored.summary(), "duration": duration, "mime_type": mime_type}
        return self.inject_update({"message": self._from_user(chat_id, user_id, voice=voice)})

    def inject_location(self, chat_id: Any, latitude: float, longitude: float, user_id: Any = None) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self.inject_update({"message": self._from_user(chat_id, user_id, location=location)})

    def pending(self) -> int:
        """How many updates the bot has not confirmed yet."""
        return self._updates.pending()

    @property
    def confirmed_offset(self) -> int:
        """The highest `offset` the bot has confirmed with (0 before it has)."""
        return self._updates.confirmed_offset

    def wait_confirmed(self, update_id: int | None = None, timeout: float = 5.0) -> None:
        """Block until the bot has confirmed `update_id` (default: all injected so far)."""
        self._updates.wait_confirmed(update_id, timeout)

    @property
    def webhook(self) -> WebhookDelivery:
        """The webhook set by `setWebhook` (its `url`, `secret`, delivery `attempts`, `info()`)."""
        return self._methods.webhook

    def callback_ids(self) -> list[str]:
        """The ids of every callback query injected so far."""
        return self._callbacks.issued()

    # ------------------------------------------------------------------ what the bot left
    def file_bytes(self, file_id: str) -> bytes:
        """The bytes of a stored file (KeyError for an unknown id)."""
        stored = self._files.get(file_id)
        if stored is None:
            raise KeyError(f"no file {file_id!r} on the stand-in")
        return stored.data

    def message(self, chat_id: Any, message_id: int) -> dict[str, Any] | None:
        """A message as it is now (after the bot's edits), or None."""
        return self._messages.get(chat_id, message_id)

    # ------------------------------------------------------------------ faults
    def fail_next(self, method: str, status: int = 500, description: str = "Internal Server Error",
                  retry_after: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` ("*": any) fail with `status`. A 429 always carries
        `retry_after` (1 unless given) and, by default, Telegram's "Too Many Requests" text."""
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            if description == "Internal Server Error":
                description = f"Too Many Requests: retry after {retry_after}"
        self._faults.add(Fault("fail", method, times, status=status, description=description,
                               retry_after=retry_after))

    def drop_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` get no answer: the connection is closed."""
        self._faults.add(Fault("drop", method, times))

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are answered `seconds` late."""
        self._faults.add(Fault("slow", method, times, seconds=seconds))

    def clear_faults(self) -> None:
        self._faults.clear()

    def wrong_token(self) -> _TokenRefusal:
        """Refuse the token (every call 401) from now on; in a `with` block, for the block."""
        refusal = _TokenRefusal(self, self.token_refused)
        self.token_refused = True
        return refusal

    # ------------------------------------------------------------------ HTTP
    async def _bot_call(self, request: Request) -> Response:
        sent = request.path_params["method"]
        method = CANONICAL.get(sent.lower(), sent)
        problem: BotApiError | None = None
        try:
            params, uploads = await read_params(request)
        except BotApiError as error:
            params, uploads, problem = {}, {}, error
        call = self._log.record(method, params, {name: hashlib.sha256(upload.data).hexdigest()
                                                 for name, upload in uploads.items()})
        try:
            result = await self._answer(request, method, params, uploads, problem)
        except BotApiError as error:
            self._log.finish(call, error.status)
            return JSONResponse(error.body(), status_code=error.status)
        except _Dropped:
            self._log.finish(call, 0)
            return await self._drop(request)
        except Exception:
            self._log.finish(call, 500)
            raise
        self._log.finish(call, 200, result)
        return JSONResponse({"ok": True, "result": result})

    async def _answer(self, request: Request, method: str, params: dict[str, Any], uploads: dict[str, Upload],
                      problem: BotApiError | None) -> Any:
        """Token, then the request's own problems, then faults, then the method itself."""
        if request.path_params["token"] != self.token or self.token_refused:
            raise BotApiError(401, "Unauthorized")
        if problem is not None:
            raise problem
        if method.lower() not in CANONICAL:
            raise BotApiError(404, "Not Found: method not found")
        delay, fault = self._faults.take(method)
        if delay:
            await self._sleeps.sleep(delay)
        if fault is not None and fault.kind == "drop":
            raise _Dropped()
        if fault is not None:
            raise BotApiError(fault.status, fault.description, fault.retry_after)
        return await self._methods.call(method, params, uploads)

    async def _drop(self, request: Request) -> Response:
        """Close the call's connection before anything is written. uvicorn then learns the
        connection is lost and sends nothing more, so the Response returned is never sent."""
        client = tuple(request.client) if request.client else None
        transport = self._transports.get(client) if client else None  # type: ignore[arg-type]
        if transport is not None:
            transport.abort()
            for _ in range(10):  # connection_lost runs on the loop's next turn
                if client not in self._transports:
                    break
                await asyncio.sleep(0)
        return Response(status_code=500)

    async def _file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token or self.token_refused:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        stored = self._files.at_path(request.path_params["file_path"])
        if stored is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")

    async def _not_found(self, request: Request) -> Response:
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
