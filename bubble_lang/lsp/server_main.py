"""Starting `bubble lsp`: the server with its request handlers, on stdin/stdout.

Why a module of its own: `language_server` (documents, bots, publishing) and `request_handlers`
(the requests, which need the server's type) are put together here, so neither imports the other
both ways.
"""

from __future__ import annotations

import gc
import logging
import sys

from ..gcpause import SERVING_THRESHOLD
from .language_server import BubbleServer
from .request_handlers import register


def create_server(version: str, *, debounce: float | None = None) -> BubbleServer:
    server = BubbleServer(version)
    if debounce is not None:
        server.scheduler.debounce = debounce
    register(server)
    return server


def serve_stdio(version: str) -> int:
    """Run the server on stdin/stdout until the client says `exit`."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="bubble lsp: %(message)s")
    logging.getLogger("pygls").setLevel(logging.CRITICAL)  # failures are reported by the handlers
    sys.setswitchinterval(0.001)  # the loop thread answers promptly while the worker checks
    gc.set_threshold(*SERVING_THRESHOLD)
    server = create_server(version)
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must never corrupt the protocol
    server.start_io(sys.stdin.buffer, stdout)
    return 0 if server.protocol._shutdown else 1  # LSP: `exit` without `shutdown` exits with 1
