"""Locks between PROCESSES, on the stores that several processes share (SQLite and Redis):
turns never overlap and no update is lost (reliability.md DUR-10); a holder killed mid-turn lets
the next one in (at once on SQLite, where the holder's death is visible; after the lock's
lifetime on Redis)."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from bubble_lang.runtime.session import STATE_VERSION
from bubble_lang.storage import StoreBusy

from .conftest import Backend, worker_command, worker_env

pytestmark = pytest.mark.stress


def test_two_processes_never_interleave_turns_of_one_conversation(shared_backend: Backend, tmp_path):
    turns, go = 25, tmp_path / "go"
    workers = [subprocess.Popen(worker_command("exclusion", shared_backend.url, "shared", str(turns), "0.004",
                                               str(go)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env())
               for _ in range(2)]
    for worker in workers:
        assert worker.stdout.readline().strip() == "READY", worker.stderr.read()
    go.touch()
    intervals = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        intervals.append([json.loads(line) for line in out.splitlines()])
    assert [len(mine) for mine in intervals] == [turns, turns]
    ordered = sorted([{**turn, "worker": n} for n, mine in enumerate(intervals) for turn in mine],
                     key=lambda turn: turn["start"])
    overlaps = [(a, b) for a, b in zip(ordered, ordered[1:]) if b["start"] < a["end"]]
    assert not overlaps, f"turns overlapped: {overlaps[:3]}"
    # Both processes really contended (else the test would prove nothing): their turns alternate.
    switches = sum(a["worker"] != b["worker"] for a, b in zip(ordered, ordered[1:]))
    assert switches >= 2, f"the workers did not contend: {[turn['worker'] for turn in ordered]}"
    store = shared_backend.open()
    assert store.load("shared").state["count"] == 2 * turns
    assert [entry.seq for entry in store.transcript("shared")] == list(range(1, 2 * turns + 1))


def test_a_holder_killed_mid_turn_lets_the_next_one_in(shared_backend: Backend):
    lifetime = 1.5
    holder = subprocess.Popen(worker_command("hold", shared_backend.url, "c", str(lifetime)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env())
    try:
        assert holder.stdout.readline().strip() == "LOCKED", holder.stderr.read()
        store = shared_backend.open()
        with pytest.raises(StoreBusy), store.begin_turn("c", wait_seconds=0.2):
            pass  # the holder is alive: the lock holds
    finally:
        holder.kill()
        holder.wait()
    killed = time.monotonic()
    with store.begin_turn("c", wait_seconds=30) as turn:
        waited = time.monotonic() - killed
        assert turn.state is None
        turn.commit({"version": STATE_VERSION, "count": 1}, [])
    assert store.load("c").revision == 1
    assert store.load_user("hold", "u") == {}  # the dead holder's staged write never landed
    assert waited < lifetime + 10  # generous: the point is that it is bounded, not how fast
