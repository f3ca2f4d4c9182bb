"""One `/ws` connection (layer 10): hello and welcome, client frames to runner calls, bot frames out.

Input: a Starlette `WebSocket`. Output: the protocol of `docs/protocol.md`. Rules it keeps:

- Only `hello` before the welcome. A new conversation gets an id and a token and its entry
  dialog runs (`open`); a resumed one (id and token both right) is never opened again, so a
  reconnect never greets twice. `hello {last_seq}` replays every committed frame after it, timers'
  output made while nobody was connected included.
- Each turn frame is acknowledged (`ack {id}`) only after its turn committed; its id goes to the
  runner as `message_id`, so a resent frame is acknowledged again and never played twice.
- One address holds at most `sockets_per_address` sockets; one more is accepted and closed
  at once with 1013 "try again later" (a browser sees a reason, not a failed handshake).
- A bad frame (not JSON, too deep, wrong schema, unknown type, over the session's rate or the
  rate all sockets of its client address share) gets an `error`
  frame and the socket stays open; an over-size frame closes it with 1009. Errors are messages,
  never tracebacks.
- Frames go out through a queue and a writer task, so a slow client never holds a turn (or the
  conversation's other sockets); `typing` frames are followed by a real pause when live. The
  queue is bounded by the bytes waiting (`QUEUE_BYTES`), not by a count of frames: one turn may
  say a thousand lines to a healthy socket, which cannot read any of them before the turn has
  handed them all over. A replay (`hello {last_seq}`) sends at most half of that, the newest.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..diagnostics import BubbleError
from ..engine.uploads import clean_name
from ..runtime.inputs import AttachmentInput, LocationInput
from ..runtime.outputs import Output
from ..runtime.steps import Answer, Closed
from ..storage.errors import StoreUnavailable
from .address_caps import REFUSAL, TOO_MANY_STARTS, TRY_AGAIN_LATER, Unrated, client_address
from ..engine.output_frames import output_frame
from .hub import Hub
from .shared_pictures import keep_picture
from .session_tokens import TokenBucket, new_session_id
from .ws_protocol import PROTOCOL_VERSION, FrameError, frame_text, read_frame

log = logging.getLogger("bubble.serve")
UNAVAILABLE = "the conversation store cannot be reached right now; send this again in a moment"
QUEUE_BYTES = 16 * 1024 * 1024  # frames waiting for one socket before it is closed as too slow
MAX_TYPING_SECONDS = 10.0  # the longest real pause after a live `typing` frame
_CLOSE = object()


class WsSession:
    """See the module docstring."""

    def __init__(self, hub: Hub, websocket: WebSocket):
        self.hub = hub
        self.ws = websocket
        self.session_id: str | None = None
        self.address = ""  # the client's (address_caps.client_address)
        self.bucket: TokenBucket = hub.new_bucket()  # until hello: this socket's own
        self.address_bucket: TokenBucket | Unrated | None = None  # what every socket of this address shares
        self.subscription: Any = None
        self.queue: asyncio.Queue[Any] = asyncio.Queue()  # bounded by `queued_bytes` (see the docstring)
        self.queued_bytes = 0
        self.replaying = False
        self.replay: list[tuple[str, dict[str, Any]]] = []  # frames of a replay, sent once it is read
        self.close_code = 1000

    # ------------------------------------------------------------------ lifecycle
    async def run(self) -> None:
        headers = self.ws.headers
        if self.hub.draining or not self.hub.origin_allowed(headers.get("origin"), headers.get("host")):
            await self.ws.close(code=1008)  # before accept: the handshake gets 403
            return
        address = self.address = client_address(self.ws.client)
        address_bucket = self.hub.addresses.admit(address)
        if address_bucket is None:
            await self.ws.accept()
            await self.ws.close(code=TRY_AGAIN_LATER, reason=REFUSAL)
            return
        self.address_bucket = address_bucket
        await self.ws.accept()
        self.hub.sockets.add(self)
        writer = asyncio.create_task(self._write())
        try:
            await self._read()
        except (WebSocketDisconnect, ConnectionError):
            pass
        finally:
            self.hub.addresses.release(address)
            self.hub.sockets.discard(self)
            if self.subscription is not None:
                self.subscription.close()
            if self.session_id is not None:
                self.hub.leave(self.session_id)
            self._enqueue(_CLOSE)
            try:
                await asyncio.wait_for(writer, timeout=5)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - the peer is gone anyway
                writer.cancel()

    async def shut(self, code: int) -> None:
        """Close after the frames already queued (shutdown: 1001)."""
        self.close_code = code
        self._enqueue(_CLOSE)

    async def _read(self) -> None:
        limit = self.hub.settings.limits.websocket_frame_bytes
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                data = message.get("bytes") or b""
                if len(data) > limit:
                    return await self._close_now(1009)
                text = data.decode("utf-8", "replace")
            if len(text.encode("utf-8")) > limit:  # the server's max_size catches it first; this is the floor
                return await self._close_now(1009)
            await self._handle(text)

    async def _close_now(self, code: int) -> None:
        self.close_code = code
        self._enqueue(_CLOSE)

    # ------------------------------------------------------------------ frames in
    async def _handle(self, text: str) -> None:
        try:
            frame = read_frame(text, max_nesting=self.hub.settings.limits.json_nesting)
        except FrameError as error:
            return self._error(error.code, error.message, None)
        frame_id = frame.get("id")
        # `hello` is not counted against the address: a thousand users behind one NAT reconnecting
        # after a restart must all get back in (the socket cap bounds them already).
        if not self.bucket.take() or (frame["type"] != "hello" and self.address_bucket is not None
                                      and not self.address_bucket.take()):
            return self._error("rate_limited", "too many frames: slow down and send this one again", frame_id)
        if frame["type"] == "hello":
            if self.session_id is not None:
                return self._error("bad_frame", "this socket already said hello", None)
            try:
                return await self._hello(frame)
            except StoreUnavailable:  # Redis away: say so; the client reconnects with its backoff
                self._error("unavailable", UNAVAILABLE, None)
                return await self._close_now(TRY_AGAIN_LATER)
        if self.session_id is None:
            return self._error("hello_first", "send `hello` first", frame_id)
        if self.hub.draining:
            return self._error("shutting_down", "the server is restarting: send this again after reconnecting",
                               frame_id)
        try:
            await self.hub.turn(self.session_id, frame["type"], lambda: self._play(frame))
        except FrameError as error:
            return self._error(error.code, error.message, frame_id)
        except StoreUnavailable:
            return self._error("unavailable", UNAVAILABLE, frame_id)
        except BubbleError as error:  # the input was refused (InputRejected): say why, in words
            message = error.diagnostics[0].message if error.diagnostics else "the input was refused"
            return self._error("rejected", message, frame_id)
        except Exception:  # noqa: BLE001 - never a traceback to a client
            log.exception("conversation turn failed")
            return self._error("internal", "something went wrong on the server; send this again later", frame_id)
        self._send({"type": "ack", "id": frame_id})
        await self._closed_notice()

    async def _hello(self, frame: dict[str, Any]) -> None:
        hub = self.hub
        if frame["v"] != PROTOCOL_VERSION:
            return self._error("unsupported_version", f"this server speaks version {PROTOCOL_VERSION}", None)
        session_id, token = frame.get("session_id"), frame.get("token")
        resumed = session_id is not None or token is not None
        stored = None
        if resumed and session_id and token and hub.settings.signer.verify(session_id, token):
            stored = await hub.runner.state(session_id)
        if resumed and stored is None:
            # One answer for a bad token and for a session the store does not hold (never
            # opened, deleted, a memory store restarted): no oracle for guessing ids, and never a
            # new conversation under an old id, which a client at its old `last_seq` would hide.
            self._error("unauthorized", "this session cannot be resumed; start a new one", None)
            return await self._close_now(4401)
        if session_id is None:
            if not hub.addresses.may_start(self.address):
                self._error("rate_limited", TOO_MANY_STARTS, None)
                return await self._close_now(TRY_AGAIN_LATER)
            session_id = new_session_id()
        token = hub.settings.signer.mint(session_id)
        self.session_id = session_id
        self.bucket = hub.join(session_id)
        existing = stored is not None
        # A client cannot have seen more than was sent: a larger `last_seq` (a bug, or a client
        # of another server) would hide the frames still to come, on a new conversation all.
        after_seq = min(frame.get("last_seq", 0), stored.output_seq if stored is not None else 0)
        self._send({"type": "welcome", "v": PROTOCOL_VERSION, "session_id": session_id, "token": token,
                    "resumed": existing})
        self.replaying = True
        try:
            self.subscription = await hub.runner.subscribe(session_id, self._deliver,
                                                           after_seq=after_seq)
        finally:
            self.replaying = False
            self._send_replay()
        if not existing and not hub.draining:
            try:
                await hub.turn(session_id, "open", lambda: hub.runner.open(session_id, "web"))
            except StoreUnavailable:  # Redis away: not opened; the client's reconnect is refused and starts anew
                log.warning("opening a conversation failed: the store is unavailable")
                return self._error("unavailable", UNAVAILABLE, None)
            except Exception:  # noqa: BLE001 - never a traceback to a client
                log.exception("opening a conversation failed")
                return self._error("internal", "something went wrong on the server; reconnect later", None)
        await self._closed_notice()

    async def _play(self, frame: dict[str, Any]) -> list[Output]:
        runner, cid, kind, mid = self.hub.runner, self.session_id, frame["type"], frame["id"]
        assert cid is not None
        if kind == "message":
            return await runner.send_text(cid, frame["text"], message_id=mid)
        if kind == "choice":
            value = frame["value"]
            waiting = await runner.waiting(cid)
            if isinstance(waiting, Answer) and waiting.widget is not None:
                return await runner.send_answer(cid, value, message_id=mid)
            text = value if isinstance(value, str) else json.dumps(value)
            return await runner.send_text(cid, text, message_id=mid)
        if kind == "submit":
            waiting = await runner.waiting(cid)
            if isinstance(waiting, Answer) and (waiting.widget or {}).get("kind") == "upload":
                # The file itself must come (a `file` frame, the web chat's upload route): a record
                # claiming one was sent would let a client answer with a file nobody has.
                raise FrameError("rejected", "an upload question takes the file itself: send a `file` frame")
            return await runner.send_answer(cid, frame["data"], message_id=mid)
        if kind == "back":
            return await runner.back(cid, first=bool(frame.get("first", False)), message_id=mid)
        if kind == "event":
            return await runner.send_event(cid, frame["name"], frame.get("payload"), message_id=mid)
        if kind == "location":
            return await runner.send(cid, LocationInput(lat=float(frame["lat"]), lon=float(frame["lon"])),
                                     message_id=mid)
        data = _decode(frame["base64"])
        if kind == "file":
            base = self.hub.settings.base_url(
                str(self.ws.url.replace(scheme="https" if self.ws.url.scheme == "wss" else "http", path="", query="")))
            return await play_file(runner, cid, frame["name"], frame["mime"], data, mid, base)
        return await play_voice(runner, cid, frame["mime"], data, mid)

    async def _closed_notice(self) -> None:
        """A conversation that ended (`close`) says so; it is a notice, not a numbered frame (and
        is left out while the store cannot be read: the next frame's notice says it)."""
        if self.session_id is None:
            return
        try:
            waiting = await self.hub.runner.waiting(self.session_id)
        except StoreUnavailable:
            return
        if isinstance(waiting, Closed):
            self._send({"type": "close"})

    # ------------------------------------------------------------------ frames out
    def _deliver(self, output: Output) -> None:
        frame = output_frame(output)
        if frame is None:
            return
        if self.replaying:
            self.replay.append((frame_text(frame), frame))
        else:
            self._enqueue((frame_text(frame), frame, True))

    def _send(self, frame: dict[str, Any]) -> None:
        self._enqueue((frame_text(frame), frame, False))

    def _send_replay(self) -> None:
        """The replayed frames, the newest that fit in half the queue (a long history re-read
        after a reload must not look like a slow reader)."""
        replay, self.replay = self.replay, []
        budget, start = QUEUE_BYTES // 2, len(replay)
        while start > 0 and budget >= len(replay[start - 1][0]):
            start -= 1
            budget -= len(replay[start][0])
        if start:
            log.info("a socket of conversation %s resumes with the newest %d of %d missed frames",
                     (self.session_id or "")[:6], len(replay) - start, len(replay))
        for text, frame in replay[start:]:
            self._enqueue((text, frame, False))

    def _error(self, code: str, message: str, frame_id: Any) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if frame_id is not None:
            frame["id"] = frame_id
        self._send(frame)

    def _enqueue(self, item: Any) -> None:
        size = len(item[0]) if item is not _CLOSE else 0
        if item is _CLOSE or self.queued_bytes + size <= QUEUE_BYTES:
            self.queued_bytes += size
            self.queue.put_nowait(item)
            return
        log.warning("a socket of conversation %s reads too slowly; closing it", (self.session_id or "")[:6])
        self.close_code = 1013
        self.queue.put_nowait(_CLOSE)
        raise ConnectionError("socket too slow")  # the outbox drops this subscriber

    async def _write(self) -> None:
        while True:
            item = await self.queue.get()
            if item is _CLOSE:
                if self.ws.application_state == WebSocketState.CONNECTED:
                    try:
                        await self.ws.close(code=self.close_code)
                    except Exception:  # noqa: BLE001 - already closing
                        pass
                return
            text, frame, live = item
            self.queued_bytes -= len(text)
            try:
                await self.ws.send_text(text)
            except Exception:  # noqa: BLE001 - the peer went away; the reader sees it too
                return
            if live and frame.get("type") == "typing":
                await asyncio.sleep(min(MAX_TYPING_SECONDS, max(0.0, frame.get("seconds", 0.0))))


async def play_file(runner: Any, cid: str, name: str, mime: str, data: bytes, mid: str | None,
                    base_url: str) -> list[Output]:
    """A file from a client (a `file` frame, the web chat's upload): it answers a waiting `upload`
    widget (type and size checked before anything is stored), else it is an attachment input; of
    those only real pictures are kept, with a URL (`shared_pictures.py`)."""
    waiting = await runner.waiting(cid)
    if isinstance(waiting, Answer) and (waiting.widget or {}).get("kind") == "upload":
        return await runner.send_upload(cid, name, mime, data, message_id=mid)
    record = {"name": clean_name(name), "type": mime, "size": len(data), **keep_picture(runner, data, base_url)}
    attachment = AttachmentInput(kind=_attachment_kind(mime), data=record)
    return await runner.send(cid, attachment, message_id=mid)


async def play_voice(runner: Any, cid: str, mime: str, data: bytes, mid: str | None) -> list[Output]:
    """A voice recording: a `voice` attachment input with its type and size (the bytes are not kept)."""
    return await runner.send(cid, AttachmentInput(kind="voice", data={"type": mime, "size": len(data)}),
                             message_id=mid)


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FrameError("bad_frame", "`base64` is not base64") from None


def _attachment_kind(mime: str) -> str:
    head = mime.split("/", 1)[0].lower()
    return head if head in ("image", "audio", "video") else "file"
