"""Several workers, one Redis (SPEC §14–§15): `bubble serve --workers 3 --store redis://…` as a real
process tree on 127.0.0.1, a real redis-server with an append-only file, and 200 WebSocket clients
that reconnect (to whichever worker the kernel hands them) before every turn. Under that load one
worker is killed with -9, the bot is edited (a broken edit, then a good one) and Redis is
restarted. Asserted: no acknowledged turn lost or played twice (each client's counter goes 1…N),
every frame seen exactly once and in order (`seq` only grows), every timer fired exactly once,
and every worker ends on the same revision.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import redis_server_binary
from tests.serve.conftest import free_port

DROPPED = (OSError, EOFError, asyncio.TimeoutError, websockets.exceptions.WebSocketException)  # a worker died
CLIENTS = 200
TICKS = 6
BOT = '''dialog main do
  count = 0
  pings = 0
  say "ready"
end

dialog trigger: "tick" do
  count = count + 1
  say "count #{count}"
end

dialog trigger: "later" do
  emit "ping", in: "1s"
  say "SCHEDULED"
end

dialog event: "ping" do
  pings = pings + 1
  say "ping #{pings}"
end
'''


class RedisProcess:
    """A redis-server that keeps its data across a restart (append-only file, fsync always)."""

    def __init__(self, folder: Path):
        self.binary = redis_server_binary()
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.binary is not None
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


class Client:
    """One user: a session, a counter it expects to grow by one per tick, frames checked by seq."""

    def __init__(self, url: str, number: int):
        self.url = url
        self.number = number
        self.session: dict[str, str] | None = None
        self.last_seq = 0
        self.texts: list[str] = []
        self.problems: list[str] = []

    def take(self, frame: dict) -> None:
        if "seq" not in frame:
            return
        if frame["seq"] <= self.last_seq:
            self.problems.append(f"frame {frame['seq']} after {self.last_seq}: seen twice or out of order")
        self.last_seq = max(self.last_seq, frame["seq"])
        if frame.get("text"):
            self.texts.append(frame["text"])

    async def connect(self):
        for attempt in range(200):
            try:
                ws = await websockets.connect(self.url, open_timeout=5)
                hello = {"type": "hello", "v": 1}
                if self.session:
                    hello.update(session_id=self.session["session_id"], token=self.session["token"],
                                 last_seq=self.last_seq)
                await ws.send(json.dumps(hello))
                welcome = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if welcome["type"] == "welcome":
                    self.session = {"session_id": welcome["session_id"], "token": welcome["token"]}
                    return ws
                await ws.close()  # `unavailable` while Redis is away: try again
            except DROPPED:
                pass
            await asyncio.sleep(min(2.0, 0.05 * 2 ** min(attempt, 6)) * random.uniform(0.5, 1))
        raise AssertionError(f"client {self.number} could not connect")

    async def turn(self, text: str, frame_id: str) -> None:
        """Send one message, on a fresh connection, until its ack (sent again after any failure)."""
        for _ in range(200):
            ws = await self.connect()
            try:
                await ws.send(json.dumps({"type": "message", "id": frame_id, "text": text}))
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
                    if frame["type"] == "ack" and frame["id"] == frame_id:
                        return
                    if frame["type"] == "error" and frame.get("id") == frame_id:
                        break  # not played (unavailable, shutting down): send it again
                    self.take(frame)
            except DROPPED:
                pass
            finally:
                await ws.close()
            await asyncio.sleep(random.uniform(0.05, 0.3))
        raise AssertionError(f"client {self.number}: `{text}` never acknowledged")

    async def settle(self, wanted: str, seconds: float = 60) -> None:
        """Reconnect until `wanted` has been shown (a timer's output, delivered live or replayed)."""
        deadline = time.monotonic() + seconds
        while wanted not in self.texts and time.monotonic() < deadline:
            ws = await self.connect()
            try:
                while wanted not in self.texts:
                    self.take(json.loads(await asyncio.wait_for(ws.recv(), 1)))
            except DROPPED:
                pass
            finally:
                await ws.close()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to find the workers")
def test_three_workers_one_redis_under_failures(tmp_path):
    redis_folder = tmp_path / "redis"
    redis_folder.mkdir()
    redis_server = RedisProcess(redis_folder)
    redis_server.start()
    bot_folder = tmp_path / "bot"
    bot_folder.mkdir()
    bot = bot_folder / "counter.bot"
    bot.write_text(BOT)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bubble_lang", "serve", str(bot), "--workers", "3", "--port",
                               str(port), "--store", redis_server.url, "--reload", "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("wb"),
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while len({pid for pid in (_health(base).get("pid") for _ in range(12)) if pid}) < 3:
            assert time.monotonic() < deadline, "three workers did not come up"
            time.sleep(0.2)
        old_revision = _health(base)["revision"]
        clients = [Client(f"ws://127.0.0.1:{port}/ws", n) for n in range(CLIENTS)]

        async def one(client: Client) -> None:
            for tick in range(TICKS):
                await client.turn("tick", f"c{client.number}-t{tick}")
                if tick == 1:
                    await client.turn("later", f"c{client.number}-later")
                await asyncio.sleep(random.uniform(0, 0.2))

        async def trouble() -> None:
            await asyncio.sleep(1.0)
            victim = random.choice(children(server.pid))
            os.kill(victim, signal.SIGKILL)  # a worker dies mid-load; the parent starts it again
            await asyncio.sleep(1.0)
            bot.write_text(BOT + "\ndialog trigger: \"broken\" do\n  say \"unclosed\n")  # does not compile
            await asyncio.sleep(1.5)
            bot.write_text(BOT.replace("SCHEDULED", "Scheduled."))  # a good edit
            await asyncio.sleep(1.0)
            redis_server.stop()  # Redis goes away for a moment, and comes back with its data
            await asyncio.sleep(1.0)
            redis_server.start()

        async def everything() -> None:
            await asyncio.gather(trouble(), *(one(client) for client in clients))
            await asyncio.gather(*(client.settle("ping 1") for client in clients))

        asyncio.run(everything())
        for client in clients:
            counts = [text for text in client.texts if text.startswith("count ")]
            assert counts == [f"count {n}" for n in range(1, TICKS + 1)], (client.number, client.texts)
            assert client.texts.count("ready") == 1
            assert [t for t in client.texts if t.startswith("ping ")] == ["ping 1"], (client.number, client.texts)
            assert client.problems == [], (client.number, client.problems)
        deadline = time.monotonic() + 20
        while True:  # every worker serves the good edit
            revisions = {_health(base).get("revision") for _ in range(20)}
            if len(revisions) == 1 and old_revision not in revisions:
                break
            assert time.monotonic() < deadline, f"workers on different revisions: {revisions}"
            time.sleep(0.3)
        assert len(children(server.pid)) == 3
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        redis_server.stop()
    errors = (tmp_path / "server.log").read_text()
    assert "Traceback" not in errors, errors[-3000:]


def _health(base: str) -> dict:
    try:
        return httpx.get(base + "/healthz", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return {}
