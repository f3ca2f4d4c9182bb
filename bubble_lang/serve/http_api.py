"""The HTTP API (layer 10): server-to-server calls into conversations, behind a bearer key.

Routes: `POST /api/conversations/{id}/messages {text, id?}` → the frames of the bot's answer,
`POST /api/conversations/{id}/events {name, payload?, id?}` → the same, `GET
/api/conversations/{id}` → the committed transcript, and `GET /healthz`. Every `/api/` call
needs `Authorization: Bearer <key>` (`BUBBLE_API_KEY` or `[serve] api_key`); a server without a
key refuses them all with 401, so an API is never open by accident. The conversation id is the
caller's choice (the key is the credential here). Bodies are read within the frame limit and
checked against a schema like `/ws` frames; errors are JSON `{code, message}`, never tracebacks.
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..diagnostics import BubbleError
from ..runtime.outputs import Output
from ..storage.errors import StoreUnavailable
from ..engine.output_frames import output_frame
from .hub import Hub, log
from .session_tokens import bearer_ok
from .ws_protocol import FrameError, frame_text, read_body

_CONVERSATION_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}\Z")


def api_routes(hub: Hub) -> list[Route]:
    """The API's routes over one hub."""

    async def messages(request: Request) -> Response:
        return await _turn(hub, request, "message")

    async def events(request: Request) -> Response:
        return await _turn(hub, request, "event")

    async def transcript(request: Request) -> JSONResponse:
        refused = _refused(hub, request)
        if refused is not None:
            return refused
        key = hub.runner.key(request.path_params["conversation_id"])
        entries = await asyncio.to_thread(hub.runner.store.transcript, key)
        turns = [{"turn": entry.seq, "at": entry.at, "input": entry.input,
                  "frames": _frames([Output.from_plain(plain) for plain in entry.outputs])} for entry in entries]
        return JSONResponse({"conversation_id": request.path_params["conversation_id"], "turns": turns})

    async def healthz(request: Request) -> JSONResponse:
        status = "draining" if hub.draining else "ok"
        body: dict[str, Any] = {"status": status, "revision": hub.runner.bot.image.revision, "pid": os.getpid()}
        if hub.reloader is not None:  # a rejected edit: the old revision still serves (200)
            body["reload"] = hub.reloader.status.to_json()
        return JSONResponse(body, status_code=503 if hub.draining else 200)

    return [
        Route("/api/conversations/{conversation_id}/messages", messages, methods=["POST"]),
        Route("/api/conversations/{conversation_id}/events", events, methods=["POST"]),
        Route("/api/conversations/{conversation_id}", transcript, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]


def problem(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _refused(hub: Hub, request: Request) -> JSONResponse | None:
    if not hub.settings.api_key:
        return problem(401, "unauthorized", "this server has no API key configured (set BUBBLE_API_KEY)")
    if not bearer_ok(request.headers.get("authorization"), hub.settings.api_key):
        return problem(401, "unauthorized", "send `Authorization: Bearer <API key>`")
    if not _CONVERSATION_ID.match(request.path_params["conversation_id"]):
        return problem(400, "bad_request", "a conversation id is 1 to 128 letters, digits, `_.:-`")
    return None


async def _turn(hub: Hub, request: Request, kind: str) -> Response:
    refused = _refused(hub, request)
    if refused is not None:
        return refused
    if hub.draining:
        return problem(503, "shutting_down", "the server is restarting; send this again")
    limits = hub.settings.limits
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.websocket_frame_bytes:
            return problem(413, "too_large", f"the body is over {limits.websocket_frame_bytes} bytes")
    try:
        frame = read_body(body.decode("utf-8", "replace"), kind, max_nesting=limits.json_nesting)
    except FrameError as error:
        return problem(400, error.code, error.message)
    conversation_id = request.path_params["conversation_id"]
    message_id = frame.get("id")
    runner = hub.runner

    async def play() -> list[Output]:
        opened = [] if await runner.state(conversation_id) is not None else await runner.open(conversation_id, "api")
        if kind == "message":
            return opened + await runner.send_text(conversation_id, frame["text"], message_id=message_id)
        return opened + await runner.send_event(conversation_id, frame["name"], frame.get("payload"),
                                                message_id=message_id)

    try:
        outputs = await hub.turn(conversation_id, f"http-{kind}", play)
    except StoreUnavailable:
        return problem(503, "unavailable", "the conversation store cannot be reached right now; send this again")
    except BubbleError as error:
        message = error.diagnostics[0].message if error.diagnostics else "the input was refused"
        return problem(400, "rejected", message)
    except Exception:  # noqa: BLE001 - never a traceback to a client
        log.exception("conversation turn failed")
        return problem(500, "internal", "something went wrong on the server")
    body = frame_text({"conversation_id": conversation_id, "frames": _frames(outputs)})  # never an encoding error
    return Response(body.encode("utf-8"), media_type="application/json")


def _frames(outputs: list[Output]) -> list[dict[str, Any]]:
    return [frame for frame in map(output_frame, outputs) if frame is not None]
