"""Load benchmark: N concurrent WebSocket clients play the 5-turn pizza order, bubble against Chatsky.

    python tools/bench/serve_load.py [--users 1000] [--rate 500] [--no-peer] [--timeout 120]

Both servers run in their own process on 127.0.0.1, under uvicorn with the same WebSocket
implementation and the same event loop (uvloop, installed in both environments; each server's
`event_loop` is in the report); the clients run here (one asyncio process, `websockets`, no compression):

* bubble: `samples/pizza.bot` behind the BESSER-compatible endpoint (`bubble_lang.serve.besser`),
  plain `{"action": "user_message", "message": text}` frames; a turn ends when every frame the turn
  must produce has arrived (the reply, plus the option pills of a question with choices).
* Chatsky 0.10.0: `shared/bench/peers/chatsky_ws_server.py` (FastAPI + uvicorn + Chatsky's
  `CallbackMessengerInterface`, plain-text frames) in the virtual environment `pizza.py` makes
  (fastapi, uvicorn and websockets are added to it when missing).

Every reply is checked against `pizza.py`'s SCRIPT. Each server is measured twice, with fresh
connections (and so fresh conversations) each time:

1. `saturated`: all N clients connected, then all play their 5 turns back to back (closed loop).
   Gives the server's capacity in turns/s; latency here is mostly queueing (N in flight).
2. `paced`: all N clients connected, the same offered load for both servers (`--rate` turns/s in
   total: each client sends a turn every N/rate seconds, clients evenly staggered). Gives the
   latency a user sees at that load.

Also: errors (wrong reply, timeout, refused connection), server RSS after each phase and its peak
(VmHWM). Prints one JSON line with both servers, the ratios, and the targets (bubble p99 ≤ 50 ms
when paced, saturated turns/s ≥ 5× Chatsky's). `--serve-bubble PORT` is the server side (run by
this script in a subprocess).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pizza import PEERS, PIZZA, ROOT, SCRIPT, chatsky_python, percentile  # noqa: E402

#: What bubble's BESSER endpoint sends for each turn of SCRIPT: the reply, and the option pills of
#: a question that has choices (the pizza list; yes/no).
MENU = '{"0": "margherita", "1": "pepperoni", "2": "hawaii"}'
BUBBLE_PILLS = [MENU, MENU, None, '{"0": "yes", "1": "no"}', None]
TURN_TIMEOUT = 30.0
CONNECT_AT_ONCE = 64


# ---------------------------------------------------------------------------------- servers
def serve_bubble(port: int, gc_default: bool = False) -> None:
    """The server side: the pizza bot behind the BESSER endpoint, on uvicorn, in memory, with the
    collector tuned for serving (`gcpause.tune_for_serving`) unless `gc_default`."""
    import uvicorn

    from bubble_lang.engine.bot import load_bot
    from bubble_lang.engine.runner import Runner
    from bubble_lang.gcpause import tune_for_serving
    from bubble_lang.serve.besser import besser_app

    runner = Runner(load_bot(PIZZA))
    app = besser_app(runner, manage_runner=True)
    if not gc_default:
        tune_for_serving()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], port: int, cwd: Path) -> subprocess.Popen:
    """Start a server and wait until its port accepts connections."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server did not start: {' '.join(command)}")


def rss_mib(pid: int) -> dict[str, float]:
    """Resident and peak resident memory of a process, from /proc (MiB)."""
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key = "rss_mib" if line.startswith("VmRSS") else "peak_rss_mib"
                found[key] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/PID/stat), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ensure_web_packages(python: Path) -> None:
    """Chatsky's WebSocket server needs fastapi, uvicorn and websockets in its environment, and
    uvloop, so that both servers run on the same event loop (bubble's `serve` extra brings it)."""
    probe = subprocess.run([str(python), "-c", "import fastapi, uvicorn, websockets, uvloop"], capture_output=True)
    if probe.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "fastapi", "uvicorn", "websockets", "uvloop"],
                       check=True)


def event_loop_of(python: str) -> str:
    """The event loop uvicorn picks in that environment ("uvloop" when installed, else "asyncio")."""
    probe = subprocess.run([python, "-c", "import uvloop"], capture_output=True)
    return "asyncio" if probe.returncode else "uvloop"


