"""An absolute deadline for receiving each HTTP request (layer 10): the Slowloris guard.

uvicorn has no request-receipt timeout: its keep-alive timer only runs between requests and is
reset by every byte, so a client trickling one header byte a second holds a connection (and its
memory) for as long as it likes (CVE-2007-6750; research/reliability.md §5, CHAN-4). This protocol
is uvicorn's h11 protocol with one rule added: from the moment a connection opens, and again after
each response on a kept-alive connection, the client has `request_receipt_seconds` to send a whole
request — headers and body. A WebSocket handshake counts as a request, so an unfinished handshake
is closed the same way; once the socket is upgraded the deadline is gone (WebSocket pings take
over). The request's handling by the app is never cut short: the clock stops when the last byte
of the request arrives, not when the answer leaves.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("bubble.serve")
STILL_RECEIVING = (h11.IDLE, h11.SEND_BODY)  # the client's side of a request not yet complete


def receipt_deadline_protocol(seconds: float) -> type[H11Protocol]:
    """The h11 protocol class with a receipt deadline of `seconds` (uvicorn's `http=` setting)."""
    return type("ReceiptDeadlineProtocol", (ReceiptDeadlineProtocol,), {"receipt_seconds": seconds})


class ReceiptDeadlineProtocol(H11Protocol):
    """See the module docstring; `receipt_seconds` is set by `receipt_deadline_protocol`."""

    receipt_seconds = 10.0

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._upgraded() or self.conn.their_state not in STILL_RECEIVING or self.transport.is_closing():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()  # the next request on a kept-alive connection gets its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.receipt_seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _upgraded(self) -> bool:
        return self.transport.get_protocol() is not self

    def _expired(self) -> None:
        self._deadline = None
        if self._upgraded() or self.transport.is_closing():
            return
        if self.conn.their_state not in STILL_RECEIVING:
            return  # the request is in; the app is answering it
        host = self.client[0] if self.client else "?"
        log.warning("closed a connection from %s: no whole request within %.1f s", host, self.receipt_seconds)
        self.transport.close()
