"""The Bot API methods the stand-in implements, with the checks Telegram makes.

Why the checks: a bot that works against a stand-in which accepts anything can still fail on
Telegram the first time it sends a 4,097-character text, a `callback_data` of 65 bytes or an
unescaped "." in MarkdownV2. The descriptions are Telegram's own, so the bot's error handling
sees what it will see in production. Deliberate simplifications: text length is counted in
Python characters on the raw text (before entity parsing, so a little stricter than Telegram);
MarkdownV2 is checked only for unescaped reserved characters, not for unbalanced entities; HTML
and Markdown texts are not parsed; files sent by URL are not downloaded.
"""

from __future__ import annotations

import json
import mimetypes
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .standin_store import (BOT_USER, BotApiError, CallbackQueries, FileStore, MessageStore, StoredFile,
                            Upload)
from .standin_updates import UpdateQueue
from .standin_webhook import ACTIVE, WebhookDelivery

METHOD_NAMES = ("getMe", "deleteWebhook", "setWebhook", "getWebhookInfo", "getUpdates", "sendMessage", "sendPhoto", "sendDocument", "sendVoice",
                "sendAudio", "sendVideo", "sendLocation", "sendChatAction", "answerCallbackQuery",
                "editMessageReplyMarkup", "editMessageText", "getFile")
CANONICAL = {name.lower(): name for name in METHOD_NAMES}
MEDIA = {"sendPhoto": "photo", "sendDocument": "document", "sendVoice": "voice", "sendAudio": "audio",
         "sendVideo": "video"}
DEFAULT_MIME = {"voice": "audio/ogg", "audio": "audio/mpeg", "video": "video/mp4"}
# Parameters whose value is an object or array: in query strings and forms they come as JSON text.
# Only these are decoded, so that a text such as "[1, 2]" stays a text.
OBJECT_PARAMS = frozenset({"reply_markup", "allowed_updates", "entities", "caption_entities", "link_preview_options",
                           "reply_parameters", "media", "commands", "scope", "results", "options"})
CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                          "upload_document", "choose_sticker", "find_location", "record_video_note",
                          "upload_video_note"})
BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                  "callback_game", "pay")
RESERVED_V2 = frozenset(">#+-=|{}.!")
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"


def decode_object_params(params: dict[str, Any]) -> dict[str, Any]:
    """Object-valued parameters sent as JSON text (query strings, forms) as objects."""
    for name in OBJECT_PARAMS & params.keys():
        value = params[name]
        if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            try:
                decoded = json.loads(value)
            except ValueError:
                continue
            if isinstance(decoded, (dict, list)):
                params[name] = decoded
    return params


def check_markdown_v2(text: str) -> None:
    """Telegram's MarkdownV2 rule for `> # + - = | { } . !`: escaped with a backslash, except
    inside code (`…`, ```…```), inside a link's (URL), and `>` opening a line (a quote)."""
    code: str | None = None  # the fence while inside code
    in_url = False
    after_bracket = False  # the previous character was an unescaped "]"
    line_start = True
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            after_bracket = line_start = False
            continue
        if code is not None:
            if text.startswith(code, index):
                index, code = index + len(code), None
            else:
                index += 1
            continue
        if in_url:
            in_url = char != ")"
            index += 1
            continue
        if char == "`":
            code = "```" if text.startswith("```", index) else "`"
            index += len(code)
            after_bracket = line_start = False
            continue
        if char == "(" and after_bracket:
            in_url = True
        elif char in RESERVED_V2 and not (char == ">" and line_start):
            raise BotApiError(400, f"Bad Request: can't parse entities: Character '{char}' is reserved and must "
                                   "be escaped with the preceding '\\'")
        after_bracket = char == "]"
        line_start = char == "\n"
        index += 1


def check_text(text: str, parse_mode: Any, limit: int, too_long: str) -> None:
    """A text or caption: its parse_mode known, its markup valid, its length within `limit`."""
    mode = str(parse_mode or "").lower()
    if mode == "markdownv2":
        check_markdown_v2(text)
    elif mode not in ("", "markdown", "html"):
        raise BotApiError(400, "Bad Request: unsupported parse_mode")
    if len(text) > limit:
        raise BotApiError(400, too_long)


