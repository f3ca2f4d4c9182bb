"""Benchmark: `bubble lsp` on the generated 10,000-dialog script (issue targets: fresh diagnostics
<= 300 ms after a one-character edit, completion <= 50 ms).

    python tools/bench/lsp.py [--dialogs 10000] [--edits 20]

Starts `bubble lsp` as a subprocess and speaks JSON-RPC over its stdio, as an editor does. Opens
the script (`generate()` of tools/bench/parse_resolve.py), waits for its diagnostics, then makes
one-character edits at places spread over the file, each waited out before the next: a letter
typed into a `say` string, `invoke dN` -> `invoke dNx` (an unknown dialog, B101) and back, a `"`
deleted (an unclosed string, B001) and put back. For each it measures the first
publishDiagnostics after the didChange (the quick check: syntax and name resolution) and the last
(the complete lint, after no newer one came for a second), and checks that the first one already
shows the change (the B101 or B001 appears or disappears at the edited line). Completion is
asked right after each didChange (it must not wait for the check) after `invoke `. Last,
semantic tokens: of 60 lines (a range, as an editor asks for what it shows) and of the whole script.
Prints median and p95 of each, and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_resolve import generate  # noqa: E402

TARGET_DIAGNOSTICS_MS = 300
TARGET_COMPLETION_MS = 50


class Client:
    """JSON-RPC over the server's pipes, with arrival times of every message."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "bubble_lang", "lsp"], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr)
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.condition = threading.Condition()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(stream.read(length))
            with self.condition:
                self.messages.append((time.perf_counter(), message))
                self.condition.notify_all()

    def send(self, message: dict[str, Any]) -> float:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        sent = time.perf_counter()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return sent

    def request(self, method: str, params: Any) -> tuple[float, Any]:
        self.next_id += 1
        ident = self.next_id
        sent = self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        with self.condition:
            while True:
                for at, message in self.messages:
                    if message.get("id") == ident and "method" not in message:
                        return at - sent, message.get("result")
                self.condition.wait(30)

    def notify(self, method: str, params: Any) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics_after(self, uri: str, since: float, quiet: float = 1.0, timeout: float = 60.0
                          ) -> list[tuple[float, list[dict[str, Any]]]]:
        """Every publishDiagnostics of `uri` after `since`, once none came for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        with self.condition:
            while time.perf_counter() < deadline:
                found = [(at, m["params"]["diagnostics"]) for at, m in self.messages
                         if at > since and m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri]
                if found and time.perf_counter() - found[-1][0] >= quiet:
                    return found
                self.condition.wait(0.05)
        raise TimeoutError("no diagnostics")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--dialogs", type=int, default=10_000)
    options.add_argument("--edits", type=int, default=20)
    args = options.parse_args()
    text = generate(args.dialogs)
    lines = text.split("\n")
    folder = Path(tempfile.mkdtemp(prefix="bubble-lsp-bench-"))
    path = folder / "big.bot"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client = Client()
    client.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    opened = client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "bubble",
                                                                      "version": 1, "text": text}})
    first = client.diagnostics_after(uri, opened)
    print(f"script: {len(lines):,} lines, {args.dialogs:,} dialogs; first diagnostics after open: "
          f"{(first[0][0] - opened) * 1000:.0f} ms, complete: {(first[-1][0] - opened) * 1000:.0f} ms", flush=True)

    invoke_lines = [i for i, line in enumerate(lines) if line.startswith("  invoke d")]
    say_lines = [i for i, line in enumerate(lines) if line.startswith('    say "big"')]
    version = 1
    quick: list[float] = []
    complete: list[float] = []
    completion: list[float] = []
    wrong = 0
    for edit in range(args.edits):
        where = (edit * 7919) % len(invoke_lines)
        kind = edit % 3
        if kind == 0:  # type a letter into a string: nothing changes but the text
            line = say_lines[where % len(say_lines)]
            steps = [((line, 9), (line, 9), "x", None), ((line, 9), (line, 10), "", None)]
        elif kind == 1:  # an unknown dialog appears, then goes
            line = invoke_lines[where]
            end = len(lines[line])
            steps = [((line, end), (line, end), "x", ("B101", True)), ((line, end), (line, end + 1), "", ("B101", False))]
        else:  # an unclosed string appears, then goes
            line = say_lines[where % len(say_lines)]
            steps = [((line, 12), (line, 13), "", ("B001", True)), ((line, 12), (line, 12), '"', ("B001", False))]
        for start, end, new, expect in steps:
            version += 1
            sent = client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": start[0], "character": start[1]},
                                              "end": {"line": end[0], "character": end[1]}}, "text": new}]})
            took, _ = client.request("textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": invoke_lines[0], "character": len("  invoke ")}})
            completion.append(took * 1000)
            published = client.diagnostics_after(uri, sent)
            quick.append((published[0][0] - sent) * 1000)
            complete.append((published[-1][0] - sent) * 1000)
            if expect is not None:
                code, present = expect
                seen = any(d["code"] == code and d["range"]["start"]["line"] == start[0] for d in published[0][1])
                wrong += seen != present
    idle = [client.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": invoke_lines[0], "character": len("  invoke ")}})[0] * 1000
        for _ in range(10)]
    shown = [client.request("textDocument/semanticTokens/range", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": line, "character": 0},
                                                "end": {"line": line + 60, "character": 0}}})[0] * 1000
        for line in invoke_lines[:10]]
    first_whole = client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})[0] * 1000
    whole = []
    for line in say_lines[:5]:  # a letter typed into a string, then the whole file's tokens again
        version += 1
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": {"line": line, "character": 9}, "end": {"line": line, "character": 9}}, "text": "x"}]})
        whole.append(client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})[0] * 1000)
    client.request("shutdown", None)
    client.notify("exit", None)
    client.process.wait(timeout=10)

    def show(name: str, values: list[float], target: float | None) -> None:
        goal = f"   (target <= {target} ms: {'met' if percentile(values, 0.95) <= target else 'NOT met'} at p95)" \
            if target else ""
        print(f"{name:<42} median {statistics.median(values):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms{goal}")

    print(f"{len(quick)} one-character edits:")
    show("fresh diagnostics (syntax + names)", quick, TARGET_DIAGNOSTICS_MS)
    show("complete diagnostics (+ lint rules)", complete, None)
    show("completion right after an edit", completion, TARGET_COMPLETION_MS)
    show("completion, idle", idle, TARGET_COMPLETION_MS)
    show("semantic tokens of 60 lines (range)", shown, None)
    print(f"{'semantic tokens of the whole script, first':<42} {first_whole:7.1f} ms")
    show("semantic tokens of the whole script, edited", whole, None)
    print(f"first published set showed the edit's B101/B001 change: {'yes' if not wrong else f'NO ({wrong} wrong)'}")


if __name__ == "__main__":
    main()
