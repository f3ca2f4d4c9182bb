"""Benchmark: the 5-turn pizza order for N interleaved users, bubble against Chatsky in one run.

    python tools/bench/pizza.py [--users 1000] [--global-triggers 1000] [--no-peer]

Plays `samples/pizza.bot` in memory exactly as `../shared/bench/peers/README.md` describes (turn 1
of every user, then turn 2, ...), checks every reply, and times each turn (`send_text`). Then runs
Chatsky 0.10.0's version of the same conversation (`shared/bench/peers/chatsky_pizza.py`) in a
virtual environment this script creates on first use ($CHATSKY_VENV, default ~/.venvs/chatsky),
and prints one JSON line with both results and the ratios. Also measured: memory per live
conversation (tracemalloc over N users mid-conversation), the same bot with K extra global
trigger dialogs (the index keeps their cost flat), and cold start (process start to first reply).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PEERS = ROOT.parent / "shared" / "bench" / "peers"
PIZZA = ROOT / "samples" / "pizza.bot"

SCRIPT = [
    ("hi", "Welcome to Pizza Bot! Which pizza would you like? We have margherita, pepperoni, hawaii."),
    ("sushi", "Sorry, 'sushi' is not on the menu. Please choose margherita, pepperoni or hawaii."),
    ("pepperoni", "How many pepperoni pizzas?"),
    ("2", "So that is 2 x pepperoni. Shall I place the order? (yes/no)"),
    ("yes", "Your order is placed. Goodbye!"),
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def replies(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


def play(bot_path: Path, users: int, *, check: bool = True, store: object = None) -> dict:
    from bubble_lang.engine.bot import load_bot

    bot = load_bot(bot_path)
    if store is None:
        conversations = [bot.conversation(f"user{i}") for i in range(users)]
    else:
        from bubble_lang.engine.durable import DurableConversation

        conversations = [DurableConversation(bot, store, f"user{i}-{time.time_ns()}") for i in range(users)]
    latencies: list[float] = []
    gc.collect()
    start = time.perf_counter()
    for text, expected in SCRIPT:
        for conversation in conversations:
            t0 = time.perf_counter()
            outputs = conversation.send_text(text)
            latencies.append((time.perf_counter() - t0) * 1000)
            if check:
                got = replies(outputs)
                if got != [expected]:
                    raise SystemExit(f"wrong reply to {text!r}: {got!r}, expected {[expected]!r}")
    wall = time.perf_counter() - start
    return {"turns": len(latencies), "wall_s": round(wall, 3), "turns_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(percentile(latencies, 50), 4), "p99_ms": round(percentile(latencies, 99), 4),
            "max_ms": round(max(latencies), 3), "mean_ms": round(statistics.fmean(latencies), 4)}


def memory_per_conversation(users: int) -> float:
    """Bytes per live conversation, three turns in (waiting mid-ask), via tracemalloc."""
    from bubble_lang.engine.bot import load_bot

    bot = load_bot(PIZZA)
    bot.conversation("warm").send_text("hi")
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    conversations = [bot.conversation(f"m{i}") for i in range(users)]
    for text, _ in SCRIPT[:3]:
        for conversation in conversations:
            conversation.send_text(text)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return grown / users


def with_triggers(count: int, folder: Path) -> Path:
    """The pizza bot plus `count` global trigger dialogs that never match the conversation."""
    extra = "\n".join(f'dialog trigger: "keyword{i} please", do: say "extra {i}"' for i in range(count))
    path = folder / f"pizza_{count}.bot"
    path.write_text(PIZZA.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return path


def cold_start() -> float:
    """Process start to first reply: the parent notes the wall clock just before it spawns the
    interpreter, the child prints the wall clock right after the first reply (interpreter
    start-up, imports, loading the bot and the first turn included; the child's exit is not)."""
    code = ("import sys, time; sys.path.insert(0, %r);"
            "from bubble_lang.engine.bot import load_bot;"
            "c = load_bot(%r).conversation('x'); r = c.send_text('hi');"
            "assert r and r[-1].text.startswith('Welcome'), r; print(time.time())") % (str(ROOT), str(PIZZA))
    runs = []
    for _ in range(4):
        start = time.time()
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        runs.append(float(done.stdout.strip()) - start)
    return min(runs[1:])  # the first run may build the grammar cache


def open_bench_store(kind: str, folder: Path):
    """A fresh store of `kind` for one measurement (Redis: a real redis-server on a free port)."""
    from bubble_lang.storage import open_store

    if kind == "sqlite":
        return open_store(f"sqlite:///{folder / 'bench.sqlite'}", folder), None
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
        except OSError:
            time.sleep(0.05)
    return open_store(f"redis://127.0.0.1:{port}/0", folder), server


def chatsky_python() -> Path:
    """The interpreter of the Chatsky virtual environment ($CHATSKY_VENV, default
    ~/.venvs/chatsky), created with Chatsky 0.10.0 on first use (also by `serve_load.py`)."""
    venv = Path(os.environ.get("CHATSKY_VENV", Path.home() / ".venvs" / "chatsky"))
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "chatsky[sqlite,json,yaml]==0.10.0",
                        "sqlalchemy[asyncio]<2.1"], check=True)
    return python


