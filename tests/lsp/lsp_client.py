"""A small LSP client for the tests: `bubble lsp` as a real subprocess, JSON-RPC over its pipes.

Content-Length framing both ways; a reader thread files responses by id and keeps every
notification (publishDiagnostics by URI, newest last). stderr is collected apart: stdout must hold
nothing but protocol frames, which `frames_ok` checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class LspClient:
    def __init__(self, *, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bubble_lang", "lsp"], cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
        self.next_id = 0
        self.responses: dict[Any, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.junk: list[bytes] = []
        self.condition = threading.Condition()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # ------------------------------------------------------------------ wire
    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    with self.condition:
                        self.condition.notify_all()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if b":" not in line:
                    self.junk.append(line)
                    continue
                key, value = line.decode("ascii", "replace").split(":", 1)
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers.get("content-length", "0")))
            message = json.loads(body)
            with self.condition:
                if "id" in message and "method" not in message:
                    self.responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self.condition.notify_all()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def send_raw(self, body: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps(message).encode("utf-8"))

    # ------------------------------------------------------------------ JSON-RPC
    def request(self, method: str, params: Any = None, *, timeout: float = 15.0) -> dict[str, Any]:
        """The whole response message (`result` or `error`)."""
        self.next_id += 1
        ident = self.next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(ident, timeout=timeout)

    def response(self, ident: Any, *, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.condition:
            while ident not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise TimeoutError(f"no response to {ident}; stderr:\n{''.join(self.stderr)}")
                self.condition.wait(left)
            return self.responses.pop(ident)

    def result(self, method: str, params: Any = None, **kwargs: Any) -> Any:
        response = self.request(method, params, **kwargs)
        assert "error" not in response, response
        return response["result"]

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # ------------------------------------------------------------------ LSP
    def initialize(self, root: Path | None = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.result("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri() if root else None,
            "capabilities": {"textDocument": {"publishDiagnostics": {"relatedInformation": True}}},
            "initializationOptions": options or {}})
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None, *, uri: str | None = None) -> str:
        uri = uri or path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "bubble", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return uri

    def change(self, uri: str, version: int, text: str, range_: dict[str, Any] | None = None) -> None:
        change: dict[str, Any] = {"text": text}
        if range_ is not None:
            change["range"] = range_
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [change]})

    def diagnostics_count(self) -> int:
        with self.condition:
            return len(self.notifications)

    def wait_diagnostics(self, uri: str, *, after: int = 0, timeout: float = 20.0,
                         complete: bool = True, quiet: float = 0.4) -> list[dict[str, Any]]:
        """The diagnostics of `uri` published after notification number `after`: the newest set
        once no newer one arrived for `quiet` seconds (quick results are followed by complete
        ones), or the first one with `complete=False`."""
        deadline = time.monotonic() + timeout
        found: list[dict[str, Any]] | None = None
        last = 0.0
        seen = after
        with self.condition:
            while True:
                for message in self.notifications[seen:]:
                    if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                        found = message["params"]["diagnostics"]
                        last = time.monotonic()
                        if not complete:
                            return found
                seen = len(self.notifications)
                now = time.monotonic()
                if found is not None and now - last >= quiet:
                    return found
                if now >= deadline:
                    raise TimeoutError(f"no diagnostics for {uri}; stderr:\n{''.join(self.stderr)}")
                self.condition.wait(min(0.05, deadline - now))

    def close(self) -> int:
        """shutdown + exit; the exit code."""
        try:
            if self.process.poll() is None:
                self.request("shutdown", timeout=10)
                self.notify("exit")
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def frames_ok(self) -> bool:
        return not self.junk


def position(text: str, needle: str, *, occurrence: int = 0, inside: int = 0) -> dict[str, int]:
    """The LSP position of the `occurrence`-th `needle` in `text`, `inside` characters into it."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    at += inside
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    prefix = text[text.rfind("\n", 0, at) + 1:at]
    return {"line": line, "character": column + sum(1 for c in prefix if ord(c) > 0xFFFF)}
