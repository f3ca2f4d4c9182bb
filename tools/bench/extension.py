"""Benchmark: what a turn with one extension call costs over the call itself (SPEC §11).

    python tools/bench/extension.py [--turns 2000]

Starts an extension server written with `bubble_lang.extensions` in its own process on a free
127.0.0.1 port (behind the standard library's threaded HTTP/1.1 server, so connections are kept
alive as a Go server keeps them), then times, in one run, against that server:

- `call`: the HTTP call alone — one `httpx.AsyncClient` POSTing Chatto's request body for the
  same conversation (what any client must spend: the round trip and the server's work);
- `turn+call`: `Runner.send_text` of a message whose dialog makes that call (the VM stops at
  `extension`, the host calls, the turn resumes and applies the answer, then commits);
- `turn`: the same turn with the `extension` line removed (the turn's own cost, for reference).

and prints one JSON line with each p50/p99 in ms and `overhead_p50_ms` = turn+call − call (the
target is ≤ 2 ms). Needs only the core install.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SERVER = '''
import io, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from bubble_lang.extensions import ExtensionApp

app = ExtensionApp()

@app.extension("lookup")
def lookup(call):
    hits = int(call.slots.get("hits", "0")) + 1
    return call.reply(["found " + call.question], slots={"hits": hits})

class KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # connections stay open, as with Chatto's Go servers
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def do_POST(self):
        size = int(self.headers["Content-Length"])
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": self.path, "CONTENT_LENGTH": str(size),
                   "wsgi.input": io.BytesIO(self.rfile.read(size))}
        status, answer = app.respond(environ)
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), KeepAlive).serve_forever()
'''

BOT = '''
dialog main do
  hits = 0
  say "ready"
end

dialog trigger: "find" do
  extension "lookup", server: "books"
  say "hits #{hits}"
end
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the extension server did not start")


def write_bot(folder: Path, port: int, with_call: bool) -> Path:
    folder.mkdir(parents=True)
    script = BOT if with_call else BOT.replace('  extension "lookup", server: "books"\n', "")
    (folder / "bot.bot").write_text(script, encoding="utf-8")
    (folder / "bubble.toml").write_text(f'[extensions.books]\nurl = "http://127.0.0.1:{port}"\n', encoding="utf-8")
    return folder


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 3)}


async def time_turns(folder: Path, turns: int, expect: str) -> list[float]:
    from bubble_lang.engine.bot import load_bot
    from bubble_lang.engine.runner import Runner

    times = []
    async with Runner(load_bot(folder), channel="bench") as runner:
        await runner.open("c")
        for i in range(turns):
            started = time.perf_counter()
            outputs = await runner.send_text("c", f"find dune {i}")
            times.append(time.perf_counter() - started)
            said = [o.text for o in outputs if o.kind == "text"]
            if not said or expect not in said[-1]:
                raise SystemExit(f"unexpected reply {said!r}")
    return times


async def time_calls(folder: Path, port: int, turns: int) -> list[float]:
    """The bare HTTP call: Chatto's body for this conversation, POSTed on a kept-alive connection."""
    import httpx

    from bubble_lang.engine.bot import load_bot
    from bubble_lang.extensions.chatto_wire import go_json, request_body, state_table

    bot = load_bot(folder)
    table = state_table(bot.image)
    times = []
    async with httpx.AsyncClient() as client:
        for i in range(turns):
            body = go_json(request_body(_request(i), table, bot.image.config.error_text))
            started = time.perf_counter()
            response = await client.post(f"http://127.0.0.1:{port}/extension", content=body,
                                         headers={"Content-Type": "application/json"})
            json.loads(response.content)
            times.append(time.perf_counter() - started)
    return times


def _request(i: int):
    from bubble_lang.runtime.inputs import ExtensionRequest

    return ExtensionRequest(id=str(i), server="books", name="lookup", slots={"hits": str(i)},
                            question=f"find dune {i}", sender="c", command="find",
                            dialog="trigger", state=2, channel="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT)
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as tmp:
            with_call = write_bot(Path(tmp) / "with", port, True)
            without = write_bot(Path(tmp) / "without", port, False)
            warm = max(50, args.turns // 10)
            asyncio.run(time_calls(with_call, port, warm))
            call = asyncio.run(time_calls(with_call, port, args.turns))
            turn_call = asyncio.run(time_turns(with_call, args.turns, "hits"))
            turn = asyncio.run(time_turns(without, args.turns, "hits 0"))
    finally:
        server.terminate()
        server.wait()
    result = {"turns": args.turns, "call": summary(call), "turn+call": summary(turn_call), "turn": summary(turn)}
    result["overhead_p50_ms"] = round(result["turn+call"]["p50_ms"] - result["call"]["p50_ms"], 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
