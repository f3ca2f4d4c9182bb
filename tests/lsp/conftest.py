"""Fixtures for the language server tests: one `bubble lsp` subprocess per module (start-up is
the slow part), and `bubble lint --format json` on the same files to compare with."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the `lsp` extra is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import ROOT, LspClient  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[LspClient]:
    """A server that checks files up to 2,000 lines whole (the default)."""
    server = LspClient()
    server.initialize(ROOT, {"debounceMs": 0})
    yield server
    assert server.close() == 0
    assert server.frames_ok(), server.junk


@pytest.fixture(scope="module")
def block_client() -> Iterator[LspClient]:
    """A server that checks every file block by block, as it does large ones."""
    server = LspClient()
    server.initialize(ROOT, {"debounceMs": 0, "wholeFileLines": 0})
    yield server
    assert server.close() == 0


def lint_json(path: Path) -> list[dict[str, Any]]:
    """`bubble lint --format json PATH`, run in this process (the same code as the command)."""
    from bubble_lang.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["lint", "--format", "json", str(path)])
    return json.loads(out.getvalue())


def as_lint(uri_path: str, diagnostic: dict[str, Any]) -> tuple[Any, ...]:
    """An LSP diagnostic in `bubble lint --format json`'s terms (ASCII text: columns agree)."""
    severity = {1: "error", 2: "warning", 3: "note"}[diagnostic["severity"]]
    start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
    message = diagnostic["message"].split("\n")[0]
    hint = next((line[len("help: "):] for line in diagnostic["message"].split("\n")
                 if line.startswith("help: ")), None)
    return (diagnostic["code"], severity, message, uri_path, start["line"] + 1, start["character"] + 1,
            end["line"] + 1, end["character"] + 1, hint)


def lint_tuple(record: dict[str, Any]) -> tuple[Any, ...]:
    return (record["code"], record["severity"], record["message"], record["file"], record["line"],
            record["column"], record["end_line"], record["end_column"], record["hint"])
