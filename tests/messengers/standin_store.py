"""What the Bot API stand-in remembers: files, the messages of each chat, callback queries, and
the Telegram objects (User, Chat, Message, PhotoSize…) built from them.

Why a store at all, rather than echoing requests back: a bot under test downloads the photo a
user sent (getFile, then /file/…), edits the keyboard of a message it sent earlier, answers a
callback query once; each of those only behaves like Telegram if the stand-in remembers what
happened before. The server's thread and the test's thread both touch the store, so each class
here takes its own lock and hands out copies, never its own dicts.
"""

from __future__ import annotations

import copy
import itertools
import mimetypes
import secrets
import threading
import time
from typing import Any

import attrs

BOT_USER: dict[str, Any] = {"id": 42, "is_bot": True, "first_name": "StandIn", "username": "standin_bot"}

# Where Telegram puts each kind of file on its file server (the `file_path` of getFile).
FOLDERS: dict[str, tuple[str, str]] = {
    "photo": ("photos", ".jpg"), "document": ("documents", ""), "voice": ("voice", ".oga"),
    "audio": ("music", ".mp3"), "video": ("videos", ".mp4"), "thumbnail": ("thumbnails", ".jpg"),
}
# Telegram does not give a `file_path` (so no download) for files over 20 MB.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
# The sizes of the three PhotoSize objects of every photo: two smaller copies, then the real one.
PHOTO_SIZES = ((90, 67), (320, 240), (1280, 960))


class BotApiError(Exception):
    """A Bot API failure: the HTTP status (also Telegram's `error_code`) and its description."""

    def __init__(self, status: int, description: str, retry_after: int | None = None):
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def chat_key(chat_id: Any) -> int | str:
    """A chat id as Telegram returns it: an int when it is numeric, else the text (`@channel`)."""
    text = str(chat_id).strip()
    return int(text) if text.lstrip("-").isdigit() else text


def chat_of(chat_id: Any) -> dict[str, Any]:
    """The Chat object of a chat id: a private chat, or a group for negative ids (as Telegram's are)."""
    key = chat_key(chat_id)
    if isinstance(key, int) and key < 0:
        return {"id": key, "type": "group", "title": "Stand-in group"}
    return {"id": key, "type": "private"}


def user_of(user_id: Any) -> dict[str, Any]:
    """The User object of a test user: a person, not a bot."""
    key = chat_key(user_id)
    return {"id": key, "is_bot": False, "first_name": "Tester", "username": f"tester{key}", "language_code": "en"}


@attrs.frozen
class Upload:
    """A file part of a multipart request, before a method decides what kind of file it is."""

    filename: str | None
    content_type: str | None
    data: bytes


@attrs.frozen
class StoredFile:
    """One file on the stand-in's file server. `url` is set for files "sent by URL": the stand-in
    does not download them, so their bytes are empty."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None

    def as_file(self) -> dict[str, Any]:
        """The File object of getFile (no `file_path` over 20 MB, as Telegram)."""
        found = self.summary()
        if len(self.data) <= DOWNLOAD_LIMIT:
            found["file_path"] = self.file_path
        return found

    def summary(self) -> dict[str, Any]:
        """The fields every file object of a Message starts with."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": len(self.data)}


