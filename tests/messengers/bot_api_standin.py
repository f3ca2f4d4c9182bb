"""A local stand-in of the Telegram Bot API for tests (research/serving.md §3.6): Starlette on
127.0.0.1, run by uvicorn in a thread, speaking real HTTP.

- `/bot<token>/<method>` with parameters in the query, JSON, form or multipart bodies (objects
  such as `reply_markup` as JSON text in forms), method names in any case; `{ok, result}` or
  `{ok: false, error_code, description, parameters?}`. `/file/bot<token>/<path>` serves files.
- `getUpdates` has real long-poll semantics: it holds up to `timeout` seconds, an update is
  confirmed (and forgotten) when a later call asks for a higher `offset`, and until then it is
  delivered again.
- Every call is logged (`calls`, `calls_of`, `wait_for`), with uploads as sha256 hashes.
- Tests inject updates (`inject_text`, `inject_callback`, `inject_photo`, `inject_document`,
  `inject_voice`, `inject_location`) and faults (`fail_next`: a status with `retry_after`;
  `drop_next`: the connection closed without an answer).
- `sendMessage` refuses empty or over-4096-character text, MarkdownV2 with unescaped reserved
  characters, and `callback_data` over 64 bytes, as Telegram does.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import threading
import time
from typing import Any

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_USER = {"id": 42, "is_bot": True, "first_name": "StandIn", "username": "standin_bot"}
RESERVED_V2 = set(">#+-=|{}.!")
SENDS = {"sendphoto": "photo", "senddocument": "document", "sendvoice": "voice", "sendaudio": "audio",
         "sendvideo": "video"}
CANONICAL = {name.lower(): name for name in (
    "getMe", "deleteWebhook", "getUpdates", "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio",
    "sendVideo", "sendLocation", "sendChatAction", "answerCallbackQuery", "editMessageReplyMarkup",
    "editMessageText", "getFile")}


@attrs.frozen
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, str]
    at: float


class Problem(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


class BotApiStandIn:
    """See the module docstring."""

    def __init__(self, token: str = "123:TEST"):
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.injected: list[dict[str, Any]] = []  # every update ever injected, confirmed or not
        self.files: dict[str, tuple[bytes, str]] = {}
        self.faults: dict[str, list[tuple[str, Any]]] = {}
        self.lock = threading.Lock()
        self.new_update = threading.Condition(self.lock)
        self.update_ids = itertools.count(1000)
        self.message_ids = itertools.count(1)
        self.file_ids = itertools.count(1)
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None
        self.port = 0

    # ------------------------------------------------------------------ running
    def start(self) -> BotApiStandIn:
        app = Starlette(routes=[Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
                                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the Bot API stand-in did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        with self.lock:
            self.new_update.notify_all()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def __enter__(self) -> BotApiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ the call log
    def calls_of(self, method: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10, where: Any = None) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_of(method) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                log = "\n".join(f"  {c.method} {json.dumps(c.params, default=str)[:160]}" for c in self.calls[-30:])
                raise AssertionError(f"waited {timeout} s for {count} × {method}; the last calls:\n{log}")
            time.sleep(0.02)

    def texts(self, chat_id: int) -> list[str]:
        """What the bot sent to a chat as text, in order."""
        return [str(c.params.get("text")) for c in self.calls_of("sendMessage") if str(c.params.get("chat_id")) ==
                str(chat_id)]

    # ------------------------------------------------------------------ injecting
    def inject_update(self, update: dict[str, Any]) -> int:
        with self.lock:
            update.setdefault("update_id", next(self.update_ids))
            self.updates.append(update)
            self.injected.append(update)
            self.new_update.notify_all()
            return int(update["update_id"])

    def _message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self.message_ids), "from": {"id": chat_id, "is_bot": False, "first_name": "Ann"},
                "chat": {"id": chat_id, "type": "private"}, "date": int(time.time()), **fields}

    def inject_text(self, chat_id: int, text: str) -> int:
        extra = {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]} \
            if text.startswith("/") else {}
        return self.inject_update({"message": self._message(chat_id, text=text, **extra)})

    def inject_callback(self, chat_id: int, data: str, message_id: int | None = None) -> int:
        message = self._message(chat_id, text="(the bot's message)")
        if message_id is not None:
            message["message_id"] = message_id
        return self.inject_update({"callback_query": {"id": f"cb{next(self.file_ids)}", "from": message["from"],
                                                      "message": message, "chat_instance": "1", "data": data}})

    def add_file(self, data: bytes, folder: str, suffix: str) -> dict[str, Any]:
        number = next(self.file_ids)
        file_id = f"file-{number}"
        with self.lock:
            self.files[file_id] = (data, f"{folder}/file_{number}{suffix}")
        return {"file_id": file_id, "file_unique_id": f"u{number}", "file_size": len(data)}

    def inject_photo(self, chat_id: int, data: bytes, caption: str | None = None) -> int:
        small = self.add_file(data[:10], "photos", ".jpg")
        big = self.add_file(data, "photos", ".jpg")
        sizes = [{**small, "width": 90, "height": 60}, {**big, "width": 1280, "height": 853}]
        return self.inject_update({"message": self._message(chat_id, photo=sizes, **({"caption": caption}
                                                                                    if caption else {}))})

    def inject_document(self, chat_id: int, data: bytes, file_name: str, mime_type: str) -> int:
        found = self.add_file(data, "documents", "")
        return self.inject_update({"message": self._message(chat_id, document={**found, "file_name": file_name,
                                                                                "mime_type": mime_type})})

    def inject_voice(self, chat_id: int, data: bytes, duration: int = 1) -> int:
        found = self.add_file(data, "voice", ".oga")
        return self.inject_update({"message": self._message(chat_id, voice={**found, "duration": duration,
                                                                             "mime_type": "audio/ogg"})})

    def inject_location(self, chat_id: int, latitude: float, longitude: float) -> int:
        return self.inject_update({"message": self._message(chat_id, location={"latitude": latitude,
                                                                                "longitude": longitude})})

    def callback_ids(self) -> list[str]:
        with self.lock:
            return [u["callback_query"]["id"] for u in self.injected if "callback_query" in u]

    def pending(self) -> int:
        with self.lock:
            return len(self.updates)

    # ------------------------------------------------------------------ faults
    def fail_next(self, method: str, status: int = 500, description: str = "Internal Server Error",
                  retry_after: int | None = None, times: int = 1) -> None:
        with self.lock:
            self.faults.setdefault(method, []).extend([("fail", (status, description, retry_after))] * times)

    def drop_next(self, method: str, times: int = 1) -> None:
        with self.lock:
            self.faults.setdefault(method, []).extend([("drop", None)] * times)

    def _fault(self, method: str) -> tuple[str, Any] | None:
        with self.lock:
            queue = self.faults.get(method)
            return queue.pop(0) if queue else None

    # ------------------------------------------------------------------ HTTP
    async def _params(self, request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query_params)
        files: dict[str, bytes] = {}
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            params.update(await request.json())
        elif kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            form = await request.form()
            for key, value in form.multi_items():
                if hasattr(value, "read"):
                    files[key] = await value.read()
                else:
                    params[key] = value
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass
        return params, files

    async def _method(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = CANONICAL.get(request.path_params["method"].lower())
        if method is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                                status_code=404)
        params, files = await self._params(request)
        with self.lock:
            self.calls.append(Call(method, params, {k: hashlib.sha256(v).hexdigest() for k, v in files.items()},
                                   time.time()))
        fault = self._fault(method)
        if fault is not None and fault[0] == "drop":
            raise ConnectionAbortedError("dropped by the test")  # uvicorn closes the connection: no answer
        if fault is not None:
            status, description, retry_after = fault[1]
            body = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return JSONResponse(body, status_code=status)
        try:
            if method == "getUpdates":
                result = await self._get_updates(params)
            else:
                result = self._answer(method, params, files)
        except Problem as problem:
            body = {"ok": False, "error_code": problem.code, "description": problem.description}
            return JSONResponse(body, status_code=problem.code)
        return JSONResponse({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            with self.lock:
                if offset:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed: gone
                ready = self.updates[:limit]
            if ready or time.monotonic() >= deadline or (self.server is not None and self.server.should_exit):
                return ready
            await asyncio.sleep(0.02)

    def _sent(self, chat_id: Any, **fields: Any) -> dict[str, Any]:
        chat = int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id
        return {"message_id": next(self.message_ids), "from": BOT_USER, "chat": {"id": chat, "type": "private"},
                "date": int(time.time()), **{k: v for k, v in fields.items() if v is not None}}

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("deleteWebhook", "sendChatAction", "answerCallbackQuery"):
            return True
        if method == "getFile":
            found = self.files.get(str(params.get("file_id")))
            if found is None:
                raise Problem(400, "Bad Request: invalid file_id")
            return {"file_id": params["file_id"], "file_unique_id": "u", "file_size": len(found[0]),
                    "file_path": found[1]}
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if method in ("sendMessage", "editMessageText"):
            text = str(params.get("text") or "")
            if not text.strip():
                raise Problem(400, "Bad Request: message text is empty")
            if len(text) > 4096:
                raise Problem(400, "Bad Request: message is too long")
            if params.get("parse_mode") == "MarkdownV2":
                for index, char in enumerate(text):
                    if char in RESERVED_V2 and (index == 0 or text[index - 1] != "\\"):
                        raise Problem(400, f"Bad Request: can't parse entities: Character '{char}' is reserved and "
                                           "must be escaped with the preceding '\\'")
            return self._sent(params.get("chat_id"), text=text, reply_markup=markup)
        if method == "editMessageReplyMarkup":
            return self._sent(params.get("chat_id"), reply_markup=markup)
        if method == "sendLocation":
            return self._sent(params.get("chat_id"), location={"latitude": float(params["latitude"]),
                                                               "longitude": float(params["longitude"])})
        field = SENDS[method.lower()]
        if field in files:
            found = self.add_file(files[field], field + "s", "")
        elif isinstance(params.get(field), str) and params[field]:
            found = {"file_id": str(params[field])}
        else:
            raise Problem(400, f"Bad Request: there is no {field} in the request")
        if len(str(params.get("caption") or "")) > 1024:
            raise Problem(400, "Bad Request: message caption is too long")
        return self._sent(params.get("chat_id"), caption=params.get("caption"),
                          **{field: [found] if field == "photo" else found})

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard") or []:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                        raise Problem(400, "Bad Request: BUTTON_DATA_INVALID")

    async def _file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        with self.lock:
            found = next((data for data, path in self.files.values() if path == request.path_params["path"]), None)
        return Response(found, media_type="application/octet-stream") if found is not None else Response(status_code=404)

    def file_bytes(self, file_id: str) -> bytes:
        return self.files[file_id][0]
