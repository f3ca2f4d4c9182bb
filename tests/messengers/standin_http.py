"""The HTTP side of the Bot API stand-in: reading a call's parameters as Telegram accepts them,
and a uvicorn protocol that lets the stand-in drop a connection without answering.

Why separate: these are the two places that know about Starlette's and uvicorn's machinery;
the rest of the stand-in deals in Telegram's parameters and objects.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from uvicorn.protocols.http.h11_impl import H11Protocol

from .standin_methods import decode_object_params
from .standin_store import BotApiError, Upload

Transports = dict[tuple[str, int], asyncio.BaseTransport]


def protocol_remembering_transports(transports: Transports) -> type[H11Protocol]:
    """uvicorn's h11 protocol, remembering each open connection's transport by client address.

    Why: ASGI gives an app no way to close a connection without answering (an exception before
    the answer makes uvicorn send a 500), and `drop_next` needs exactly that. The subclass only
    hooks the asyncio Protocol callbacks; the endpoint looks the transport up by `scope["client"]`.
    """

    class RememberingH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if self.client is not None:
                transports[self.client] = transport

        def connection_lost(self, exc: Exception | None) -> None:
            if self.client is not None:
                transports.pop(self.client, None)
            super().connection_lost(exc)

    return RememberingH11Protocol


async def read_params(request: Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """A call's parameters (query string, then the body: JSON, urlencoded or multipart) and its
    uploaded parts. The whole body is read first, so that a dropped call leaves no unread bytes
    (the kernel would answer those with a reset instead of a clean close)."""
    params: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/json" and body.strip():
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise BotApiError(400, "Bad Request: can't parse JSON object")
        return {**decode_object_params(params), **data}, uploads
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            async with request.form() as form:
                for name, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        uploads[name] = Upload(value.filename, value.content_type, await value.read())
                    else:
                        params[name] = value
        except HTTPException as error:
            raise BotApiError(400, f"Bad Request: {error.detail}") from None
    return decode_object_params(params), uploads