# ---------------------------------------------------------------------------------- clients
class Peer:
    """How to talk to one server: its URL per client, how a message is framed, and the frames
    each turn must bring back (as the client reads them)."""

    def __init__(self, name: str, url: Callable[[str], str], encode: Callable[[str], str],
                 decode: Callable[[str], Any], expected: list[list[Any]]):
        self.name, self.url, self.encode, self.decode, self.expected = name, url, encode, decode, expected


def bubble_peer(port: int) -> Peer:
    expected = []
    for (_, reply), pills in zip(SCRIPT, BUBBLE_PILLS):
        frames = [{"action": "bot_reply_str", "message": reply}]
        if pills:
            frames.append({"action": "bot_reply_options", "message": pills})
        expected.append(frames)
    return Peer("bubble", lambda _cid: f"ws://127.0.0.1:{port}/",
                lambda text: json.dumps({"action": "user_message", "message": text}), json.loads, expected)


def chatsky_peer(port: int) -> Peer:
    return Peer("chatsky", lambda cid: f"ws://127.0.0.1:{port}/ws/{cid}", lambda text: text, lambda raw: raw,
                [[reply] for _, reply in SCRIPT])


async def connect_all(peer: Peer, users: int, tag: str, errors: list[str]) -> list[Any]:
    """N open sockets (None for each refused one), opened CONNECT_AT_ONCE at a time."""
    from websockets.asyncio.client import connect

    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def one(index: int) -> Any:
        async with gate:
            try:
                return await connect(peer.url(f"{tag}-{index}"), compression=None, max_size=None,
                                     open_timeout=TURN_TIMEOUT, ping_interval=None)
            except Exception as error:  # noqa: BLE001 - counted, the run goes on
                errors.append(f"connect: {type(error).__name__}: {error}")
                return None

    return await asyncio.gather(*(one(i) for i in range(users)))


async def play(peer: Peer, socket_: Any, start_at: float, interval: float, latencies: list[float],
               errors: list[str]) -> None:
    """One client's 5 turns: each timed from send to the last frame the turn must bring."""
    loop = asyncio.get_running_loop()
    for number, ((text, _), expected) in enumerate(zip(SCRIPT, peer.expected)):
        if interval:
            delay = start_at + number * interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        began = time.perf_counter()
        try:
            await socket_.send(peer.encode(text))
            for want in expected:
                got = peer.decode(await asyncio.wait_for(socket_.recv(), TURN_TIMEOUT))
                if got != want:
                    errors.append(f"turn {number + 1}: got {got!r}, expected {want!r}")
                    return
        except Exception as error:  # noqa: BLE001 - a timeout or a dropped socket is an error, counted
            errors.append(f"turn {number + 1}: {type(error).__name__}: {error}")
            return
        latencies.append((time.perf_counter() - began) * 1000)


async def phase(peer: Peer, users: int, tag: str, *, rate: float | None, timeout: float, pid: int) -> dict[str, Any]:
    """Connect N clients, then play every conversation: back to back (rate None) or paced. The
    server's CPU time over the turns (not the connects) gives its cost per turn, which does not
    depend on how fast this one client process can drive it."""
    errors: list[str] = []
    began = time.perf_counter()
    sockets = await connect_all(peer, users, tag, errors)
    connect_s = time.perf_counter() - began
    latencies: list[float] = []
    loop = asyncio.get_running_loop()
    interval = users / rate if rate else 0.0
    first = loop.time() + 0.2
    tasks = [asyncio.create_task(play(peer, s, first + (i / users) * interval, interval, latencies, errors))
             for i, s in enumerate(sockets) if s is not None]
    started, cpu_before = time.perf_counter(), cpu_seconds(pid)
    done, pending = await asyncio.wait(tasks, timeout=timeout) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    wall = time.perf_counter() - started - (0.2 if rate else 0.0)
    server_cpu = cpu_seconds(pid) - cpu_before
    if pending:
        errors.append(f"{len(pending)} clients did not finish within {timeout:g} s")
    await asyncio.gather(*(s.close() for s in sockets if s is not None), return_exceptions=True)
    turns = len(latencies)
    result: dict[str, Any] = {"users": users, "turns": turns, "errors": len(errors),
                              "connect_s": round(connect_s, 3), "wall_s": round(wall, 3),
                              "turns_per_s": round(turns / wall, 1) if wall > 0 else 0.0}
    if rate:
        result["offered_turns_per_s"] = rate
    if turns:
        result["server_cpu_ms_per_turn"] = round(server_cpu * 1000 / turns, 3)
    if latencies:
        result.update(p50_ms=round(percentile(latencies, 50), 2), p99_ms=round(percentile(latencies, 99), 2),
                      max_ms=round(max(latencies), 2), mean_ms=round(statistics.fmean(latencies), 2))
    if errors:
        result["first_errors"] = errors[:3]
    return result


