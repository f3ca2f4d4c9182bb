"""Real extension servers on 127.0.0.1 (free ports), for the extension tests: the seed's Flask app
unmodified, one written with `bubble_lang.extensions`, and servers that fail in every way SPEC §11
lists (each a plain WSGI app served by the standard library in a thread)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:  # no request lines in the test output
        pass


def serve(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> str:
    """A URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def drain(environ) -> bytes:
    """Read the request body, as a real server does: closing a socket with unread input makes the
    kernel reset the connection, and the client would see that instead of the answer."""
    return environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))


def reply(status: str, body: bytes, content_type: str = "application/json"):
    def app(environ, start_response):
        drain(environ)
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return app


def slow(seconds: float):
    def app(environ, start_response):
        drain(environ)
        time.sleep(seconds)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"fsm": {"state": 1, "slots": {}}, "answers": []}']

    return app


FAILURES = {
    "status_500": reply("500 Internal Server Error", b'{"fsm": {"state": 1, "slots": {}}}'),
    "not_json": reply("200 OK", b"<html>oops</html>", "text/html"),
    "huge": reply("200 OK", b'{"fsm": {"state": 1, "slots": {}}, "answers": [{"text": "' + b"x" * (2 << 20) + b'"}]}'),
    "no_fsm": reply("200 OK", b'{"answers": [{"text": "hi"}]}'),
    "bad_slots": reply("200 OK", json.dumps({"fsm": {"state": 1, "slots": {"a b": "x"}}, "answers": []}).encode()),
    "number_slot": reply("200 OK", json.dumps({"fsm": {"state": 1, "slots": {"n": 5}}, "answers": []}).encode()),
    "bad_state": reply("200 OK", json.dumps({"fsm": {"state": 999, "slots": {}}, "answers": []}).encode()),
    "slow": slow(3.0),
}


@pytest.fixture(scope="session")
def seed_flask_url() -> Iterator[str]:
    from .seed_flask_extension import app

    yield from serve(app)


@pytest.fixture(scope="session")
def failure_urls() -> Iterator[dict[str, str]]:
    servers = {name: serve(app) for name, app in FAILURES.items()}
    urls = {name: next(server) for name, server in servers.items()}
    yield urls
    for server in servers.values():
        next(server, None)


def write_bot(folder: Path, script: str, servers: dict[str, str], timeout: str = "1s", token: str | None = None) -> Path:
    """A directory bot whose bubble.toml names `servers` (name -> url)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bot.bot").write_text(script, encoding="utf-8")
    lines = []
    for name, url in servers.items():
        lines += [f"[extensions.{name}]", f'url = "{url}"', f'timeout = "{timeout}"']
        if token:
            lines.append(f'token = "{token}"')
    (folder / "bubble.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
