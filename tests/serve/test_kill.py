"""kill -9 of `bubble serve` while turns are in flight, then a restart: every acknowledged turn is
kept, and after the client resumes and resends what was not acknowledged, each message has been
answered exactly once."""

from __future__ import annotations

import re
import shutil
import signal
import time

import pytest
from websockets.exceptions import ConnectionClosed

from .conftest import BOT, Client
from .test_shutdown import free_port, start

MESSAGES = 150


def test_kill_9_mid_turn_loses_no_acknowledged_turn_and_plays_none_twice(tmp_path):
    shutil.copy(BOT, tmp_path / "serve.bot")
    (tmp_path / "bubble.toml").write_text("[limits]\nmessages_per_second = 10000.0\nmessage_burst = 10000\n")
    port = free_port()
    process = start(tmp_path, port, tmp_path)  # a folder bot: its bubble.toml raises the rate
    frames: list[dict] = []
    try:
        c = Client(f"ws://127.0.0.1:{port}/ws")
        c.send({"type": "hello", "v": 1})
        welcome = c.recv()
        frames.append(c.recv())
        for number in range(MESSAGES):
            c.send({"type": "message", "id": f"m{number}", "text": f"number {number}"})
        while len([f for f in frames if f["type"] == "ack"]) < MESSAGES // 3:
            frames.append(c.recv(timeout=10))
        process.send_signal(signal.SIGKILL)  # turns are in flight: about two thirds are not acked yet
        with pytest.raises((ConnectionClosed, TimeoutError)):
            while True:
                frames.append(c.recv(timeout=5))
    finally:
        process.kill()
        process.wait()
    acked = {f["id"] for f in frames if f["type"] == "ack"}
    assert 0 < len(acked) < MESSAGES
    process = start(tmp_path, port, tmp_path)  # a folder bot: its bubble.toml raises the rate
    try:
        d = Client(f"ws://127.0.0.1:{port}/ws")
        seen = max(f["seq"] for f in frames if "seq" in f)
        d.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"],
                "last_seq": seen})
        assert d.recv()["resumed"] is True
        for number in range(MESSAGES):
            if f"m{number}" not in acked:
                d.send({"type": "message", "id": f"m{number}", "text": f"number {number}"})
        after: list[dict] = []
        while len([f for f in after if f["type"] == "ack"]) < MESSAGES - len(acked):
            after.append(d.recv(timeout=10))
        said = [f["text"] for f in frames + after if f["type"] == "text"]
        answers = [int(m.group(1)) for m in map(re.compile(r"You said: number (\d+)").match, said) if m]
        assert sorted(answers) == list(range(MESSAGES))  # each exactly once
        seqs = [f["seq"] for f in frames + after if "seq" in f]
        assert len(seqs) == len(set(seqs))  # no frame shown twice
        d.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