class FileStore:
    """file_id → StoredFile, and file_path → the same file for the download route."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[dict[str, Any]]] = {}

    def add(self, data: bytes, kind: str, *, file_name: str | None = None, mime_type: str | None = None,
            url: str | None = None) -> StoredFile:
        """A new file with a fresh file_id (ids carry a random part: a bot must not guess them)."""
        folder, suffix = FOLDERS.get(kind, ("documents", ""))
        if kind == "document" and file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        with self._lock:
            number = next(self._numbers)
            stored = StoredFile(file_id=f"{kind}-{number}-{secrets.token_hex(4)}", file_unique_id=f"u{number}",
                                file_path=f"{folder}/file_{number}{suffix}", data=bytes(data), kind=kind,
                                file_name=file_name, mime_type=mime_type, url=url)
            self._by_id[stored.file_id] = stored
            self._by_path[stored.file_path] = stored
            return stored

    def add_photo(self, data: bytes, *, url: str | None = None) -> list[dict[str, Any]]:
        """A photo as Telegram stores one: three PhotoSize objects, smallest first. Only the last
        holds `data`; the smaller ones hold placeholder bytes of their own, so a bot that
        downloads the wrong size gets something a test can tell apart."""
        sizes: list[dict[str, Any]] = []
        for index, (width, height) in enumerate(PHOTO_SIZES):
            real = index == len(PHOTO_SIZES) - 1
            content = data if real else f"stand-in photo size {width}x{height}".encode()
            stored = self.add(content, "photo", mime_type="image/jpeg", url=url if real else None)
            sizes.append({**stored.summary(), "width": width, "height": height})
        with self._lock:
            self._photo_sizes[sizes[-1]["file_id"]] = sizes
        return copy.deepcopy(sizes)

    def photo_sizes(self, file_id: str) -> list[dict[str, Any]]:
        """The PhotoSize list a photo's file_id stands for when a bot sends it again."""
        with self._lock:
            sizes = self._photo_sizes.get(file_id)
            found = self._by_id.get(file_id)
        if sizes is not None:
            return copy.deepcopy(sizes)
        assert found is not None
        return [{**found.summary(), "width": PHOTO_SIZES[0][0], "height": PHOTO_SIZES[0][1]}]

    def get(self, file_id: str) -> StoredFile | None:
        with self._lock:
            return self._by_id.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        with self._lock:
            return self._by_path.get(file_path)


class MessageStore:
    """Every message of every chat (the bot's and the users'), by (chat, message_id), so that the
    edit methods find what they edit. One counter for all chats keeps ids unique per stand-in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_id = 1
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}

    def new(self, chat_id: Any, sender: dict[str, Any], message_id: int | None = None,
            **fields: Any) -> dict[str, Any]:
        """A new message (fields set to None are left out), remembered; a copy of it. A given
        `message_id` moves the counter past it, so later messages never reuse it."""
        with self._lock:
            number = self._next_id if message_id is None else int(message_id)
            self._next_id = max(self._next_id, number + 1)
            message = {"message_id": number, "from": dict(sender), "chat": chat_of(chat_id),
                       "date": int(time.time()), **{k: v for k, v in fields.items() if v is not None}}
            self._messages[(chat_key(chat_id), number)] = message
            return copy.deepcopy(message)

    def get(self, chat_id: Any, message_id: Any) -> dict[str, Any] | None:
        with self._lock:
            found = self._messages.get((chat_key(chat_id), int(message_id)))
            return copy.deepcopy(found) if found is not None else None

    def update(self, chat_id: Any, message_id: Any, **fields: Any) -> dict[str, Any]:
        """Change a message (a field set to None is removed); a copy of the result."""
        with self._lock:
            message = self._messages[(chat_key(chat_id), int(message_id))]
            for name, value in fields.items():
                if value is None:
                    message.pop(name, None)
                else:
                    message[name] = copy.deepcopy(value)
            return copy.deepcopy(message)

    def latest_with_button(self, chat_id: Any, callback_data: str) -> dict[str, Any] | None:
        """The newest message of the bot in this chat whose inline keyboard has this button: the
        message a real callback query would carry."""
        key = chat_key(chat_id)
        with self._lock:
            for (chat, _), message in sorted(self._messages.items(), key=lambda item: -item[0][1]):
                rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
                if chat == key and any(button.get("callback_data") == callback_data for row in rows
                                       for button in row if isinstance(button, dict)):
                    return copy.deepcopy(message)
        return None


class CallbackQueries:
    """Ids of the callback queries handed to the bot; each can be answered once, as on Telegram."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._issued: list[str] = []
        self._open: set[str] = set()

    def issue(self) -> str:
        with self._lock:
            query_id = f"{7_000_000_000_000 + next(self._numbers)}"
        self.register(query_id)
        return query_id

    def register(self, query_id: str) -> None:
        with self._lock:
            if query_id not in self._issued:
                self._issued.append(query_id)
                self._open.add(query_id)

    def answer(self, query_id: str) -> bool:
        """True the first time an issued query is answered; False after, or for unknown ids."""
        with self._lock:
            if query_id in self._open:
                self._open.discard(query_id)
                return True
            return False

    def issued(self) -> list[str]:
        with self._lock:
            return list(self._issued)
