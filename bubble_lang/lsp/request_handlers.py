"""The requests `bubble lsp` answers, each guarded so one failure never stops the server.

Why guarded: a request that fails answers with its empty result (and the reason on stderr), and a
refusal (rename of a builtin) with an LSP error the editor shows; nothing escapes to stdout. Requests
that read the tree at a position (hover, definition, references, rename, symbols) wait for the
check of the current text (`Scheduler.fresh`), since positions in an older tree would point at the
wrong words; completion never waits and answers from the last index.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .analysis import BotResult
from .bot_index import Place, index_of
from .code_actions import replacement
from .completion import complete, enclosing_kind
from .document_symbols import document_symbols
from .hover import hover_text
from .language_server import BubbleServer
from .navigation import RenameRefused, check_rename, definitions, references, rename_edits
from .node_lookup import Target, target_at
from .positions import LineIndex, set_encoding
from .semantic_tokens import TOKEN_MODIFIERS, TOKEN_TYPES, semantic_tokens
from .signature_help import signature_help, statement_prefix
from .text_blocks import FileLayout
from .workspace_symbols import workspace_symbols

REQUEST_FAILED = -32803
T = TypeVar("T")


def guarded(default: Any) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Answer `default` when the handler fails (refusals still go out as LSP errors)."""
    def wrap(handler: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        @functools.wraps(handler)
        async def run(*args: Any) -> T:
            try:
                return await handler(*args)
            except JsonRpcException:
                raise
            except RenameRefused as refusal:
                raise JsonRpcException(str(refusal), code=REQUEST_FAILED) from None
            except Exception:  # noqa: BLE001 - one failing request must not stop the server
                sys.stderr.write(f"bubble lsp: {handler.__name__} failed:\n{traceback.format_exc()}")
                return default() if callable(default) else default
        return run
    return wrap


async def _at(server: BubbleServer, uri: str, position: types.Position
              ) -> tuple[BotResult, FileLayout, int, Target | None] | None:
    """The checked layout of the document's current text and the offset of a position."""
    text = server.document_text(uri)
    if text is None:
        return None
    key, _ = server.bot_key(uri)
    result = await server.scheduler.fresh(key, server.fresh_timeout)
    if result is None:
        return None
    layout = result.layouts.get(server.path_of(uri))
    if layout is None or layout.text != text:
        return None
    offset = layout.index.offset(position.line, position.character)
    if offset is None:
        return None
    return result, layout, offset, target_at(layout, offset)


def _range(index: LineIndex, start: int, end: int) -> types.Range:
    a, b = index.position(start), index.position(end)
    return types.Range(start=types.Position(line=a[0], character=a[1]), end=types.Position(line=b[0], character=b[1]))


def _location(server: BubbleServer, result: BotResult, place: Place | tuple[str, int, int]) -> types.Location:
    path, start, end = (place.path, place.start, place.end) if isinstance(place, Place) else place
    index = result.texts.get(path)
    if index is None:
        zero = types.Position(line=0, character=0)
        return types.Location(uri=server.uri_of(path), range=types.Range(start=zero, end=zero))
    return types.Location(uri=server.uri_of(path), range=_range(index, start, end))


def register(server: BubbleServer) -> None:
    """Attach every feature to `server`."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: BubbleServer, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if isinstance(options.get("debounceMs"), (int, float)):
            ls.scheduler.debounce = max(0.0, options["debounceMs"] / 1000)
        if isinstance(options.get("wholeFileLines"), int):
            ls.scheduler.whole_file_lines = options["wholeFileLines"]
        if isinstance(options.get("docsUrl"), str):
            ls.docs_base = options["docsUrl"] or None
        encoding = ls.workspace.position_encoding
        set_encoding(str(getattr(encoding, "value", encoding) or "utf-16"))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BubbleServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: BubbleServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: BubbleServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BubbleServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)  # the file on disk counts again (if there is one)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: BubbleServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.changed_on_disk(ls.path_of(change.uri))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    async def hover(ls: BubbleServer, params: types.HoverParams) -> types.Hover | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None or found[3] is None:
            return None
        result, layout, offset, target = found
        text = hover_text(target, result)
        if not text:
            return None
        placed = layout.block_at(offset)
        shift = placed.start if placed is not None else 0
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=_range(layout.index, target.span.start + shift, target.span.end + shift))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(list)
    async def definition(ls: BubbleServer, params: types.DefinitionParams) -> list[types.Location]:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None or found[3] is None:
            return []
        result, layout, offset, target = found
        return [_location(ls, result, place) for place in definitions(target, result, layout, offset)]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(list)
    async def find_references(ls: BubbleServer, params: types.ReferenceParams) -> list[types.Location]:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None or found[3] is None:
            return []
        result, _, _, target = found
        include = bool(params.context and params.context.include_declaration)
        return [_location(ls, result, place) for place in references(target, result, include_declaration=include)]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(None)
    async def prepare_rename(ls: BubbleServer, params: types.PrepareRenameParams) -> types.Range | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        result, layout, offset, target = found
        check_rename(target, result)
        assert target is not None
        placed = layout.block_at(offset)
        shift = placed.start if placed is not None else 0
        return _range(layout.index, target.span.start + shift, target.span.end + shift)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    @guarded(None)
    async def rename(ls: BubbleServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None:
            raise RenameRefused("the document is not checked yet, or the position is outside it")
        result, _, _, target = found
        target = check_rename(target, result)
        changes: dict[str, list[types.TextEdit]] = {}
        for edit in rename_edits(target, params.new_name, result):
            location = _location(ls, result, (edit.path, edit.start, edit.end))
            changes.setdefault(location.uri, []).append(types.TextEdit(range=location.range, new_text=edit.text))
        return types.WorkspaceEdit(changes=changes)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["@", "[", " ", '"', ","]))
    @guarded(lambda: types.CompletionList(is_incomplete=False, items=[]))
    async def completion(ls: BubbleServer, params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        text = ls.script_text(uri)
        if text is None:
            return types.CompletionList(is_incomplete=False, items=[])
        key, _ = ls.bot_key(uri)
        result = ls.scheduler.results.get(key)
        lines = text.split("\n", params.position.line + 1)
        prefix = _line_prefix(lines, params.position)
        if prefix is None:
            return types.CompletionList(is_incomplete=False, items=[])
        data = sorted(result.data_constants) if result is not None else []
        where = enclosing_kind(lines[max(0, params.position.line - 2000):params.position.line])
        return complete(prefix, index_of(result) if result is not None else None, data, where, params.position)

    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP,
                    types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[" ", ":"]))
    @guarded(None)
    async def signature(ls: BubbleServer, params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        text = ls.script_text(params.text_document.uri)
        if text is None:
            return None
        lines = text.split("\n", params.position.line + 1)
        prefix = _line_prefix(lines, params.position)
        if prefix is None:
            return None
        return signature_help(statement_prefix(lines, params.position.line, prefix))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(list)
    async def symbols(ls: BubbleServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        uri = params.text_document.uri
        text = ls.document_text(uri)
        key, _ = ls.bot_key(uri)
        result = await ls.scheduler.fresh(key, ls.fresh_timeout)
        layout = result.layouts.get(ls.path_of(uri)) if result is not None else None
        if layout is None or layout.text != text:
            return []
        return document_symbols(layout)

    legend = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, legend)
    @guarded(lambda: types.SemanticTokens(data=[]))
    async def tokens(ls: BubbleServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        return await _semantic_tokens(ls, params.text_document.uri, None)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, legend)
    @guarded(lambda: types.SemanticTokens(data=[]))
    async def tokens_in_range(ls: BubbleServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
        return await _semantic_tokens(ls, params.text_document.uri, (params.range.start.line, params.range.end.line))

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(list)
    async def symbol_search(ls: BubbleServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
        return workspace_symbols(params.query, list(ls.scheduler.results.values()), ls.uri_of)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(list)
    async def formatting(ls: BubbleServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        text = ls.script_text(params.text_document.uri)
        if text is None:
            return []
        name = ls.path_of(params.text_document.uri)
        formatted = await asyncio.get_running_loop().run_in_executor(None, _format, text, name)
        if formatted is None or formatted == text:
            return []
        index = LineIndex(text)
        return [types.TextEdit(range=_range(index, 0, len(text)), new_text=formatted)]

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    @guarded(list)
    async def code_action(ls: BubbleServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        text = ls.document_text(uri)
        if text is None:
            return []
        index = LineIndex(text)
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            fix = _fix_of(diagnostic, text, index)
            if fix is None:
                continue
            actions.append(types.CodeAction(
                title=f"Replace with `{fix}`", kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=diagnostic.range, new_text=fix)]})))
        return actions

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: BubbleServer, *args: Any) -> None:
        ls.scheduler.shutdown()


async def _semantic_tokens(ls: BubbleServer, uri: str, lines: tuple[int, int] | None) -> types.SemanticTokens:
    """The tokens of a document (or of the blocks touching `lines`), read off the event loop: the
    first request on a large file tokenizes all of it."""
    text = ls.script_text(uri)
    if text is None:
        return types.SemanticTokens(data=[])
    data = await asyncio.get_running_loop().run_in_executor(None, semantic_tokens, text, ls.path_of(uri), lines)
    return types.SemanticTokens(data=data)


def _line_prefix(lines: list[str], position: types.Position) -> str | None:
    """The text of the cursor's line before the cursor, from the document's lines up to it (None
    past the end of the document)."""
    if position.line >= len(lines):
        return None
    line = LineIndex(lines[position.line])
    return line.text[:line.offset(0, position.character) or 0]


def _format(text: str, name: str) -> str | None:
    from ..cli.fmt import format_text
    from ..diagnostics import BubbleError

    try:
        return format_text(text, name)
    except BubbleError:
        return None


def _fix_of(diagnostic: types.Diagnostic, text: str, index: LineIndex) -> str | None:
    """The replacement a "did you mean" diagnostic offers (from its data, else from its message)."""
    if diagnostic.source not in (None, "bubble"):
        return None
    data = diagnostic.data
    if isinstance(data, dict) and isinstance(data.get("replacement"), str):
        return data["replacement"]
    hint = next((line[len("help: "):] for line in diagnostic.message.split("\n") if line.startswith("help: ")), None)
    start = index.offset(diagnostic.range.start.line, diagnostic.range.start.character)
    end = index.offset(diagnostic.range.end.line, diagnostic.range.end.character)
    if start is None or end is None:
        return None
    return replacement(hint, text[start:end])
