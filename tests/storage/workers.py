"""Child processes of the multi-process store tests (run as `python tests/storage/workers.py MODE …`).

Modes:
  exclusion URL CONVERSATION TURNS SLEEP GO  prints READY, waits for the file GO, then plays turns
                                           that increment a counter, printing each turn's times
  hold URL CONVERSATION LOCK_SECONDS       takes a conversation's lock, prints LOCKED, never commits
  kill DB SEED                             plays the kill-test plan, printing `ACK id n` after each commit

The kill plan and its state step are also imported by the test, which replays them unkilled.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from typing import Any

from bubble_lang.runtime.session import STATE_VERSION

CONVERSATIONS = 100
TURNS_PER_CONVERSATION = 10
USERS = 10


def kill_plan(seed: int) -> list[tuple[str, int]]:
    """1 000 turns over 100 conversations, interleaved at random but each conversation in order."""
    slots = [f"c{index:03d}" for index in range(CONVERSATIONS) for _ in range(TURNS_PER_CONVERSATION)]
    random.Random(seed).shuffle(slots)
    seen: dict[str, int] = {}
    plan = []
    for conversation in slots:
        seen[conversation] = seen.get(conversation, 0) + 1
        plan.append((conversation, seen[conversation]))
    return plan


def digest_after(conversation: str, turn: int) -> str:
    """The chained digest a conversation's state carries after `turn` turns."""
    digest = ""
    for number in range(1, turn + 1):
        digest = hashlib.sha256(f"{digest}|{conversation}:{number}".encode()).hexdigest()[:16]
    return digest


def user_of(conversation: str) -> str:
    return f"u{int(conversation[1:]) % USERS}"


def next_state(previous: dict[str, Any] | None, conversation: str, turn: int) -> dict[str, Any]:
    """The state after `turn`, computed only from the state before it (as a VM turn would be)."""
    before = previous or {"version": STATE_VERSION, "conversation": conversation, "count": 0, "digest": "", "recent": []}
    digest = hashlib.sha256(f"{before['digest']}|{conversation}:{turn}".encode()).hexdigest()[:16]
    return {"version": STATE_VERSION, "conversation": conversation, "count": before["count"] + 1, "digest": digest,
            "recent": (before["recent"] + [turn])[-3:]}


def play_turn(store: Any, conversation: str, turn: int) -> bool:
    """One planned turn: state, transcript entry, user record and timers in one commit.
    Returns False when the turn was already committed before (a restart after a kill)."""
    with store.begin_turn(conversation) as current:
        if current.find_message(f"{conversation}:{turn}") is not None:
            return False
        if current.revision != turn - 1:
            raise SystemExit(f"{conversation}: revision {current.revision} before planned turn {turn}")
        user = current.load_user("kill", user_of(conversation))
        user["turns"] = user.get("turns", 0) + 1
        user[conversation] = turn
        current.save_user("kill", user_of(conversation), user)
        current.cancel(f"{conversation}/{turn - 1}")
        current.schedule(f"{conversation}/{turn}", 1000.0 + turn, {"turn": turn})
        current.commit(next_state(current.state, conversation, turn),
                       [{"kind": "text", "text": f"{conversation} turn {turn}"}],
                       input={"text": f"message {turn}"}, message_id=f"{conversation}:{turn}")
    return True


def run_kill(db: str, seed: int) -> None:
    from bubble_lang.storage import SqliteStore

    store = SqliteStore(db)
    for conversation, turn in kill_plan(seed):
        if play_turn(store, conversation, turn):
            sys.stdout.write(f"ACK {conversation} {turn}\n")
            sys.stdout.flush()
    sys.stdout.write("DONE\n")
    sys.stdout.flush()


def run_exclusion(url: str, conversation: str, turns: int, sleep: float, go: str) -> None:
    from pathlib import Path

    from bubble_lang.storage import open_store

    store = open_store(url, ".", environ={}, wait_seconds=60)
    print("READY", flush=True)
    while not Path(go).exists():  # both workers start their turns together
        time.sleep(0.001)
    for _ in range(turns):
        with store.begin_turn(conversation) as current:
            start = time.monotonic()
            count = current.state["count"] if current.state else 0
            time.sleep(sleep)
            end = time.monotonic()
            current.commit({"version": STATE_VERSION, "count": count + 1}, [])
        print(json.dumps({"start": start, "end": end}), flush=True)
        time.sleep(0.02)  # a client's think time, longer than a waiter's longest backoff (10 ms)
    store.close()


def run_hold(url: str, conversation: str, lock_seconds: float) -> None:
    from bubble_lang.storage import open_store

    store = open_store(url, ".", environ={})
    with store.begin_turn(conversation, lock_seconds=lock_seconds) as current:
        current.save_user("hold", "u", {"never": "committed"})
        print("LOCKED", flush=True)
        time.sleep(3600)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "kill":
        run_kill(args[0], int(args[1]))
    elif mode == "exclusion":
        run_exclusion(args[0], args[1], int(args[2]), float(args[3]), args[4])
    elif mode == "hold":
        run_hold(args[0], args[1], float(args[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")