def reply_markup_of(params: dict[str, Any]) -> dict[str, Any] | None:
    """The `reply_markup` parameter, checked; None without one."""
    markup = params.get("reply_markup")
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            markup = None
    if not isinstance(markup, dict):
        raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise BotApiError(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an '
                                   'Array of Arrays')
        for button in (button for row in rows for button in row):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise BotApiError(400, "Bad Request: can't parse inline keyboard button: InlineKeyboardButton "
                                       "must be an Object with a text")
            data = button.get("callback_data")
            if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64):
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not any(action in button for action in BUTTON_ACTIONS):
                raise BotApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are "
                                       "unallowed in the inline keyboard")
    return markup


def shown_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a Message shows of a markup: only a non-empty inline keyboard."""
    return markup if markup and markup.get("inline_keyboard") else None


def number(params: dict[str, Any], name: str, kind: type[int] | type[float] = int,
           default: float | None = None) -> Any:
    """A numeric parameter (numbers come as text from queries and forms); 400 when missing
    without a default, or not a number."""
    value = params.get(name)
    if value is None or value == "":
        if default is None:
            raise BotApiError(400, f"Bad Request: {name} is empty")
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise BotApiError(400, f"Bad Request: wrong {name} specified") from None


def flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


class Methods:
    """Each method: its parameters in, its `result` out, or BotApiError."""

    def __init__(self, updates: UpdateQueue, files: FileStore, messages: MessageStore,
                 callbacks: CallbackQueries) -> None:
        self.updates = updates
        self.files = files
        self.messages = messages
        self.callbacks = callbacks
        self.webhook = WebhookDelivery(updates)

    async def call(self, method: str, params: dict[str, Any], uploads: dict[str, Upload]) -> Any:
        """Run a known method (a canonical name from METHOD_NAMES)."""
        if method == "getUpdates":
            return await self.get_updates(params)
        if method in MEDIA:
            return self.send_media(method, params, uploads)
        handlers: dict[str, Callable[[dict[str, Any]], Any | Awaitable[Any]]] = {
            "getMe": lambda _: dict(BOT_USER), "deleteWebhook": self.delete_webhook, "sendMessage": self.send_message,
            "setWebhook": self.webhook.set, "getWebhookInfo": lambda _: self.webhook.info(),
            "sendLocation": self.send_location, "sendChatAction": self.send_chat_action,
            "answerCallbackQuery": self.answer_callback_query, "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup, "getFile": self.get_file}
        return handlers[method](params)

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.active:
            raise BotApiError(409, ACTIVE)
        limit = max(1, min(100, number(params, "limit", default=100)))
        timeout = max(0.0, number(params, "timeout", float, default=0.0))
        return await self.updates.poll(number(params, "offset", default=0), limit, timeout)

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook.delete()
        if flag(params.get("drop_pending_updates")):
            self.updates.drop_pending()
        return True

    @staticmethod
    def chat_id(params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        if chat_id is None or str(chat_id).strip() == "":
            raise BotApiError(400, "Bad Request: chat_id is empty")
        return chat_id

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self.chat_id(params)
        text = "" if params.get("text") is None else str(params["text"])
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        check_text(text, params.get("parse_mode"), 4096, "Bad Request: message is too long")
        markup = reply_markup_of(params)
        return self.messages.new(chat_id, BOT_USER, text=text, reply_markup=shown_markup(markup))

    def send_location(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self.chat_id(params)
        latitude, longitude = number(params, "latitude", float), number(params, "longitude", float)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise BotApiError(400, "Bad Request: wrong location specified")
        markup = reply_markup_of(params)
        return self.messages.new(chat_id, BOT_USER, location={"latitude": latitude, "longitude": longitude},
                                 reply_markup=shown_markup(markup))

    def send_chat_action(self, params: dict[str, Any]) -> bool:
        self.chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def send_media(self, method: str, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        """sendPhoto, sendDocument, sendVoice, sendAudio, sendVideo: the file is an upload (the
        part named like the parameter, or `attach://<part>`), a known file_id, or an http(s) URL."""
        kind = MEDIA[method]
        chat_id = self.chat_id(params)
        caption = None if params.get("caption") is None else str(params["caption"])
        if caption is not None:
            check_text(caption, params.get("parse_mode"), 1024, "Bad Request: message caption is too long")
        markup = reply_markup_of(params)
        value = params.get(kind)
        upload = uploads.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise BotApiError(400, WRONG_FILE)
        if upload is not None:
            media = self.stored_upload(kind, upload, params)
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            media = self.files.add_photo(b"", url=value) if kind == "photo" else \
                self.describe(self.files.add(b"", kind, mime_type=DEFAULT_MIME.get(kind), url=value), params)
        elif isinstance(value, str) and value:
            stored = self.files.get(value)
            if stored is None:
                raise BotApiError(400, WRONG_FILE)
            if stored.kind != kind:
                raise BotApiError(400, f"Bad Request: can't use file of type {stored.kind.title()} as "
                                       f"{kind.title()}")
            media = self.files.photo_sizes(value) if kind == "photo" else self.describe(stored, params)
        else:
            raise BotApiError(400, f"Bad Request: there is no {kind} in the request")
        return self.messages.new(chat_id, BOT_USER, caption=caption or None, reply_markup=shown_markup(markup),
                                 **{kind: media})

    def stored_upload(self, kind: str, upload: Upload, params: dict[str, Any]) -> Any:
        """An uploaded part stored as a new file; its Message field (a PhotoSize list for photos)."""
        if not upload.data:
            raise BotApiError(400, "Bad Request: file must be non-empty")
        if kind == "photo":
            return self.files.add_photo(upload.data)
        mime = upload.content_type if upload.content_type not in (None, "", "application/octet-stream") else None
        if mime is None and upload.filename:
            mime = mimetypes.guess_type(upload.filename)[0]
        name = upload.filename if kind in ("document", "audio", "video") else None
        stored = self.files.add(upload.data, kind, file_name=name, mime_type=mime or DEFAULT_MIME.get(kind))
        return self.describe(stored, params)

    @staticmethod
    def describe(stored: StoredFile, params: dict[str, Any]) -> dict[str, Any]:
        """The Document / Voice / Audio / Video object of a stored file."""
        found = stored.summary()
        if stored.file_name:
            found["file_name"] = stored.file_name
        if stored.mime_type:
            found["mime_type"] = stored.mime_type
        if stored.kind in ("voice", "audio", "video"):
            found["duration"] = number(params, "duration", default=0)
        if stored.kind == "video":
            found["width"] = number(params, "width", default=1280)
            found["height"] = number(params, "height", default=720)
        if stored.kind == "audio":
            found.update({key: str(params[key]) for key in ("title", "performer") if params.get(key)})
        return found

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        if not self.callbacks.answer(str(params.get("callback_query_id") or "")):
            raise BotApiError(400, "Bad Request: query is too old and response timeout expired or query ID is "
                                   "invalid")
        if len(str(params.get("text") or "")) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def edited(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The bot's message an edit method names; None for an inline message (answered `true`)."""
        if params.get("inline_message_id"):
            return None
        chat_id = self.chat_id(params)
        message_id = number(params, "message_id", default=0)
        if not message_id:
            raise BotApiError(400, "Bad Request: message identifier is not specified")
        message = self.messages.get(chat_id, message_id)
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if message["from"].get("id") != BOT_USER["id"]:
            raise BotApiError(400, "Bad Request: message can't be edited")
        return message

    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        text = "" if params.get("text") is None else str(params["text"])
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        check_text(text, params.get("parse_mode"), 4096, "Bad Request: message is too long")
        markup = shown_markup(reply_markup_of(params))
        message = self.edited(params)
        if message is None:
            return True
        if "text" not in message:
            raise BotApiError(400, "Bad Request: there is no text in the message to edit")
        if message["text"] == text and message.get("reply_markup") == markup:
            raise BotApiError(400, NOT_MODIFIED)
        return self.messages.update(message["chat"]["id"], message["message_id"], text=text, reply_markup=markup,
                                    edit_date=int(time.time()))

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        markup = shown_markup(reply_markup_of(params))
        message = self.edited(params)
        if message is None:
            return True
        if message.get("reply_markup") == markup:
            raise BotApiError(400, NOT_MODIFIED)
        return self.messages.update(message["chat"]["id"], message["message_id"], reply_markup=markup,
                                    edit_date=int(time.time()))

    def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        return stored.as_file()
