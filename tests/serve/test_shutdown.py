"""`bubble serve` as a process: SIGTERM lets the turn in flight commit, closes sockets with 1001,
exits 0; after a restart the conversation resumes with the same token, nothing lost or doubled."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from .conftest import BOT, Client, free_port

ROOT = Path(__file__).resolve().parents[2]


def start(folder: Path, port: int, target: Path | None = None, extra: list[str] | None = None) -> subprocess.Popen:
    env = {**os.environ, "BUBBLE_API_KEY": "process-key-0123456789", "PYTHONPATH": str(ROOT)}
    env.pop("BUBBLE_SECRET", None)
    process = subprocess.Popen([sys.executable, "-m", "bubble_lang", "serve", str(target or folder / "serve.bot"),
                                "--port", str(port), "--log-level", "info", *(extra or [])],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("bubble serve did not start")


def test_sigterm_drains_then_closes_with_1001_and_a_restart_resumes(tmp_path):
    shutil.copy(BOT, tmp_path / "serve.bot")
    port = free_port()
    process = start(tmp_path, port)
    try:
        c = Client(f"ws://127.0.0.1:{port}/ws")
        c.send({"type": "hello", "v": 1})
        welcome = c.recv()
        assert c.recv()["text"] == "Hello from the server bot!"
        c.send({"type": "message", "id": "last", "text": "before the signal"})
        process.send_signal(signal.SIGTERM)
        frames = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frames.append(c.recv(timeout=10))
        assert closed.value.rcvd.code == 1001
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    stderr = process.stderr.read().decode()
    assert "Traceback" not in stderr and "before the signal" not in stderr  # no user text in the logs
    assert "turn conversation=" in stderr
    acked = {"type": "ack", "id": "last"} in frames
    process = start(tmp_path, port)  # the secret was kept in .bubble/: the old token still works
    try:
        d = Client(f"ws://127.0.0.1:{port}/ws")
        last_seq = max([1] + [f["seq"] for f in frames if "seq" in f])  # what a client has rendered
        d.send({"type": "hello", "v": 1, "session_id": welcome["session_id"], "token": welcome["token"],
                "last_seq": last_seq})
        assert d.recv()["resumed"] is True
        d.send({"type": "message", "id": "last", "text": "before the signal"})  # the client resends unacked
        after = d.until("ack")
        said = [f["text"] for f in frames + after if f.get("type") == "text"]
        assert said.count("You said: before the signal") == 1, (acked, said)
        d.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_besser_flag_opens_the_besser_endpoint_beside_ws_and_sigterm_stops_both(tmp_path):
    """`bubble serve BOT --besser`: BESSER's dialect on its own port over the same runner (the
    bot speaks first, `{action, message}` frames), /ws still served; one signal stops both."""
    shutil.copy(BOT, tmp_path / "serve.bot")
    port, besser_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "bubble_lang", "serve", str(tmp_path / "serve.bot"),
                                "--port", str(port), "--besser", "--besser-port", str(besser_port)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", besser_port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
                time.sleep(0.05)
        besser = Client(f"ws://127.0.0.1:{besser_port}/")
        assert besser.recv() == {"action": "bot_reply_str", "message": "Hello from the server bot!"}
        ws = Client(f"ws://127.0.0.1:{port}/ws")
        ws.send({"type": "hello", "v": 1})
        assert ws.recv()["type"] == "welcome"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in process.stderr.read().decode()
