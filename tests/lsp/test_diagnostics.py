"""Diagnostics as you type equal `bubble lint`'s: codes, messages, places, severities, hints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import as_lint, lint_json, lint_tuple
from lsp_client import ROOT, LspClient

SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.bot") if not p.name.endswith(".test.bot"))

BROKEN = '''dialog main do
  say "hi"
  invok foo
  if x do
    say @mnu
end

dialog b do
  say "x
end

dialog c do
  say "ok" do
end

dialog d do
  branch do
    else if
  end
end
'''

RESOLVE = '''@menu ["a", "b"]

dialog main do
  say @mneu
  invoke mian
  x = lenght(@menu)
  perform nothing
end

dialog unused do
  say "never"
end
'''


def published(client: LspClient, path: Path, text: str | None = None) -> set[tuple]:
    """Open `path` (with `text` unsaved) and collect the bot's diagnostics from every file."""
    mark = client.diagnostics_count()
    uri = client.open(path, text)
    found = {as_lint(str(path), d) for d in client.wait_diagnostics(uri, after=mark)}
    companion = path.with_name(path.stem + ".test.bot")
    if companion.exists():
        found |= {as_lint(str(companion), d) for d in client.wait_diagnostics(companion.as_uri(), after=mark)}
    return found


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_match_lint(client: LspClient, sample: Path) -> None:
    assert published(client, sample) == {lint_tuple(r) for r in lint_json(sample)}


@pytest.mark.parametrize("text", [BROKEN, RESOLVE], ids=["syntax", "resolve"])
@pytest.mark.parametrize("mode", ["whole", "blocks"])
def test_broken_files_match_lint(client: LspClient, block_client: LspClient, tmp_path: Path, text: str,
                                 mode: str) -> None:
    path = tmp_path / f"broken_{mode}.bot"
    path.write_text(text)
    expected = {lint_tuple(r) for r in lint_json(path)}
    assert published(client if mode == "whole" else block_client, path) == expected
    if text is BROKEN:
        assert len([e for e in expected if e[1] == "error"]) >= 3  # several syntax errors at once


@pytest.mark.parametrize("sample", SAMPLES[:6], ids=lambda p: p.name)
def test_block_mode_matches_lint(block_client: LspClient, sample: Path) -> None:
    assert published(block_client, sample) == {lint_tuple(r) for r in lint_json(sample)}


def test_unsaved_buffer_overrides_disk_and_edits_refresh(client: LspClient, tmp_path: Path) -> None:
    path = tmp_path / "edited.bot"
    path.write_text('dialog main do\n  say "hi"\nend\n')
    mark = client.diagnostics_count()
    uri = client.open(path, 'dialog main do\n  invoke nowhere\nend\n')
    assert [d["code"] for d in client.wait_diagnostics(uri, after=mark)] == ["B101"]
    mark = client.diagnostics_count()
    client.change(uri, 2, "x", {"start": {"line": 1, "character": 16}, "end": {"line": 1, "character": 16}})
    client.change(uri, 3, "", {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 16}})
    final = client.wait_diagnostics(uri, after=mark)
    assert [d["code"] for d in final] == ["B031"]  # `x` alone: unknown statement
    assert final[0]["range"]["start"] == {"line": 1, "character": 2}


def test_folder_bot_is_checked_whole(client: LspClient, tmp_path: Path) -> None:
    folder = tmp_path / "trivia"
    shutil.copytree(ROOT / "samples" / "trivia", folder)
    first = sorted(folder.glob("*.bot"))[0]
    expected = {lint_tuple(r) for r in lint_json(folder)}
    mark = client.diagnostics_count()
    uri = client.open(first)
    got: set[tuple] = set()
    for path in [*folder.glob("*.bot"), folder / "bubble.toml"]:
        got |= {as_lint(str(path), d) for d in client.wait_diagnostics(path.as_uri(), after=mark)}
    assert got == expected
    # a dialog used from another file of the folder: removing it there is seen here (unsaved)
    mark = client.diagnostics_count()
    extra = folder / "extra.bot"
    other = client.open(extra, "dialog helper_only_here do\n  invoke not_defined_anywhere\nend\n")
    assert any(d["code"] == "B101" for d in client.wait_diagnostics(other, after=mark))
    assert uri


def test_utf16_columns(client: LspClient, tmp_path: Path) -> None:
    path = tmp_path / "emoji.bot"
    text = 'dialog main do\n  say "😀😀 #{@nope}"\nend\n'
    path.write_text(text)
    mark = client.diagnostics_count()
    found = client.wait_diagnostics(client.open(path), after=mark)
    record = next(d for d in found if d["code"] == "B103")
    lint = next(r for r in lint_json(path) if r["code"] == "B103")
    assert record["range"]["start"] == {"line": lint["line"] - 1, "character": lint["column"] - 1 + 2}


