"""A host killed with SIGKILL while an extension call is in flight loses no acknowledged turn, and
commits nothing of the turn it was in: the call happens inside the turn (SPEC §11, §14)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.durable import DurableConversation
from bubble_lang.storage import open_store

from .conftest import ROOT, drain, serve, write_bot

BOT = '''
dialog main do
  count = 0
  say "ready"
end

dialog trigger: "bump" do
  count = count + 1
  say "count #{count}"
end

dialog trigger: "call" do
  count = count + 100
  extension "work", server: "s"
  say "called #{count}"
end
'''
WORKER = Path(__file__).with_name("kill_worker.py")


class Gate:
    """An extension server whose first call waits until released (the one the host dies in)."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, environ, start_response):
        drain(environ)
        self.calls += 1
        if self.calls == 1:
            self.arrived.set()
            self.release.wait(30)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"fsm": {"state": 3, "slots": {}}, "answers": [{"text": "worked"}]}']


def start_worker(folder: Path, url: str, greeting: str) -> subprocess.Popen[str]:
    """A worker whose opening turn printed `greeting` (killed, with its stderr shown, when not)."""
    process = subprocess.Popen([sys.executable, str(WORKER), str(folder), url], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    first = process.stdout.readline().strip()
    if first != greeting:
        process.kill()
        raise AssertionError(f"worker said {first!r}, not {greeting!r}: {process.communicate(timeout=10)[1]}")
    return process


def play(process: subprocess.Popen[str], line: str) -> str:
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def test_a_host_killed_during_a_call_loses_no_acknowledged_turn(tmp_path):
    gate = Gate()
    server = serve(gate)
    folder = write_bot(tmp_path / "bot", BOT, {"s": next(server)}, timeout="20s")
    url = f"sqlite://{tmp_path / 'state.sqlite'}"
    first = start_worker(folder, url, "ACK ready")
    try:
        assert play(first, "bump") == "ACK count 1"
        first.stdin.write("call\n")
        first.stdin.flush()
        assert gate.arrived.wait(20), "the call never reached the server"
    finally:
        first.kill()  # SIGKILL: no cleanup runs, the lease is simply left to expire
        first.wait()
    gate.release.set()

    store = open_store(url, folder, environ={})
    stored = DurableConversation(load_bot(folder), store, "c")
    assert stored.state.globals["count"] == 1  # the acknowledged turn, and nothing of the killed one
    store.close()

    second = start_worker(folder, url, "ACK")  # open: a no-op, once the dead holder's lease has run out
    try:
        assert play(second, "call") == "ACK worked | called 101"  # the user sends it again
        assert play(second, "bump") == "ACK count 102"
    finally:
        second.stdin.close()
        second.wait(timeout=20)
    assert gate.calls == 2
    next(server, None)
