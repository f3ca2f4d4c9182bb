"""`bubble lsp`: the pygls server, its documents and bots, and publishing diagnostics.

Why this shape: pygls keeps the open buffers (incremental sync) and speaks the protocol; this
module decides which bot a document belongs to (`workspace_bots`), asks the scheduler for a check
after each open, change, save or close, and publishes each result for every file of the bot,
clearing files that no longer have findings. Requests are answered in `request_handlers`.
Logging goes to stderr only: stdout is the protocol.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ..frontend import BotFiles
from .analysis import BotResult
from .analysis_scheduler import Scheduler
from .diagnostic_convert import default_docs_base, to_lsp
from .document_lines import use_lsp_lines
from .positions import normalize
from .protocol_guard import GuardedProtocol, answer_unreadable
from .workspace_bots import bot_for, folder_bot

NAME = "bubble"


_NOT_SCRIPTS = (".toml", ".yaml", ".yml", ".json", ".csv")


class BubbleServer(LanguageServer):
    """The server: open documents -> bots -> checks -> published diagnostics."""

    def __init__(self, version: str) -> None:
        use_lsp_lines()  # edits land on the lines the editor sees (U+2028 is no line break)
        super().__init__(NAME, version, protocol_cls=GuardedProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.scheduler = Scheduler(self.publish)
        self.docs_base: str | None = default_docs_base()
        self.paths: dict[str, str] = {}
        """Path (or the URI itself, for unsaved documents) -> the URI the client uses."""
        self.bots: dict[Hashable, BotFiles] = {}
        self.published: dict[Hashable, set[str]] = {}
        self.fresh_timeout = 3.0

    # ------------------------------------------------------------------ robustness
    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors outside requests: logged to stderr; bad input gets its JSON-RPC error answer."""
        if isinstance(self.protocol, GuardedProtocol) and answer_unreadable(self.protocol, error):
            return
        if isinstance(error, JsonRpcException):
            return  # already answered to the request that raised it
        sys.stderr.write(f"bubble lsp: {type(error).__name__}: {error}\n")

    # ------------------------------------------------------------------ documents
    def path_of(self, uri: str) -> str:
        """The file path of a URI (the URI itself when it names no file, like `untitled:1`)."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        found = path or str(Path(uri))
        self.paths.setdefault(found, uri)
        return found

    def uri_of(self, path: str) -> str:
        uri = self.paths.get(path)
        if uri is None:
            uri = from_fs_path(path) if Path(path).is_absolute() else path
            uri = uri or path
        return uri

    def open_texts(self) -> dict[str, str]:
        """Open buffers by path (taken on the loop thread, read by the worker)."""
        texts: dict[str, str] = {}
        for uri, document in list(self.workspace.text_documents.items()):
            texts[self.path_of(uri)] = normalize(document.source)
        return texts

    def document_text(self, uri: str) -> str | None:
        document = self.workspace.text_documents.get(unquote(uri))
        return normalize(document.source) if document is not None else None

    def script_text(self, uri: str) -> str | None:
        """A script's text; None for a bot's other files (`bubble.toml`, data files), which the
        editor sends for their diagnostics: they get no bubble tokens, completion or formatting."""
        if unquote(uri).lower().endswith(_NOT_SCRIPTS):
            return None
        return self.document_text(uri)

    def open_paths(self) -> dict[str, str]:
        return {p: "" for p in (self.path_of(u) for u in self.workspace.text_documents)}

    def bot_key(self, uri: str) -> tuple[Hashable, BotFiles]:
        path = self.path_of(uri)
        open_paths = self.open_paths()
        if path.startswith(("file:", "untitled:")) or not Path(path).is_absolute():
            files = BotFiles(root=Path("."), scripts=(Path(path),))
        else:
            files = bot_for(Path(path), open_paths)
        key: Hashable = ("folder", str(files.root)) if files.config is not None else ("file", str(files.scripts[0]))
        self.bots[key] = files
        return key, files

    def changed(self, uri: str, *, delay: float | None = None) -> None:
        key, files = self.bot_key(uri)
        self.scheduler.schedule(key, files, self.open_texts, delay=delay)

    def closed(self, uri: str) -> None:
        """A buffer closed: its file on disk counts again, or, when there is none (an `untitled:`
        buffer, a file deleted or renamed), its bot is gone: once it stayed with "cannot read"."""
        key, files = self.bot_key(uri)
        if self._gone(files, self.open_paths()):
            self.forget(key)
        else:
            self.scheduler.schedule(key, files, self.open_texts, delay=0)

    def changed_on_disk(self, path: str) -> None:
        """A watched file changed, was created or deleted: every bot that holds it (or whose
        folder it is in) is listed again and re-checked, or forgotten when none of its scripts
        is left. With the old file list, a new `names.bot` was never read."""
        open_paths = self.open_paths()
        for key, files in list(self.bots.items()):
            held = {str(p) for p in (*files.scripts, *files.data)} | ({str(files.config)} if files.config else set())
            if path not in held and Path(path).parent != files.root:
                continue
            fresh = folder_bot(files.root, open_paths) if files.config is not None \
                else bot_for(files.scripts[0], open_paths) if files.scripts else files
            if self._gone(fresh, open_paths):
                self.forget(key)
                continue
            self.bots[key] = fresh
            self.scheduler.schedule(key, fresh, self.open_texts)

    @staticmethod
    def _gone(files: BotFiles, open_paths: dict[str, str]) -> bool:
        return not any(str(p) in open_paths or (p.is_absolute() and p.exists()) for p in files.scripts)

    def forget(self, key: Hashable) -> None:
        """A bot with no script left: no more checks, and its diagnostics cleared."""
        self.bots.pop(key, None)
        self.scheduler.forget(key)
        for path in sorted(self.published.pop(key, set())):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=self.uri_of(path), diagnostics=[]))

    # ------------------------------------------------------------------ publishing
    def publish(self, key: Hashable, result: BotResult) -> None:
        texts = dict(result.texts)
        shown: set[str] = set(result.texts) | set(result.diagnostics)
        # diagnostics without a place (an unreadable file) show in every open file of the bot
        open_now = {self.path_of(uri) for uri in self.workspace.text_documents}
        unplaced_to = {str(p) for p in result.files.scripts if str(p) in open_now} or \
            ({str(result.files.scripts[0])} if result.files.scripts else set())
        for path in sorted(shown | unplaced_to | self.published.get(key, set())):
            found = [to_lsp(d, texts, self.uri_of, self.docs_base) for d in result.diagnostics.get(path, [])]
            if path in unplaced_to:
                found.extend(to_lsp(d, texts, self.uri_of, self.docs_base) for d in result.unplaced)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=self.uri_of(path), diagnostics=found))
        self.published[key] = shown | unplaced_to
