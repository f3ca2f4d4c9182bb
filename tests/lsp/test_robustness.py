"""Malformed and hostile input: an error response or an empty result, never a crash, never a
traceback on stdout, and the server keeps serving after each."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from conftest import lint_json
from lsp_client import ROOT, LspClient

GOOD = 'dialog main do\n  say "hi"\nend\n'


def still_serving(client: LspClient, tmp_path: Path) -> None:
    path = tmp_path / "alive.bot"
    path.write_text(GOOD)
    uri = client.open(path)
    symbols = client.result("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["main"]


def test_malformed_messages_get_error_answers(client: LspClient, tmp_path: Path) -> None:
    client.send_raw(b"{not json")
    assert client.response(None)["error"]["code"] == -32700
    client.send_raw(b"[1, 2, 3]")
    assert client.response(None)["error"]["code"] == -32600
    client.send({"jsonrpc": "2.0", "id": 901, "method": "textDocument/hover"})
    assert client.response(901)["error"]["code"] == -32602
    client.send({"jsonrpc": "2.0", "id": 902, "method": "textDocument/hover", "params": {"position": 3}})
    assert client.response(902)["error"]["code"] == -32602
    assert client.request("bubble/noSuchMethod", {})["error"]["code"] == -32601
    client.notify("bubble/noSuchNotification", {"x": 1})
    client.notify("textDocument/didChange", {"bogus": True})
    still_serving(client, tmp_path)
    assert client.frames_ok()
    assert "Traceback" not in "".join(client.stderr) or all(
        "bubble lsp" in line or not line.startswith("Traceback") for line in client.stderr)


def test_positions_past_the_end_and_unknown_documents(client: LspClient, tmp_path: Path) -> None:
    path = tmp_path / "short.bot"
    path.write_text(GOOD)
    uri = client.open(path)
    client.wait_diagnostics(uri)
    for position in ({"line": 999, "character": 0}, {"line": 1, "character": 999}, {"line": -1, "character": -5}):
        params = {"textDocument": {"uri": uri}, "position": position}
        for method in ("textDocument/hover", "textDocument/definition", "textDocument/completion"):
            response = client.request(method, params)
            assert "result" in response or response["error"]["code"] == -32602, (method, position, response)
    unknown = {"textDocument": {"uri": (tmp_path / "never-opened.bot").as_uri()}, "position": {"line": 0, "character": 0}}
    assert client.result("textDocument/hover", unknown) is None
    assert client.result("textDocument/definition", unknown) == []
    still_serving(client, tmp_path)


def test_documents_with_syntax_errors_still_answer(client: LspClient, tmp_path: Path) -> None:
    text = 'dialog main do\n  say "hi\nend\n\ndialog other do\n  invoke main\nend\n\ndialog third do\n  if x do\nend\n'
    path = tmp_path / "errors.bot"
    path.write_text(text)
    uri = client.open(path)
    assert {d["code"] for d in client.wait_diagnostics(uri)} == {"B001", "B008"}
    symbols = client.result("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["other"]  # the blocks that parse
    target = client.result("textDocument/definition", {"textDocument": {"uri": uri},
                                                        "position": {"line": 5, "character": 10}})
    assert target == []  # `main` does not parse, so it has no definition yet
    hover = client.result("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 4}})
    assert hover is None
    completion = client.result("textDocument/completion", {"textDocument": {"uri": uri},
                                                            "position": {"line": 9, "character": 2}})
    assert any(item["label"] == "say" for item in completion["items"])


def test_unreadable_file_in_a_folder_bot(client: LspClient, tmp_path: Path) -> None:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "bubble.toml").write_text("[bot]\n")
    (folder / "main.bot").write_text(GOOD)
    (folder / "broken.bot").write_bytes(b'dialog x do\n  say "\xff\xfe"\nend\n')
    expected = {(r["code"], r["message"]) for r in lint_json(folder)}
    assert {code for code, _ in expected} == {"B500"}
    uri = client.open(folder / "main.bot")
    got = {(d["code"], d["message"].split("\n")[0]) for d in client.wait_diagnostics(uri)}
    assert got == expected
    still_serving(client, tmp_path)


def test_shutdown_and_exit() -> None:
    server = LspClient()
    early = server.request("textDocument/hover", {"textDocument": {"uri": "file:///x.bot"},
                                                   "position": {"line": 0, "character": 0}})
    assert early["error"]["code"] == -32002  # before `initialize` (it was `result: null`)
    server.initialize()
    assert server.result("shutdown") is None
    late = server.request("textDocument/hover", {"textDocument": {"uri": "file:///x.bot"},
                                                  "position": {"line": 0, "character": 0}}, timeout=5)
    assert late["error"]["code"] == -32600  # after `shutdown` (it got no answer at all)
    server.notify("exit")
    assert server.process.wait(timeout=10) == 0
    assert server.frames_ok()


def test_exit_without_shutdown_exits_with_1() -> None:
    server = LspClient()
    server.initialize()
    server.notify("exit")
    assert server.process.wait(timeout=10) == 1


def test_without_pygls_it_says_how_to_install() -> None:
    code = ("import sys; sys.modules['pygls'] = None; from bubble_lang.cli.main import main; "
            "sys.exit(main(['lsp']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "pip install 'bubble-lang[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_exit_during_a_check_is_quiet_and_prompt(tmp_path: Path) -> None:
    """`shutdown` and `exit` while a large bot is being checked: the check's result is not published
    to a closed stream (it printed `ValueError: I/O operation on closed file`), and the server exits
    without finishing the check."""
    path = tmp_path / "big.bot"
    text = "".join(f'dialog d{i} do\n  say "number {i}"\n  invoke d{i + 1}\nend\n' for i in range(10000))
    path.write_text(text + "dialog d10000 do\nend\n")
    server = LspClient()
    server.initialize(tmp_path)
    uri = server.open(path)
    server.wait_diagnostics(uri, timeout=60)
    server.change(uri, 2, text.replace("number 1\"", "number 12\"", 1) + "dialog d10000 do\nend\n")
    time.sleep(0.1)  # past the debounce: the check is running
    assert server.result("shutdown") is None
    server.notify("exit")
    assert server.process.wait(timeout=10) == 0
    time.sleep(0.2)  # the last stderr lines read
    assert not [line for line in server.stderr if line.startswith("bubble lsp:")], "".join(server.stderr)


def test_nothing_is_checked_or_published_after_shutdown() -> None:
    """A check that finishes after `shutdown` is not published: the client may have closed the
    stream (a bench run printed `ValueError: I/O operation on closed file` at exit)."""
    from bubble_lang.lsp.analysis_scheduler import Scheduler

    delivered: list[object] = []
    scheduler = Scheduler(lambda key, result: delivered.append(key))
    scheduler.generation["bot"] = 1
    scheduler._delivered("bot", 1, object())  # type: ignore[arg-type]
    assert delivered == ["bot"]
    scheduler.shutdown()
    scheduler._delivered("bot", 1, object())  # type: ignore[arg-type]
    assert delivered == ["bot"]
