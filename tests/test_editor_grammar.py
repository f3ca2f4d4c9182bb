"""The VS Code extension folder (tools/editor/vscode): its TextMate grammar is generated from the
language's word tables and kept fresh, its files are valid and refer to each other, and the
grammar's scope assertions (`tests/*.test.bot`, checked by `vscode-tmgrammar-test` from npm)
hold. The npm check runs when the tool is installed (`.ci/run` installs it; locally: `npm
install` in tools/editor/vscode) and is skipped with that reason otherwise."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tools" / "editor" / "vscode"


def test_the_grammar_is_generated_from_the_language() -> None:
    found = subprocess.run([sys.executable, str(ROOT / "tools" / "editor" / "make_grammar.py"), "--check"],
                           capture_output=True, text=True)
    assert found.returncode == 0, found.stdout


def test_the_extension_files_fit_together() -> None:
    package = json.loads((FOLDER / "package.json").read_text())
    contributes = package["contributes"]
    assert contributes["languages"][0]["extensions"] == [".bot"]
    for entry in (contributes["languages"][0]["configuration"], contributes["grammars"][0]["path"],
                  contributes["snippets"][0]["path"]):
        assert (FOLDER / entry).is_file(), entry
    config = json.loads((FOLDER / "language-configuration.json").read_text())
    assert config["comments"]["lineComment"] == "#"
    snippets = json.loads((FOLDER / "snippets" / "bubble.json").read_text())
    assert {"dialog", "ask with a widget", "test"} <= set(snippets)


def test_the_scope_assertions_hold() -> None:
    tool = FOLDER / "node_modules" / ".bin" / "vscode-tmgrammar-test"
    if not tool.exists() or shutil.which("node") is None:
        pytest.skip("vscode-tmgrammar-test is not installed: run `npm install` in tools/editor/vscode")
    run = subprocess.run([str(tool), "tests/*.test.bot"], cwd=FOLDER, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