def chatsky(users: int, storage: str = "memory") -> dict | None:
    python = chatsky_python()
    script = PEERS / "chatsky_pizza.py"
    if not script.exists():
        return None
    result = subprocess.run([str(python), str(script), "--users", str(users), "--storage", storage],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--users", type=int, default=1000)
    options.add_argument("--global-triggers", type=int, default=1000)
    options.add_argument("--no-peer", action="store_true", help="skip Chatsky")
    options.add_argument("--store", choices=("memory", "sqlite", "redis"), default="memory",
                         help="sqlite/redis: every turn locks, loads and commits (Chatsky runs with its SQLite storage)")
    args = options.parse_args()
    if args.store != "memory":
        with tempfile.TemporaryDirectory() as folder:
            store, server = open_bench_store(args.store, Path(folder))
            try:
                play(PIZZA, 20, store=store)
                ours = play(PIZZA, args.users, store=store)
            finally:
                store.close()
                if server is not None:
                    server.terminate()
                    server.wait()
        report = {"store": args.store, "bubble": ours}
        if not args.no_peer and args.store == "sqlite":
            peer = chatsky(args.users, "sqlite")
            if peer is not None:
                report["chatsky_sqlite"] = peer
                report["ratio_turns_per_s"] = round(ours["turns_per_s"] / peer["turns_per_s"], 1)
                report["ratio_p50"] = round(peer["p50_ms"] / ours["p50_ms"], 1)
        report["targets"] = {"ratio_turns_per_s": ">= 40", "p50_ms": "<= 1.5"}
        print(json.dumps(report))
        return

    play(PIZZA, 20)  # warm-up, discarded
    ours = play(PIZZA, args.users)
    report: dict = {"bubble": ours}
    with tempfile.TemporaryDirectory() as folder:
        bigger = with_triggers(args.global_triggers, Path(folder))
        play(bigger, 20)
        report["bubble_with_triggers"] = {"global_triggers": args.global_triggers, **play(bigger, args.users)}
    report["trigger_cost_ratio_p50"] = round(report["bubble_with_triggers"]["p50_ms"] / ours["p50_ms"], 2)
    report["memory_per_conversation_bytes"] = round(memory_per_conversation(args.users))
    report["cold_start_s"] = round(cold_start(), 3)
    if not args.no_peer:
        peer = chatsky(args.users)
        if peer is not None:
            report["chatsky"] = peer
            report["ratio_turns_per_s"] = round(ours["turns_per_s"] / peer["turns_per_s"], 1)
            report["ratio_p50"] = round(peer["p50_ms"] / ours["p50_ms"], 1)
            report["ratio_p99"] = round(peer["p99_ms"] / ours["p99_ms"], 1)
    report["targets"] = {"ratio_turns_per_s": ">= 12 (goal 20)", "p99_ms": "<= 0.5",
                         "memory_per_conversation_bytes": "<= 3072",
                         "trigger_cost_ratio_p50": "<= 2", "cold_start_s": "<= 0.3"}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