async def measure(peer: Peer, pid: int, users: int, rate: float, timeout: float) -> dict[str, Any]:
    await phase(peer, min(20, users), "warm", rate=None, timeout=timeout, pid=pid)  # warm-up, discarded
    saturated = await phase(peer, users, "sat", rate=None, timeout=timeout, pid=pid)
    saturated.update(rss_mib(pid))
    paced = await phase(peer, users, "paced", rate=rate, timeout=timeout, pid=pid)
    paced.update(rss_mib(pid))
    return {"saturated": saturated, "paced": paced}


def run_server(name: str, users: int, rate: float, timeout: float, gc_default: bool = False) -> dict[str, Any]:
    port = free_port()
    if name == "bubble":
        command = [sys.executable, str(Path(__file__).resolve()), "--serve-bubble", str(port)]
        command += ["--gc-default"] if gc_default else []
        process, peer = start(command, port, ROOT), bubble_peer(port)
    else:
        python = chatsky_python()
        ensure_web_packages(python)
        command = [str(python), str(PEERS / "chatsky_ws_server.py"), "--port", str(port)]
        process, peer = start(command, port, PEERS), chatsky_peer(port)
    loop = event_loop_of(command[0])
    try:
        return {"event_loop": loop, **asyncio.run(measure(peer, process.pid, users, rate, timeout))}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--users", type=int, default=1000, help="concurrent clients (one conversation each)")
    options.add_argument("--rate", type=float, default=500.0, help="offered turns/s in total in the paced phase")
    options.add_argument("--timeout", type=float, default=120.0, help="seconds a phase may take at most")
    options.add_argument("--no-peer", action="store_true", help="skip Chatsky")
    options.add_argument("--gc-default", action="store_true",
                         help="run bubble's server with Python's default collector settings")
    options.add_argument("--serve-bubble", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.serve_bubble:
        serve_bubble(args.serve_bubble, args.gc_default)
        return
    report: dict[str, Any] = {"users": args.users, "rate": args.rate, "cpus": os.cpu_count(),
                              "gc": "default" if args.gc_default else "tune_for_serving",
                              "bubble": run_server("bubble", args.users, args.rate, args.timeout, args.gc_default)}
    if not args.no_peer and (PEERS / "chatsky_ws_server.py").exists():
        peer = run_server("chatsky", args.users, args.rate, args.timeout)
        report["chatsky"] = peer
        ours = report["bubble"]
        if peer["saturated"]["turns_per_s"]:
            report["ratio_turns_per_s"] = round(ours["saturated"]["turns_per_s"] / peer["saturated"]["turns_per_s"], 2)
        if ours["saturated"].get("server_cpu_ms_per_turn") and peer["saturated"].get("server_cpu_ms_per_turn"):
            report["ratio_server_cpu_per_turn"] = round(peer["saturated"]["server_cpu_ms_per_turn"]
                                                        / ours["saturated"]["server_cpu_ms_per_turn"], 2)
        if ours["paced"].get("p99_ms") and peer["paced"].get("p99_ms"):
            report["ratio_p99_paced"] = round(peer["paced"]["p99_ms"] / ours["paced"]["p99_ms"], 2)
    report["targets"] = {"bubble.paced.p99_ms": "<= 50", "ratio_turns_per_s": ">= 5"}
    report["cmd"] = "python tools/bench/serve_load.py " + " ".join(sys.argv[1:])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
