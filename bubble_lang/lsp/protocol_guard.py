"""The JSON-RPC edge made strict: every bad message gets an error response, no traceback leaves.

Why: pygls logs a message it cannot read and answers nothing, so a client that sent a request
with missing params would wait forever; and an internal error's response carries the Python
traceback. Here: bad JSON is answered with a parse error (-32700, id null), a message that is not
a JSON-RPC object with an invalid-request error (-32600), a request whose params do not fit its
method with invalid params (-32602, with its id), and internal errors lose their traceback (it
goes to stderr, where the log is; stdout is the protocol).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import attrs
from pygls.exceptions import (JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcParseError,
                              JsonRpcServerNotInitialized)
from pygls.protocol import LanguageServerProtocol


@attrs.frozen
class BadMessage:
    """A message that could not be read into its type; answered with `error` if it had an id."""

    id: Any
    error: JsonRpcException


class GuardedProtocol(LanguageServerProtocol):
    """pygls's protocol with answers for malformed messages."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "jsonrpc" in data and "id" in data and "method" in data:
                params = JsonRpcInvalidParams(f"invalid params for `{data.get('method')}`") \
                    if isinstance(error, JsonRpcInvalidParams) else error
                return BadMessage(id=data["id"], error=params)
            raise
        except Exception as error:  # noqa: BLE001
            if isinstance(data, dict) and "id" in data and "method" in data:
                return BadMessage(id=data["id"], error=JsonRpcInvalidParams(f"invalid params: {error}"))
            raise

    initialize_seen = False

    def handle_message(self, message: Any) -> None:
        if isinstance(message, BadMessage):
            self.send_error(message.id, message.error)
            return
        if not attrs.has(type(message)) or not hasattr(message, "jsonrpc"):
            ident = message.get("id") if isinstance(message, dict) else None
            self.send_error(ident, JsonRpcInvalidRequest("not a JSON-RPC 2.0 message"))
            return
        method = getattr(message, "method", None)
        request = method is not None and getattr(message, "id", None) is not None
        # The lifecycle of LSP 3.17: requests before `initialize` get -32002, requests after
        # `shutdown` an invalid-request error (pygls answered neither, and the client waited).
        if method == "initialize":
            self.initialize_seen = True
        elif method is not None and method != "exit" and not self.initialize_seen:
            if request:
                self.send_error(message.id, JsonRpcServerNotInitialized("send `initialize` first"))
            return
        elif request and self._shutdown:
            self.send_error(message.id, JsonRpcInvalidRequest("the server is shut down: only `exit` is accepted"))
            return
        super().handle_message(message)

    def send_error(self, ident: Any, error: JsonRpcException) -> None:
        if isinstance(ident, bool) or not isinstance(ident, (int, str, type(None))):
            ident = None
        self._send_data({"jsonrpc": "2.0", "id": ident,
                         "error": {"code": error.code, "message": error.message}})

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        if error is not None and isinstance(getattr(error, "data", None), dict) and "traceback" in error.data:
            sys.stderr.write("bubble lsp: internal error: " + error.message + "\n" + "".join(error.data["traceback"]))
            error = attrs.evolve(error, data=None)
        super()._send_response(msg_id, result, error)


def answer_unreadable(protocol: GuardedProtocol, error: Exception) -> bool:
    """Answer a message the reader could not decode (bad JSON, not an object): True if answered."""
    if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
        protocol.send_error(None, JsonRpcParseError(f"Parse Error: {error}"))
        return True
    if isinstance(error, (AttributeError, TypeError)):
        protocol.send_error(None, JsonRpcInvalidRequest("not a JSON-RPC 2.0 message"))
        return True
    return False
