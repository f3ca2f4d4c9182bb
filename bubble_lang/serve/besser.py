"""A BESSER-compatible WebSocket endpoint (layer 11): BESSER's own clients talk to a bubble bot.

BESSER's Streamlit UI and chat widget connect to `ws://host:8765/` and speak
`{"action", "message"}` frames (serving.md §1). They send no hello and cannot name a session, so
each socket is one new conversation with an id minted here, and the bot speaks first: the
conversation is opened as soon as the socket is accepted. In: `user_message` (text),
`user_file` (a JSON *string* `{name, type, base64}`; an object is taken too), `user_voice` (base64
audio, assumed WAV), `reset` (restart). Out: the eight `bot_reply_*` actions of
`besser_frames.py`.

Unlike BESSER, a bad frame never ends the conversation: a frame that is not JSON, names an
unknown action, is too large or comes too fast gets a `bot_reply_str` saying so (BESSER's clients
cannot render any error frame), and the socket stays open. Every bot output reaches the socket
through the runner's subscription, so timer output arrives while nobody types. The runner's life
(start, close) belongs to whoever made it unless `manage_runner=True`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..diagnostics import BubbleError
from ..limits import DEFAULT_LIMITS
from ..engine.runner import Runner
from ..runtime.outputs import Output
from ..runtime.steps import Answer
from .address_caps import REFUSAL, TOO_MANY_STARTS, TRY_AGAIN_LATER, AddressCaps, Unrated, client_address
from .session_tokens import TokenBucket
from .ws_protocol import frame_text
from .besser_frames import STR, Choice, Frame, Question, ask_frames, content_frames, step_frames, text_frame

log = logging.getLogger("bubble")

#: Hosts whose pages may open the socket by default: this machine (BESSER's widget is served
#: from another port of it, its Streamlit UI sends the socket's own origin).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
VOICE_TYPE = "audio/wav"  # the Streamlit UI records WAV and sends no type

TOO_LARGE = "Sorry, that message is too large ({size} KiB); the limit is {limit} KiB."
NOT_JSON = "Sorry, I could not read that message: it is not a JSON object with `action` and `message`."
UNKNOWN_ACTION = "Sorry, I do not know the action {action!r}: send user_message, user_file, user_voice or reset."
BAD_FILE = "Sorry, I could not read that file: it needs a name, a type and its bytes in base64."
BAD_VOICE = "Sorry, I could not read that voice message: it needs its audio in base64."
TOO_FAST = "You are sending messages faster than I can read them; please wait a moment."
FAILED = "Sorry, something went wrong on my side. Please try again."


@attrs.frozen
class BesserOptions:
    """The endpoint's limits. The frame limit counts the whole frame, so a file in `user_file`
    (base64: 4/3 of its size) must fit in it; raise it for larger uploads (uvicorn's own
    `ws_max_size` must then be larger still, or uvicorn closes the socket with 1009)."""

    max_frame_bytes: int = DEFAULT_LIMITS.besser_frame_bytes  # 8 MiB: a photo of about 6 MB as base64
    origins: tuple[str, ...] = ()  # allowed Origin values besides loopback; "*" allows every origin
    rate_per_second: float = 5.0  # frames per second per socket, sustained
    burst: int = 10  # frames a socket may send at once
    sockets_per_address: int = 1_000  # more from one address are closed with 1013 (address_caps.py)
    address_rate_per_second: float = 50.0  # frames per second of all sockets of one address together
    address_burst: int = 100
    address_starts_per_minute: float = 120.0  # connections (each a new conversation) of one address
    address_start_burst: int = 100
    address_connects_per_second: float = 50.0  # sockets one address may open
    address_connect_burst: int = 1_000
    rate_loopback: bool = False  # loopback is this machine (a proxy, a load test): not rated
    paths: tuple[str, ...] = ("/", "/besser")


def besser_app(runner: Runner, *, options: BesserOptions | None = None, manage_runner: bool = False,
               timezone: str | None = None) -> Starlette:
    """The Starlette app serving BESSER's WebSocket dialect at `/` (and `/besser`); an HTTP GET
    there says what it is. `manage_runner`: start the runner with the app and close it after."""
    settings = options or BesserOptions()
    zone = timezone or str(runner.bot.image.config.timezone)
    addresses = AddressCaps(settings.sockets_per_address, settings.address_rate_per_second, settings.address_burst,
                            rate_loopback=settings.rate_loopback, starts_per_minute=settings.address_starts_per_minute,
                            start_burst=settings.address_start_burst,
                            connects_per_second=settings.address_connects_per_second,
                            connect_burst=settings.address_connect_burst)

    async def endpoint(websocket: WebSocket) -> None:
        if not origin_allowed(websocket.headers.get("origin"), settings.origins):
            await websocket.close(code=1008)  # before accept: uvicorn answers the handshake with 403
            return
        await websocket.accept()
        address = client_address(websocket.client)
        address_bucket = addresses.admit(address)
        if address_bucket is None:
            await websocket.close(code=TRY_AGAIN_LATER, reason=REFUSAL)
            return
        if not addresses.may_start(address):  # every BESSER connection is a new conversation
            addresses.release(address)
            await websocket.close(code=TRY_AGAIN_LATER, reason=TOO_MANY_STARTS)
            return
        try:
            await BesserConnection(runner, websocket, settings, zone, address_bucket).serve()
        finally:
            addresses.release(address)

    async def about(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("BESSER-compatible WebSocket endpoint: connect with a WebSocket client.\n")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if manage_runner:
            runner.start()
        try:
            yield
        finally:
            if manage_runner:
                await runner.close()

    routes: list[Any] = []
    for path in settings.paths:
        routes += [WebSocketRoute(path, endpoint), Route(path, about, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)


def origin_allowed(origin: str | None, allowed: Sequence[str]) -> bool:
    """No Origin (a program, not a page), a loopback page, or one of `allowed` ("*": any)."""
    if origin is None or "*" in allowed or origin in allowed:
        return True
    try:
        host = urlsplit(origin).hostname
    except ValueError:
        return False
    return host in LOOPBACK_HOSTS


class BesserConnection:
    """One socket, one conversation: frames in become turns, the conversation's outputs go out
    as BESSER frames (in order, one send at a time)."""

    def __init__(self, runner: Runner, websocket: WebSocket, options: BesserOptions, timezone: str,
                 address_bucket: TokenBucket | Unrated | None = None):
        self.runner = runner
        self.websocket = websocket
        self.options = options
        self.timezone = timezone
        self.conversation_id = "besser-" + secrets.token_hex(16)
        self.question = Question()  # what the last question offered (labels, widget)
        self.bucket = TokenBucket(options.rate_per_second, options.burst)  # this socket's own
        self.address_bucket = address_bucket  # shared by every socket of the client's address
        self.sending = asyncio.Lock()

    async def serve(self) -> None:
        """Open the conversation (the bot speaks first), then play frames until the client goes."""
        subscription = await self.runner.subscribe(self.conversation_id, self.deliver, after_seq=0)
        try:
            await self.guarded(self.runner.open(self.conversation_id, "besser"))
            while True:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                await self.handle(message.get("text"), message.get("bytes"))
        except (WebSocketDisconnect, RuntimeError, OSError):
            return  # the client went away mid-send; nothing to tell it
        finally:
            subscription.close()

    # ------------------------------------------------------------------ out
    async def deliver(self, output: Output) -> None:
        """The runner's subscriber: one output, as the BESSER frames that show it."""
        for item in self.frames(output):
            await self.send(item)

    def frames(self, output: Output) -> list[Frame]:
        if output.kind == "text":
            return text_frame(output.text)
        if output.kind == "ask":
            frames, self.question = ask_frames(output, self.timezone)
            return frames
        if output.kind == "show":
            frames, picks = content_frames(output)
            self.question.picks.update(picks)
            return frames
        if output.kind == "step":
            return step_frames(output)
        return []  # typing, pause, emit, log, close: BESSER has nothing to show for them

    async def send(self, item: Frame) -> None:
        async with self.sending:
            if self.websocket.application_state is WebSocketState.CONNECTED:
                await self.websocket.send_text(frame_text(item))

    async def say(self, text: str) -> None:
        """A message from the endpoint itself (a refused frame), never a bubble error frame."""
        for item in text_frame(text):
            await self.send(item)

    # ------------------------------------------------------------------ in
    async def handle(self, text: str | None, data: bytes | None) -> None:
        """One client frame: checked (size, rate, JSON, action), then played as a turn."""
        raw = text if text is not None else (data or b"").decode("utf-8", "replace")
        size = len(raw.encode("utf-8")) if text is not None else len(data or b"")
        if size > self.options.max_frame_bytes:
            await self.say(TOO_LARGE.format(size=-(-size // 1024), limit=self.options.max_frame_bytes // 1024))
            return
        if not self.take_token():
            await self.say(TOO_FAST)
            return
        try:
            payload = json.loads(raw)
        except (ValueError, RecursionError):
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("action"), str) or "message" not in payload:
            await self.say(NOT_JSON)
            return
        action, message = payload["action"], payload["message"]
        if action == "user_message":
            await self.user_message(message)
        elif action == "user_file":
            await self.user_file(message)
        elif action == "user_voice":
            await self.user_voice(message)
        elif action == "reset":
            self.question = Question()
            await self.guarded(self.runner.restart(self.conversation_id))
        else:
            await self.say(UNKNOWN_ACTION.format(action=action[:40]))

    def take_token(self) -> bool:
        """The socket's bucket (`burst` frames at once, `rate_per_second` sustained), then its
        address's."""
        return self.bucket.take() and (self.address_bucket is None or self.address_bucket.take())

    async def user_message(self, message: Any) -> None:
        if not isinstance(message, str):
            await self.say(NOT_JSON)
            return
        choice, self.question = self.question.translate(message), Question()
        await self.play(choice)

    async def play(self, choice: Choice) -> None:
        if choice.event is not None:
            await self.guarded(self.runner.send_event(self.conversation_id, choice.event, choice.payload))
        else:
            await self.guarded(self.runner.send_text(self.conversation_id, choice.text or ""))

    async def user_file(self, message: Any) -> None:
        """A file: the answer to a waiting `upload` question, else an attachment for
        `attachment:` triggers (kind from its MIME type), kept in the upload store."""
        if isinstance(message, str):
            try:
                message = json.loads(message)
            except (ValueError, RecursionError):
                message = None
        fields = message if isinstance(message, dict) else {}
        name, kind, encoded = (fields.get(key) for key in ("name", "type", "base64"))
        body = _decode(encoded)
        if not (isinstance(name, str) and name and isinstance(kind, str) and kind and body):
            await self.say(BAD_FILE)
            return
        await self.attachment(name, kind, body)

    async def user_voice(self, message: Any) -> None:
        body = _decode(message)
        if not body:
            await self.say(BAD_VOICE)
            return
        await self.attachment("voice.wav", VOICE_TYPE, body, kind="voice")

    async def attachment(self, name: str, mime: str, body: bytes, kind: str | None = None) -> None:
        self.question = Question()
        waiting = await self.runner.waiting(self.conversation_id)
        widget = waiting.widget if isinstance(waiting, Answer) else None
        if isinstance(widget, dict) and widget.get("kind") == "upload":
            await self.guarded(self.runner.send_upload(self.conversation_id, name, mime, body))
            return
        from ..engine.uploads import UploadStore, clean_name, default_upload_folder

        if self.runner.uploads is None:
            self.runner.uploads = UploadStore(default_upload_folder(self.runner.bot))
        key = await asyncio.to_thread(self.runner.uploads.put, body)
        kind = kind or _attachment_kind(mime)
        # `attachment.type` stays the kind (image, voice…) as on every channel; the MIME type is `mime`
        await self.guarded(self.runner.send_attachment(self.conversation_id, kind, name=clean_name(name),
                                                       mime=mime[:255], size=len(body), key=key))

    async def guarded(self, turn: Any) -> None:
        """Await a turn; a refused input is told in words, a failure logged and apologised for,
        never a traceback on the wire. The outputs went out through the subscription."""
        try:
            await turn
        except BubbleError as error:
            first = error.diagnostics[0].message if error.diagnostics else ""
            await self.say(f"Sorry, I cannot use that: {first}." if first else FAILED)
        except (WebSocketDisconnect, asyncio.CancelledError):
            raise
        except Exception:  # noqa: BLE001 - one bad turn must not end the socket
            log.exception("conversation %s: a BESSER frame failed", self.conversation_id)
            await self.say(FAILED)


def _decode(encoded: Any) -> bytes | None:
    """Base64 text (whitespace and a `data:` prefix allowed) as bytes; None when it is not."""
    if not isinstance(encoded, str) or not encoded:
        return None
    if encoded.startswith("data:") and "," in encoded:
        encoded = encoded.split(",", 1)[1]
    try:
        return base64.b64decode("".join(encoded.split()), validate=True) or None
    except (binascii.Error, ValueError):
        return None


def _attachment_kind(mime: str) -> str:
    """`image`, `audio`, `video` from the MIME family; everything else is a `file`."""
    family = mime.split("/", 1)[0].lower()
    return family if family in ("image", "audio", "video") else "file"
