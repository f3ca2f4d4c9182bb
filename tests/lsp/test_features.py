"""Hover, definition, references, rename, completion, symbols, formatting and quick fixes, over the
protocol against a real `bubble lsp`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsp_client import LspClient, position

BOT = '''@menu ["margherita", "pepperoni"]

dialog main when length(@menu) > 0 do
  say "Welcome"
  pizza = ask "Which pizza?", expecting: @menu
  invoke order
  say join(@menu, ", ")
end

dialog order, trigger: "order [number] pizza" do
  say "One #{pizza}"
  perform count
end

task count do
  total = 1
  log total
end
'''


@pytest.fixture(scope="module")
def doc(client: LspClient, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("features") / "features.bot"
    path.write_text(BOT)
    mark = client.diagnostics_count()
    uri = client.open(path)
    assert client.wait_diagnostics(uri, after=mark) == []
    return {"uri": uri, "path": path}


def ask(client: LspClient, method: str, doc: dict[str, Any], needle: str, inside: int = 0,
        occurrence: int = 0, **extra: Any) -> Any:
    params = {"textDocument": {"uri": doc["uri"]}, "position": position(BOT, needle, inside=inside,
                                                                        occurrence=occurrence), **extra}
    return client.result(method, params)


def lines_of(locations: list[dict[str, Any]]) -> list[int]:
    return sorted(location["range"]["start"]["line"] for location in locations)


def test_hover(client: LspClient, doc: dict[str, Any], snapshot: Any) -> None:
    builtin = ask(client, "textDocument/hover", doc, "join(", 1)["contents"]["value"]
    assert "join(list, separator?)" in builtin and "Returns" in builtin
    constant = ask(client, "textDocument/hover", doc, "@menu, ", 2)["contents"]["value"]
    assert '@menu ["margherita", "pepperoni"]' in constant
    dialog = ask(client, "textDocument/hover", doc, "invoke order", 8)
    assert 'trigger: `"order [number] pizza"`' in dialog["contents"]["value"]
    assert "features.bot:10" in dialog["contents"]["value"]
    assert dialog["range"] == {"start": {"line": 5, "character": 9}, "end": {"line": 5, "character": 14}}
    guard = ask(client, "textDocument/hover", doc, "dialog main", 8)["contents"]["value"]
    assert "guard: `length(@menu) > 0`" in guard
    assert "ask" in ask(client, "textDocument/hover", doc, "ask ", 1)["contents"]["value"]
    assert ask(client, "textDocument/hover", doc, '"Welcome"', 3) is None
    assert builtin == snapshot


def test_definition(client: LspClient, doc: dict[str, Any]) -> None:
    assert lines_of(ask(client, "textDocument/definition", doc, "invoke order", 8)) == [9]
    assert lines_of(ask(client, "textDocument/definition", doc, "@menu)", 2)) == [0]
    assert lines_of(ask(client, "textDocument/definition", doc, "perform count", 9)) == [14]
    assert lines_of(ask(client, "textDocument/definition", doc, "#{pizza}", 3)) == [4]
    assert ask(client, "textDocument/definition", doc, "join(", 1) == []


def test_references(client: LspClient, doc: dict[str, Any]) -> None:
    found = ask(client, "textDocument/references", doc, "@menu", 1, context={"includeDeclaration": True})
    assert lines_of(found) == [0, 2, 4, 6]
    found = ask(client, "textDocument/references", doc, "@menu", 1, context={"includeDeclaration": False})
    assert lines_of(found) == [2, 4, 6]
    assert lines_of(ask(client, "textDocument/references", doc, "total", 0, occurrence=1,
                        context={"includeDeclaration": True})) == [15, 16]


def test_rename(client: LspClient, doc: dict[str, Any]) -> None:
    edit = ask(client, "textDocument/rename", doc, "invoke order", 8, newName="place_order")
    edits = edit["changes"][doc["uri"]]
    assert sorted((e["range"]["start"]["line"], e["newText"]) for e in edits) == [(5, "place_order"), (9, "place_order")]
    edit = ask(client, "textDocument/rename", doc, "@menu", 0, newName="carte")
    assert {e["newText"] for e in edit["changes"][doc["uri"]]} == {"@carte"}
    assert len(edit["changes"][doc["uri"]]) == 4
    prepared = ask(client, "textDocument/prepareRename", doc, "dialog order", 8)
    assert prepared["start"] == {"line": 9, "character": 7}
    edit = ask(client, "textDocument/rename", doc, "perform count", 9, newName="tally")
    edits = edit["changes"][doc["uri"]]
    assert sorted((e["range"]["start"]["line"], e["newText"]) for e in edits) == [(11, "tally"), (14, "tally")]


@pytest.mark.parametrize(("needle", "inside", "new_name", "why"), [
    ("join(", 1, "glue", "builtin"),
    ("invoke order", 8, "say", "keyword"),
    ("invoke order", 8, "9lives", "not a valid name"),
    ("invoke order", 8, "main", "exists already"),
    ("ask ", 1, "question", "part of the language"),
    ("#{pizza}", 3, "slice", "conversation variable"),
    ("perform count", 9, "join", "builtin"),
])
def test_rename_refusals(client: LspClient, doc: dict[str, Any], needle: str, inside: int, new_name: str,
                         why: str) -> None:
    response = client.request("textDocument/rename", {
        "textDocument": {"uri": doc["uri"]}, "position": position(BOT, needle, inside=inside), "newName": new_name})
    assert response["error"]["code"] == -32803
    assert why in response["error"]["message"]


def complete_after(client: LspClient, doc: dict[str, Any], line: int, typed: str) -> list[str]:
    """Labels offered after typing `typed` as a new line `line` (the edit is undone after)."""
    uri = doc["uri"]
    client.change(uri, 100 + line, typed + "\n", {"start": {"line": line, "character": 0},
                                                  "end": {"line": line, "character": 0}})
    result = client.result("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": len(typed)}})
    client.change(uri, 200 + line, "", {"start": {"line": line, "character": 0},
                                        "end": {"line": line + 1, "character": 0}})
    return [item["label"] for item in result["items"]]


def test_completion(client: LspClient, doc: dict[str, Any], snapshot: Any) -> None:
    statements = complete_after(client, doc, 3, "  ")
    assert {"say", "ask", "invoke", "if", "branch"} <= set(statements)
    assert {"main", "order"} <= set(complete_after(client, doc, 3, "  invoke "))
    assert complete_after(client, doc, 3, "  perform c") == ["count"]
    assert "menu" in complete_after(client, doc, 3, "  say @")
    entities = complete_after(client, doc, 9, 'dialog other, trigger: "two [')
    assert {"number", "email", "time", "Start"} <= set(entities)
    assert "item_picker" in complete_after(client, doc, 3, '  x = input_method("')
    assert {"min:", "max:"} <= set(complete_after(client, doc, 3, '  x = input_method("int", '))
    assert "expecting:" in complete_after(client, doc, 3, '  x = ask "Name?", ')
    assert {"image", "location", "file"} <= set(complete_after(client, doc, 3, '  ask "Photo?", expecting: :i'))
    assert "location" in complete_after(client, doc, 3, '  ask "Photo?", expecting: [:image, :')
    assert complete_after(client, doc, 9, "dialog snap, attachment: :") == ["image", "video", "audio", "file", "voice"]
    builtins = complete_after(client, doc, 3, "  say jo")
    assert "join" in builtins
    assert statements == snapshot


def test_a_constant_replaces_what_was_typed_from_its_at(client: LspClient, doc: dict[str, Any]) -> None:
    """Items were a bare `menu`: an editor whose word includes `@` (the VS Code extension's)
    filtered them by `@me` and showed nothing once a letter was typed."""
    uri = doc["uri"]
    typed = "  say @me"
    client.change(uri, 300, typed + "\n", {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}})
    result = client.result("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": 3, "character": len(typed)}})
    client.change(uri, 301, "", {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}})
    item = next(item for item in result["items"] if item["label"] == "menu")
    assert item["filterText"] == "@menu" and item["textEdit"] == {
        "range": {"start": {"line": 3, "character": 6}, "end": {"line": 3, "character": 9}}, "newText": "@menu"}


def test_a_bots_toml_gets_no_script_tokens_or_completion(client: LspClient, tmp_path: Path) -> None:
    """The VS Code extension opens `bubble.toml` for its diagnostics: it was painted and
    completed as a script (`dialog`, `task`, `test` offered)."""
    (tmp_path / "main.bot").write_text('dialog main do\n  say "hi"\nend\n')
    toml = tmp_path / "bubble.toml"
    toml.write_text('[extensions.x]\nurl = "http://127.0.0.1:9"\n')
    uri = client.open(toml)
    assert client.result("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})["data"] == []
    completion = client.result("textDocument/completion", {"textDocument": {"uri": uri},
                                                           "position": {"line": 2, "character": 0}})
    assert completion["items"] == []


def test_document_symbols(client: LspClient, doc: dict[str, Any]) -> None:
    symbols = client.result("textDocument/documentSymbol", {"textDocument": {"uri": doc["uri"]}})
    assert [(s["name"], s["kind"]) for s in symbols] == [("@menu", 14), ("main", 12), ("order", 12), ("count", 6)]
    assert symbols[2]["detail"] == 'trigger: "order [number] pizza"'


def test_formatting(client: LspClient, tmp_path: Path) -> None:
    from bubble_lang.cli.fmt import format_text

    messy = 'dialog main do\nsay "a"\n      if true do\n say "b"\n  end\nend\n'
    path = tmp_path / "messy.bot"
    path.write_text(messy)
    uri = client.open(path)
    options = {"tabSize": 2, "insertSpaces": True}
    edits = client.result("textDocument/formatting", {"textDocument": {"uri": uri}, "options": options})
    assert len(edits) == 1 and edits[0]["newText"] == format_text(messy, str(path))
    broken = tmp_path / "broken.bot"
    broken.write_text('dialog main do\n say "a\nend\n')
    uri = client.open(broken)
    assert client.result("textDocument/formatting", {"textDocument": {"uri": uri}, "options": options}) == []


def test_quick_fixes(client: LspClient, tmp_path: Path) -> None:
    text = ('@menu ["a"]\n\ndialog main do\n  say @mneu\n  invoke ordr\n  sya "hi"\n  x = lenght(@menu)\n'
            '  say x\nend\n\ndialog order, trigger: "[emial]" do\n  say "ok"\nend\n')
    path = tmp_path / "typos.bot"
    path.write_text(text)
    mark = client.diagnostics_count()
    uri = client.open(path)
    diagnostics = client.wait_diagnostics(uri, after=mark)
    fixes: dict[str, str] = {}
    for diagnostic in diagnostics:
        actions = client.result("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
        for action in actions:
            (edit,) = action["edit"]["changes"][uri]
            start = edit["range"]["start"]
            line = text.split("\n")[start["line"]]
            end = edit["range"]["end"]["character"]
            fixed = line[:start["character"]] + edit["newText"] + line[end:]
            fixes[diagnostic["code"]] = fixed
    assert fixes.get("B031") == '  say "hi"'
    if "B103" in fixes:
        assert fixes["B103"] == "  say @menu"
    # syntax errors stop resolution: fix the statement, then the names are checked
    fixed_text = text.replace("sya", "say")
    mark = client.diagnostics_count()
    client.change(uri, 2, fixed_text)
    diagnostics = client.wait_diagnostics(uri, after=mark)
    fixes = {}
    for diagnostic in diagnostics:
        actions = client.result("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
        for action in actions:
            (edit,) = action["edit"]["changes"][uri]
            fixes[diagnostic["code"] + ":" + str(edit["range"]["start"]["line"])] = edit["newText"]
    assert fixes == {"B103:3": "@menu", "B101:4": "order", "B104:6": "length", "B212:10": "email"}


def signature_after(client: LspClient, doc: dict[str, Any], typed: str) -> Any:
    """Signature help with the cursor after `typed`, typed as new lines from line 3 (undone after)."""
    uri = doc["uri"]
    typed_lines = typed.split("\n")
    client.change(uri, 300, typed + "\n", {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}})
    result = client.result("textDocument/signatureHelp", {"textDocument": {"uri": uri}, "position": {
        "line": 3 + len(typed_lines) - 1, "character": len(typed_lines[-1])}})
    client.change(uri, 301, "", {"start": {"line": 3, "character": 0},
                                 "end": {"line": 3 + len(typed_lines), "character": 0}})
    return result


def active_part(help: dict[str, Any]) -> str:
    signature = help["signatures"][0]
    assert signature["activeParameter"] == help["activeParameter"]  # never `null` (not allowed in LSP 3.17)
    start, end = signature["parameters"][help["activeParameter"]]["label"]
    return signature["label"][start:end]


def test_signature_help(client: LspClient, doc: dict[str, Any]) -> None:
    first = signature_after(client, doc, "  say join(")
    assert first["signatures"][0]["label"] == "join(list, separator?)"
    assert "list" in first["signatures"][0]["documentation"]["value"].lower()
    assert active_part(first) == "list"
    assert active_part(signature_after(client, doc, '  say join(@menu, ')) == "separator?"
    # commas and brackets inside strings and lists do not count; the innermost call is the one
    assert active_part(signature_after(client, doc, '  say join(["a, (b", 2], ')) == "separator?"
    assert active_part(signature_after(client, doc, '  say "#{join(xs, ')) == "separator?"
    assert active_part(signature_after(client, doc, '  x = intent(match: "hi", label: ')) == "label?:"
    assert active_part(signature_after(client, doc, "  x = max(1, 2, 3, ")) == "more..."
    assert signature_after(client, doc, "  x = nosuch(") is None  # not a builtin
    assert signature_after(client, doc, "  say length(x) # join(") is None  # in a comment
    # an argument list broken over lines (a comment above is skipped)
    assert active_part(signature_after(client, doc, '  say join(@menu, # the menu\n      ')) == "separator?"


def test_workspace_symbols(client: LspClient, doc: dict[str, Any]) -> None:
    client.result("textDocument/documentSymbol", {"textDocument": {"uri": doc["uri"]}})  # the current text checked

    def search(query: str) -> list[dict[str, Any]]:  # this document's (other tests open other bots)
        return [s for s in client.result("workspace/symbol", {"query": query}) if s["location"]["uri"] == doc["uri"]]

    found = search("ord")
    assert [(s["name"], s["kind"]) for s in found] == [("order", 12)]
    assert found[0]["location"]["range"]["start"] == {"line": 9, "character": 7}
    assert [s["name"] for s in search("mn")] == ["@menu", "main"]  # letters in order, case ignored
    assert [s["name"] for s in search("NU")][0] == "@menu"  # the whole query in the name comes first
    assert {"main", "order", "count", "@menu"} <= {s["name"] for s in search("")}
    assert search("zzz") == []


def test_semantic_tokens(tmp_path: Path) -> None:
    """The legend is announced at initialize; tokens decode to the words the tokenizer knows."""
    server = LspClient()
    try:
        capabilities = server.initialize(tmp_path, {"debounceMs": 0})["capabilities"]
        legend = capabilities["semanticTokensProvider"]["legend"]
        path = tmp_path / "colours.bot"
        text = ('# hello\ndialog main do  # why\n  say "a #{join(@menu, ", ")} # b"\n  invoke order\n'
                '  x = ask "Q?", expecting: @menu\n  say x.name\nend\n')
        path.write_text(text)
        uri = server.open(path)
        data = server.result("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})["data"]
        lines = text.split("\n")
        decoded, line, char = [], 0, 0
        for at in range(0, len(data), 5):
            delta_line, delta_char, length, kind, modifiers = data[at:at + 5]
            line, char = line + delta_line, (delta_char if delta_line else char + delta_char)
            names = [m for bit, m in enumerate(legend["tokenModifiers"]) if modifiers & (1 << bit)]
            decoded.append((lines[line][char:char + length], legend["tokenTypes"][kind], names))
        assert decoded[:4] == [("# hello", "comment", []), ("dialog", "keyword", []),
                               ("main", "function", ["declaration"]), ("do", "keyword", [])]
        assert ("# why", "comment", []) in decoded
        assert ("join", "function", ["defaultLibrary"]) in decoded
        assert ("@menu", "variable", ["readonly"]) in decoded
        assert ("order", "function", []) in decoded
        assert ("expecting", "parameter", []) in decoded
        assert ("name", "property", []) in decoded
        assert not any(kind == "comment" and "b" in word for word, kind, _ in decoded)  # `#` inside a string
        in_range = server.result("textDocument/semanticTokens/range", {"textDocument": {"uri": uri}, "range": {
            "start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}}})["data"]
        # the range reads the one top-level block that holds it, not the comment above it
        assert in_range[:5] == [1, 0, 6, legend["tokenTypes"].index("keyword"), 0] and in_range[5:] == data[10:]
        server.change(uri, 2, 'dialog main do\n  say "never closed\nend\n\ndialog other do\n  say "fine"\nend\n')
        broken = server.result("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})["data"]
        assert broken[:5] == [4, 0, 6, legend["tokenTypes"].index("keyword"), 0]  # only `dialog other …` has them
        server.change(uri, 3, 'dialog main do\n  say "never closed\nend\n')
        assert server.result("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})["data"] == []
    finally:
        assert server.close() == 0
