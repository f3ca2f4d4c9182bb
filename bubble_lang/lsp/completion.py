"""Completion from the line being typed and the bot's last index, without waiting for a check.

Why text first: while typing, the line under the cursor rarely parses (`invoke ` has no name
yet), so the context is read from the text before the cursor, and the candidates come from the
last index of the bot (`bot_index`), whatever version it was built from. Candidates: statements
and block words at the start of a line; dialog names after `invoke`/`goto`/`timeout_dialog:`/
`before:`; tasks after `perform`; constants after `@`; a statement's options after its arguments;
widget kinds in `input_method("…` and each kind's options after it; BML entity kinds after `[` in a
trigger or `match:` string; media kinds after `expecting: :` and attachment kinds after
`attachment: :`; else builtins with their signatures, variables and runtime variables.
Long lists are cut to the names starting with what is typed (`LIMIT`, `isIncomplete`).
"""

from __future__ import annotations

import re

import attrs
from lsprotocol import types

from ..checks.headers import ATTACHMENT_KINDS, MEDIA_EXPECTATIONS
from ..lexer import KEYWORDS
from ..patterns import ENTITY_KINDS
from ..statements import BLOCK_WORDS, RUNTIME_VARIABLES, STATEMENTS
from ..stdlib import BUILTINS, WIDGET_KINDS, WIDGET_OPTIONS
from ..stdlib.registry import signature
from .bot_index import BotIndex
from .symbol_index import CONSTANT, DIALOG, TASK, VARIABLE

LIMIT = 200
K = types.CompletionItemKind
_HEADER = re.compile(r"(dialog|task|test)\b")
_DIALOG_AFTER = re.compile(r"(?:\b(?:invoke|goto)\s+|\b(?:timeout_dialog|before):\s*)\"?[A-Za-z0-9_]*\Z")
_TASK_AFTER = re.compile(r"\bperform\s+[A-Za-z0-9_]*\Z")
_PATTERN_OPENERS = re.compile(r"(?:\b(?:trigger|match|expecting):\s*(?:\[\s*(?:\"[^\"]*\"\s*,\s*)*)?|^\s*expect(?:_not)?\s+)\Z")
_WIDGET_KIND = re.compile(r"\binput_method\(\s*\Z")
_WIDGET_OPTIONS = re.compile(r"\binput_method\(\s*\"([a-z_]+)\"(?P<rest>[^()]*)\Z")
_MEDIA_AFTER = re.compile(r"\bexpecting:\s*(?:\[[^\]]*)?:[a-z_]*\Z")
_ATTACHMENT_AFTER = re.compile(r"(?:\battachment:\s*|^\s*attachment\s+):[a-z_]*\Z")
_STATEMENT_OPTIONS = re.compile(r"^\s*(?:[A-Za-z_][A-Za-z0-9_.]*\s*=\s*)?(?P<word>[a-z_]+)\b[^#]*,\s*[A-Za-z_]*\Z")


@attrs.frozen
class Candidate:
    label: str
    kind: types.CompletionItemKind
    detail: str | None = None
    documentation: str | None = None
    insert: str | None = None
    replace: int = 0  # characters before the cursor the item replaces (`@gr` for `@greeting`)


def enclosing_kind(lines_above: list[str]) -> str | None:
    """`dialog`, `task` or `test`: the definition the cursor is in (the nearest column-0 header
    above it), so statements of other contexts (`expect` in a dialog) are not offered."""
    for line in reversed(lines_above):
        found = _HEADER.match(line)
        if found:
            return found.group(1)
        if line.startswith("@"):
            return None
    return None


def complete(line_prefix: str, index: BotIndex | None, data_constants: list[str],
             where: str | None = None, position: types.Position | None = None) -> types.CompletionList:
    """The completion list for the text of the line before the cursor (`where`: the enclosing
    `dialog`, `task` or `test`, if known). A constant replaces `@` and what follows it, with
    `@name` as its filter text: editors whose word includes the `@` (the VS Code extension's
    does) filter by `@gr`, and a bare `greeting` matched nothing once a letter was typed."""
    word = _typed_word(line_prefix)
    candidates = _candidates(line_prefix, word, index, data_constants, where)
    if len(candidates) > LIMIT:
        lowered = word.lower()
        candidates = [c for c in candidates if c.label.lower().startswith(lowered)]
    incomplete = len(candidates) > LIMIT
    items = [types.CompletionItem(
        label=c.label, kind=c.kind, detail=c.detail, insert_text=c.insert,
        filter_text=c.insert if c.replace else None,
        text_edit=types.TextEdit(range=types.Range(
            start=types.Position(line=position.line, character=max(0, position.character - c.replace)),
            end=position), new_text=c.insert or c.label) if c.replace and position is not None else None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=c.documentation)
        if c.documentation else None) for c in candidates[:LIMIT]]
    return types.CompletionList(is_incomplete=incomplete, items=items)


