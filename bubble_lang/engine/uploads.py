"""Uploaded files (layer 9): where the host keeps them, and how a file reaches the `upload` widget
that waits for it (SPEC §8).

Input: a file a channel received (name, type, bytes) for a conversation. Output: the file stored
under a random key in an `UploadStore` (by default `.bubble/uploads/` beside the bot), and the
conversation answered with the attachment record `{name, type, size, key}`.

Rules, in order: the waiting widget is read from the conversation; `check_upload` checks type
and size against it BEFORE anything is written; a file that does not fit is never stored, and the
turn that follows says why (the VM refuses the same record for the same reason, with the same
words, `runtime/upload_rules.py`) and asks again. Files are named by a random key, never by the
user's file name (which may hold `../`, or clash). The VM checks the record once more when it
arrives: a client could send any record with `send_answer`.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

from ..runtime.input_checks import clean_text
from ..runtime.outputs import Output
from ..runtime.steps import Answer
from ..runtime.upload_rules import DEFAULT_MAX_BYTES, MAX_NAME, upload_problem

_KEY = re.compile(r"[0-9a-f]{32}")

__all__ = ["DEFAULT_MAX_BYTES", "UploadStore", "answer_upload", "check_upload", "clean_name", "default_upload_folder"]


class UploadStore:
    """A folder of uploaded files, each named by a random key (32 hex digits)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def put(self, data: bytes) -> str:
        """Store the bytes under a new key (written to a temporary file, then renamed, so a crash
        never leaves half a file under a key)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, self.folder / key)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def path(self, key: str) -> Path:
        """Where the file of `key` is; a key that is not one of ours is refused (no `../`)."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"not an upload key: {key[:40]!r}")
        return self.folder / key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def keys(self) -> list[str]:
        """The keys stored (tests and clean-up tools)."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if _KEY.fullmatch(p.name))


def default_upload_folder(bot: Any) -> Path:
    """`.bubble/uploads/` beside the bot (next to its conversation store)."""
    root = Path(bot.check.files.root)
    return (root if root.is_dir() else root.parent) / ".bubble" / "uploads"


def clean_name(name: str) -> str:
    """The user's file name as shown in the record: its last path part, valid text, at most
    `MAX_NAME` characters. It is only ever shown, never used as a path."""
    base = clean_text(str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:MAX_NAME]


def check_upload(widget_fields: dict[str, Any] | None, name: str, type: str, size: int) -> str | None:
    """None when a file fits the waiting widget (`types:`, `max_size:`, by default
    `DEFAULT_MAX_BYTES`), else why not, in words. No widget: not an upload question."""
    if not widget_fields or widget_fields.get("kind") != "upload":
        return "No question is waiting for a file."
    return upload_problem(widget_fields, name, type, size)


async def answer_upload(runner: Any, conversation_id: str, name: str, type: str, data: bytes, *,
                        message_id: str | None = None) -> list[Output]:
    """`Runner.send_upload`: check, store (only a file that fits), then answer the widget."""
    name = clean_name(name)
    type = clean_text(str(type)).strip()[:MAX_NAME]
    record: dict[str, Any] = {"name": name, "type": type, "size": len(data)}
    waiting = await runner.waiting(conversation_id)
    widget = waiting.widget if isinstance(waiting, Answer) else None
    if check_upload(widget, name, type, len(data)) is None:
        if runner.uploads is None:
            runner.uploads = UploadStore(default_upload_folder(runner.bot))
        record["key"] = runner.uploads.put(data)
    # A file that does not fit is sent as its record without a key: the turn refuses it with the
    # reason and asks again (or says no file was expected), and nothing was stored.
    return await runner.send_answer(conversation_id, record, message_id=message_id)
