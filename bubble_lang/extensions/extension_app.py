"""Writing an extension server in Python (layer 8): what Chatto's Go `extensions.ServeREST` does.

    from bubble_lang.extensions import ExtensionApp

    app = ExtensionApp()

    @app.extension("greet")
    def greet(call):
        return call.reply(answers=[f"Hello {call.slots.get('name', 'there')}"], slots={"greeted": "yes"})

    app.run(port=8770)

Routes, as ServeREST serves them: `POST /extension` (Chatto's request → the function named by
`extension` → Chatto's response), `GET /extensions` (the names), `GET /version`. Errors use
Chatto's JSON, `{"code": …, "message": …}`: 400 for a body that is not the request, 404 for an
unknown extension, 401 for a missing or wrong token (`ExtensionApp(token=…)`), 500 when the function
raises. It is a WSGI application, so any WSGI server can run it; `run()` uses the standard library's
on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from .chatto_wire import bearer_matches

VERSION = {"version": "bubble", "commit": "", "built_at": "", "built_by": "bubble_lang.extensions"}


MAX_REQUEST_BYTES = 1 << 20


def _is_request(data: Any) -> bool:
    """Chatto's request shape, as far as `ExtensionCall` reads it (a wrong one is a 400, not an
    error inside the extension's function)."""
    if not isinstance(data, dict) or not isinstance(data.get("extension"), str):
        return False
    fsm, question, domain = data.get("fsm") or {}, data.get("question") or {}, data.get("domain") or {}
    if not (isinstance(fsm, dict) and isinstance(question, dict) and isinstance(domain, dict)):
        return False
    state = fsm.get("state") or 0
    return (isinstance(state, int) and not isinstance(state, bool) and isinstance(fsm.get("slots") or {}, dict)
            and isinstance(domain.get("state_table") or {}, dict))


@attrs.frozen
class ExtensionCall:
    """One call, read from Chatto's request: the conversation's `state` (an index into
    `state_table`), its `slots` (text to text), the `extension` name, the user's `question` text
    and `sender`, the `channel` and the `command` that brought the user here."""

    data: dict[str, Any]

    @property
    def state(self) -> int:
        return int((self.data.get("fsm") or {}).get("state") or 0)

    @property
    def slots(self) -> dict[str, str]:
        return dict((self.data.get("fsm") or {}).get("slots") or {})

    @property
    def extension(self) -> str:
        return str(self.data.get("extension", ""))

    @property
    def question(self) -> str:
        return str((self.data.get("question") or {}).get("text", ""))

    @property
    def sender(self) -> str:
        return str((self.data.get("question") or {}).get("sender", ""))

    @property
    def channel(self) -> str:
        return str(self.data.get("channel", ""))

    @property
    def command(self) -> str:
        return str(self.data.get("command", ""))

    @property
    def state_table(self) -> dict[str, int]:
        return dict((self.data.get("domain") or {}).get("state_table") or {})

    def reply(self, answers: Iterable[str | dict[str, str]] = (), *, slots: dict[str, str] | None = None,
              state: int | str | None = None) -> dict[str, Any]:
        """Chatto's response: the answers (text, or `{"text", "image"}`), the slots merged over
        the ones received, and the state — unchanged by default, or a dialog name or number."""
        merged = self.slots
        merged.update({key: str(value) for key, value in (slots or {}).items()})
        target = self.state if state is None else (self.state_table[state] if isinstance(state, str) else state)
        return {"fsm": {"state": target, "slots": merged},
                "answers": [{"text": answer} if isinstance(answer, str) else dict(answer) for answer in answers]}


Extension = Callable[[ExtensionCall], dict[str, Any]]


class ExtensionApp:
    """A WSGI application serving registered extension functions (see the module docstring)."""

    def __init__(self, *, token: str | None = None):
        self.token = token
        self.extensions: dict[str, Extension] = {}

    def extension(self, name: str) -> Callable[[Extension], Extension]:
        """Register a function under `name`."""

        def register(function: Extension) -> Extension:
            self.extensions[name] = function
            return function

        return register

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        status, body = self.respond(environ)
        payload = json.dumps(body).encode()
        start_response(f"{status} {_REASONS.get(status, 'OK')}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def respond(self, environ: dict[str, Any]) -> tuple[int, Any]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        if self.token and not bearer_matches(environ.get("HTTP_AUTHORIZATION"), self.token):
            return 401, {"code": 401, "message": "missing or incorrect authorization token"}
        if method == "GET" and path == "/extensions":
            return 200, sorted(self.extensions)
        if method == "GET" and path == "/version":
            return 200, VERSION
        if method != "POST" or path != "/extension":
            return 404, {"code": 404, "message": f"no route {method} {path}"}
        try:
            size = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = -1
        if not 0 <= size <= MAX_REQUEST_BYTES:  # read(-1) would wait for the client to close
            return 400, {"code": 400, "message": f"a request needs a Content-Length of 0 to {MAX_REQUEST_BYTES}"}
        try:
            data = json.loads(environ["wsgi.input"].read(size) or b"null")
        except (ValueError, RecursionError):
            return 400, {"code": 400, "message": "the request is not JSON"}
        if not _is_request(data):
            return 400, {"code": 400, "message": "the request is not an extension request"}
        function = self.extensions.get(data["extension"])
        if function is None:
            return 404, {"code": 404, "message": f"extension '{data['extension']}' not found"}
        try:
            return 200, function(ExtensionCall(data))
        except Exception as error:  # noqa: BLE001 - the caller gets Chatto's error JSON, not a traceback
            return 500, {"code": 500, "message": f"extension '{data['extension']}' failed: {type(error).__name__}"}

    def run(self, host: str = "127.0.0.1", port: int = 8770) -> None:
        """Serve until interrupted: the standard library's WSGI server, one thread per request so
        a slow extension does not hold up the others. For many users, run the app under a
        production WSGI server instead (it is a plain WSGI application)."""
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIServer, make_server

        class Threading(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        with make_server(host, port, self, server_class=Threading) as server:
            server.serve_forever()


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}