def _typed_word(line_prefix: str) -> str:
    found = re.search(r"[A-Za-z0-9_]*\Z", line_prefix)
    return found.group(0) if found else ""


def _candidates(line: str, word: str, index: BotIndex | None, data_constants: list[str],
                where: str | None) -> list[Candidate]:
    string = _open_string(line)
    if string is not None:
        before, inside = line[:string], line[string + 1:]
        if _WIDGET_KIND.search(before):
            return [Candidate(kind.name, K.EnumMember, f"widget: {kind.answer}",
                              "options: " + ", ".join(f"`{o}:`" for o in kind.options)) for kind in WIDGET_KINDS.values()]
        if _PATTERN_OPENERS.search(before) and re.search(r"\[[A-Za-z_]*\Z", inside):
            return [Candidate(kind, K.EnumMember, "BML entity") for kind in sorted(ENTITY_KINDS)] + \
                [Candidate(anchor, K.Keyword, "BML anchor") for anchor in ("Start", "End")]
        if _DIALOG_AFTER.search(line):
            return _names(index, DIALOG, K.Module, "dialog")
        return []
    if _MEDIA_AFTER.search(line):
        return [Candidate(kind, K.EnumMember, "media the question waits for") for kind in MEDIA_EXPECTATIONS]
    if _ATTACHMENT_AFTER.search(line):
        return [Candidate(kind, K.EnumMember, "attachment kind") for kind in ATTACHMENT_KINDS]
    typed = re.search(r"@[A-Za-z0-9_]*\Z", line)
    if typed:
        names = sorted(set((index.names(CONSTANT) if index else [])) | set(data_constants))
        return [Candidate(name, K.Constant, "constant" if name not in data_constants else "data file",
                          insert=f"@{name}", replace=len(typed.group(0))) for name in names]
    if _DIALOG_AFTER.search(line):
        return _names(index, DIALOG, K.Module, "dialog")
    if _TASK_AFTER.search(line):
        return _names(index, TASK, K.Method, "task")
    widget = _WIDGET_OPTIONS.search(line)
    if widget and widget.group(1) in WIDGET_KINDS and re.search(r",\s*[A-Za-z_]*\Z", widget.group("rest")):
        kind = WIDGET_KINDS[widget.group(1)]
        return [Candidate(f"{o}:", K.Property, f"option of \"{kind.name}\"", WIDGET_OPTIONS.get(o), f"{o}: ")
                for o in kind.options]
    options = _STATEMENT_OPTIONS.match(line)
    if options and options.group("word") in STATEMENTS:
        spec = STATEMENTS[options.group("word")]
        return [Candidate(f"{o}:", K.Property, f"option of `{spec.word}`", None, f"{o}: ")
                for o in sorted(spec.options - {"*"})]
    if not line[: len(line) - len(word)].strip():
        if not line[: len(line) - len(word)]:
            return [Candidate(w, K.Keyword, "definition") for w in ("dialog", "task", "test")]
        return _statement_words(where) + _variables(index)
    return _expressions(index)


def _open_string(line: str) -> int | None:
    """Where the string the cursor is in opened (index of its `"`), or None outside strings."""
    opened: int | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and opened is not None:
            index += 2
            continue
        if char == '"':
            opened = index if opened is None else None
        elif char == "#" and opened is None:
            return None  # a comment
        index += 1
    return opened


def _names(index: BotIndex | None, kind: str, item_kind: types.CompletionItemKind, detail: str) -> list[Candidate]:
    return [Candidate(name, item_kind, detail) for name in (index.names(kind) if index else [])]


def _statement_words(where: str | None) -> list[Candidate]:
    found = [Candidate(word, K.Keyword, spec.doc) for word, spec in sorted(STATEMENTS.items())
             if where is None or where in spec.contexts]
    found += [Candidate(word, K.Keyword, "block") for word in BLOCK_WORDS if word not in ("dialog", "task", "test")]
    if where == "dialog":
        found.append(Candidate("dialog", K.Keyword, "inner dialog"))
    return found


def _variables(index: BotIndex | None) -> list[Candidate]:
    return [Candidate(name, K.Variable, "variable") for name in (index.names(VARIABLE) if index else [])]


def _expressions(index: BotIndex | None) -> list[Candidate]:
    found = [Candidate(name, K.Function, signature(builtin), builtin.summary, None)
             for name, builtin in sorted(BUILTINS.items())]
    found += [Candidate(name, K.Variable, "runtime variable") for name in sorted(RUNTIME_VARIABLES)]
    found += [Candidate(word, K.Keyword) for word in ("true", "false", "nil", "and", "or", "not", "in")
              if word in KEYWORDS]
    return found + _variables(index)