def test_block_mode_edits_match_lint_of_the_result(block_client: LspClient, tmp_path: Path) -> None:
    """Edits re-split and re-parse only the changed stretch; the result equals a fresh lint."""
    sample = ROOT / "samples" / "restaurant.bot"
    text = sample.read_text()
    path = tmp_path / "restaurant.bot"
    path.write_text(text)
    uri = block_client.open(path)
    block_client.wait_diagnostics(uri)
    lines = text.split("\n")
    edits = [(10, 0, 'dialog broken do\n  say "open\n'), (30, 2, "x"), (30, 2, ""), (5, 0, "  invoke nowhere\n")]
    version = 1
    for line, column, new in edits:
        version += 1
        end = {"line": line, "character": column + (1 if new == "" else 0)}
        block_client.change(uri, version, new, {"start": {"line": line, "character": column}, "end": end})
        current = lines[line]
        if new == "":
            lines[line] = current[:column] + current[column + 1:]
        else:
            lines[line] = current[:column] + new + current[column:]
    final = "\n".join(lines)
    mark = block_client.diagnostics_count()
    block_client.change(uri, version + 1, final)  # the same text again, whole: the server's copy agrees
    path.write_text(final)
    got = {as_lint(str(path), d) for d in block_client.wait_diagnostics(uri, after=mark)}
    assert got == {lint_tuple(r) for r in lint_json(path) if r["file"] == str(path)}
    assert any(code == "B001" for code, *_ in got)


def test_a_script_created_on_disk_joins_its_folder_bot(client: LspClient, tmp_path: Path) -> None:
    """`didChangeWatchedFiles` re-checked a folder bot with its old file list: a new `names.bot`
    was never read, and `main.bot` kept "unknown dialog"."""
    folder = tmp_path / "grows"
    folder.mkdir()
    (folder / "bubble.toml").write_text("# a bot\n")
    (folder / "main.bot").write_text("dialog main do\n  invoke ask_name\nend\n")
    mark = client.diagnostics_count()
    uri = client.open(folder / "main.bot")
    assert [d["code"] for d in client.wait_diagnostics(uri, after=mark)] == ["B101"]
    (folder / "names.bot").write_text('dialog ask_name do\n  say "x"\nend\n')
    mark = client.diagnostics_count()
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": (folder / "names.bot").as_uri(), "type": 1}]})
    assert client.wait_diagnostics(uri, after=mark) == []


def test_closing_a_buffer_without_a_file_clears_its_diagnostics(client: LspClient, tmp_path: Path) -> None:
    """An `untitled:` buffer, or a file deleted while open: closing it left "cannot read" for good."""
    mark = client.diagnostics_count()
    uri = "untitled:Untitled-1"
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "bubble", "version": 1, "text": "dialog main do\n  invoke nowhere\nend\n"}})
    assert [d["code"] for d in client.wait_diagnostics(uri, after=mark)] == ["B101"]
    mark = client.diagnostics_count()
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.wait_diagnostics(uri, after=mark) == []
    path = tmp_path / "doomed.bot"
    path.write_text("dialog main do\n  invoke nowhere\nend\n")
    mark = client.diagnostics_count()
    opened = client.open(path)
    assert [d["code"] for d in client.wait_diagnostics(opened, after=mark)] == ["B101"]
    path.unlink()
    mark = client.diagnostics_count()
    client.notify("textDocument/didClose", {"textDocument": {"uri": opened}})
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": opened, "type": 3}]})
    assert client.wait_diagnostics(opened, after=mark) == []


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x0c"])
def test_an_edit_after_a_character_python_splits_lines_at_lands_where_the_editor_put_it(
        client: LspClient, tmp_path: Path, separator: str) -> None:
    """pygls cut lines with `str.splitlines` (U+2028, U+0085 and form feeds end a line there, not
    in LSP): every edit after such a character landed on the wrong line."""
    path = tmp_path / "sep.bot"
    text = f'dialog main do\n  say "Hello{separator}world"\n  invoke confrm\nend\n\ndialog confirm do\n  say "ok"\nend\n'
    path.write_text(text, encoding="utf-8")
    mark = client.diagnostics_count()
    uri = client.open(path, text)
    assert [d["code"] for d in client.wait_diagnostics(uri, after=mark)] == ["B101"]
    mark = client.diagnostics_count()
    client.change(uri, 2, "confirm", {"start": {"line": 2, "character": 9}, "end": {"line": 2, "character": 15}})
    assert client.wait_diagnostics(uri, after=mark) == []
