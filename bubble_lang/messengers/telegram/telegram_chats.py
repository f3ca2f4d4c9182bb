"""What both Telegram interfaces share (layer 11): playing updates, delivering output, sending.

`LongpollingInterface` (`long_polling.py`) fetches updates with `getUpdates`, `WebhookInterface`
(`webhook.py`) is sent them by Telegram; either hands each update to `TelegramChats.handle`, which
plays it once and never raises for one chat's failure:

- **Each update is played once.** Its id goes to the runner as the input's `message_id`,
  committed with the turn, so an update Telegram sends again (not confirmed before a crash, or a
  webhook call that timed out) is not played twice.
- **Output goes through the outbox**, not the turn's return value: the interface subscribes to
  each chat's conversation, so what timers say while nobody types reaches the chat too, and
  output committed but not yet sent when the process died is sent after the restart (the next
  time that chat is heard from; a send cut off mid-way may then be repeated: at least once).
- The conversation id is the chat id (as Chatsky). `/start` in a chat without a conversation
  opens it (the greeting) and is not played as text; later, `/start` is a message like any other.
- Choices are inline keyboards; every callback is answered (`answerCallbackQuery`), and a
  question's keyboard is removed once it is answered, so a second tap cannot answer twice. A
  tap on an old keyboard is told so and plays nothing.
- Sends: a 429 waits `retry_after`; the network and 5xx back off (capped, jittered); a message
  Telegram cannot parse as HTML goes again as plain text; a lost message is logged and the
  conversation goes on.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import random
import re
from pathlib import Path
from typing import Any

from ...diagnostics import BubbleError
from ...runtime.inputs import AnswerInput, AttachmentInput, EventInput, LocationInput, StartInput, TextInput
from ...runtime.outputs import Output
from ...runtime.steps import Answer
from ...storage.errors import StoreUnavailable
from ..interfaces import MessengerInterfaceWithAttachments
from ...engine.output_frames import output_frame
from .bot_api import BotApi, BotApiError
from .telegram_send import Keyboard, Send, ascii_number, frame_sends

log = logging.getLogger("bubble.telegram")
MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API's own download limit
SEND_TRIES = 5
ALLOWED_UPDATES = ["message", "callback_query"]
_TAG = re.compile(r"<[^>]+>")
# `/start`, `/start payload`, and in groups `/start@our_bot`: opens a new chat, never an answer.
_START = re.compile(r"/start(?:@\w+)?(?:\s|$)")


class Backoff:
    """Capped exponential waits with jitter: 0.5 s, 1 s, 2 s … at most `ceiling`."""

    def __init__(self, ceiling: float = 30.0):
        self.ceiling = ceiling
        self.failures = 0

    def next(self) -> float:
        wait = min(self.ceiling, 0.5 * 2 ** self.failures)
        self.failures += 1
        return wait * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0


class TelegramChats(MessengerInterfaceWithAttachments):
    """The chats of one Telegram bot over one bubble runner (see the module docstring)."""

    #: A turn that cannot be committed because the store is away: raise `StoreUnavailable` from
    #: `handle` (a webhook answers 503 and Telegram sends the update again) instead of telling the
    #: chat "Sorry" (long polling has already fetched the update and moves on).
    raise_when_unavailable = False

    def __init__(self, token: str, attachments_directory: Path | None, *, base_url: str, api_timeout: float):
        super().__init__(attachments_directory)
        self.api = BotApi(token, base_url, timeout=api_timeout)
        self.keyboards: dict[str, Keyboard] = {}
        self.subscribed: dict[str, Any] = {}
        self.stopping = asyncio.Event()
        self.runner: Any = None

    async def get_attachment_bytes(self, source: str) -> bytes:
        data, _ = await self.api.download(source, MAX_DOWNLOAD)
        return data

    def stop(self) -> None:
        self.stopping.set()

    def attach(self, pipeline_runner: Any) -> None:
        """Take the bubble `Runner` behind `pipeline_runner` (`load_bot(path).runner(…)`), started."""
        self.runner = getattr(pipeline_runner, "runner", None)
        if self.runner is None:
            raise TypeError("the Telegram interface needs a bubble pipeline runner: load_bot(path).runner(store=…)")
        if getattr(pipeline_runner, "_own", False) and not getattr(pipeline_runner, "_started", True):
            self.runner.start()
            pipeline_runner._started = True

    async def close(self) -> None:
        for subscription in self.subscribed.values():
            subscription.close()
        await self.api.close()

    async def until_ok(self, method: str, params: dict[str, Any], backoff: Backoff) -> Any:
        """Call `method` until it succeeds (waiting as told); None after a 401 or `stop()`."""
        while not self.stopping.is_set():
            try:
                return await self.api.call(method, params)
            except BotApiError as error:
                if error.code == 401:
                    log.error("Telegram: the bot token was refused (401 Unauthorized); stopping")
                    return None
                if not error.temporary:
                    log.error("Telegram: %s refused (%s %s); stopping", method, error.code, error.description)
                    return None
                await self._sleep(error.retry_after if error.retry_after is not None else backoff.next())
        return None

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    # ------------------------------------------------------------------ updates in
    async def handle(self, update: dict[str, Any]) -> None:
        """Play one update (never raises: a chat's failure is logged and told to that chat)."""
        chat_id = chat_id_of(update)
        if chat_id is None:
            # edited messages, channel posts, callbacks without their message, and shapes Telegram
            # never sends (a forged call with the secret): not for us, and not a server error
            return
        callback = update.get("callback_query")
        cid = str(chat_id)
        mid = f"telegram:{update['update_id']}"
        try:
            await self._subscribe(cid, chat_id)
            if callback:
                await self._callback(cid, chat_id, callback, mid)
            else:
                await self._message(cid, update["message"], mid)
            await self._tidy_keyboard(cid, chat_id)
        except StoreUnavailable:
            if self.raise_when_unavailable:
                raise
            log.warning("Telegram: update %s of chat %s not played: the store is unavailable",
                        update.get("update_id"), cid[:6])
            await self._send(Send("sendMessage", {"chat_id": chat_id, "text": "Sorry, something went wrong."}))
        except BubbleError as error:  # the input was refused: say why
            reason = error.diagnostics[0].message if error.diagnostics else "that message could not be read"
            await self._send(Send("sendMessage", {"chat_id": chat_id, "text": f"Sorry: {reason}"}))
        except Exception:  # noqa: BLE001 - one chat's failure is not the others'
            log.exception("Telegram: update %s of chat %s failed", update.get("update_id"), cid[:6])
            await self._send(Send("sendMessage", {"chat_id": chat_id, "text": "Sorry, something went wrong."}))

    async def _subscribe(self, cid: str, chat_id: Any) -> None:
        if cid not in self.subscribed:
            self.subscribed[cid] = await self.runner.subscribe(cid, lambda output: self._deliver(chat_id, output))

    async def _message(self, cid: str, message: dict[str, Any], mid: str) -> None:
        runner = self.runner
        text = message.get("text")
        new = await runner.state(cid) is None
        if new and isinstance(text, str) and _START.match(text):
            await runner.send(cid, StartInput(frontend="telegram"), message_id=mid)
            return
        if new:
            await runner.send(cid, StartInput(frontend="telegram"), message_id=f"{mid}/open")
        point = _point_of(message.get("location"))
        if point is not None:
            await runner.send(cid, point, message_id=mid)
        elif isinstance(message.get("contact"), dict):
            await runner.send(cid, EventInput(name="contact", payload=message["contact"]), message_id=mid)
        elif (file := _file_of(message)) is not None:
            await self._file(cid, message, file, mid)
        elif isinstance(text, str):
            await runner.send(cid, TextInput(text=text), message_id=mid)

    async def _file(self, cid: str, message: dict[str, Any], file: tuple[str, dict[str, Any]], mid: str) -> None:
        kind, found = file
        name = str(found.get("file_name") or f"{kind}{_extension(found.get('mime_type'), kind)}")
        mime = str(found.get("mime_type") or {"image": "image/jpeg", "voice": "audio/ogg"}.get(kind, "application/octet-stream"))
        waiting = await self.runner.waiting(cid)
        if isinstance(waiting, Answer) and (waiting.widget or {}).get("kind") == "upload":
            data = await self.get_attachment_bytes(str(found["file_id"]))
            await self.runner.send_upload(cid, name, mime, data, message_id=mid)
            return
        details: dict[str, Any] = {"name": name, "type": mime}
        if isinstance(found.get("file_size"), int):
            details["size"] = found["file_size"]
        if message.get("caption"):
            details["caption"] = str(message["caption"])
        await self.runner.send(cid, AttachmentInput(kind=kind, data=details), message_id=mid)

    async def _callback(self, cid: str, chat_id: Any, callback: dict[str, Any], mid: str) -> None:
        data = str(callback.get("data") or "")
        tapped = callback.get("message") or {}  # the bot's message with the keyboard, as the chat shows it
        note: str | None = None
        try:
            if data == "b":
                await self.runner.back(cid, message_id=mid)
                return
            head, _, rest = data.partition(":")
            seq_text, _, index_text = rest.partition(":")
            seq, index = ascii_number(seq_text), ascii_number(index_text)
            keyboard = await self._keyboard(cid, -1 if seq is None else seq, tapped.get("reply_markup"))
            if keyboard is None:
                note = "That question was already answered."
                await self._remove_markup(chat_id, tapped.get("message_id"))
                return
            if head == "t" and index is not None and index < len(keyboard.values):
                keyboard.picked = [i for i in keyboard.picked if i != index] if index in keyboard.picked \
                    else keyboard.picked + [index]
                keyboard.message_id = keyboard.message_id or tapped.get("message_id")
                await self._send(Send("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": keyboard.message_id,
                                                                 "reply_markup": keyboard.markup()}))
                return
            if head == "d":
                picked = keyboard.picked if keyboard.ordered else sorted(keyboard.picked)
                value: Any = [keyboard.values[i] for i in picked]
            elif head == "c" and index is not None and index < len(keyboard.values):
                value = keyboard.values[index]
            else:
                note = "That button is not known."
                return
            self.keyboards.pop(cid, None)
            await self._remove_markup(chat_id, tapped.get("message_id"))
            answer = AnswerInput(value=value) if keyboard.widget else TextInput(text=str(value))
            await self.runner.send(cid, answer, message_id=mid)
        finally:
            await self._send(Send("answerCallbackQuery", {"callback_query_id": callback.get("id"), "text": note}))

    async def _keyboard(self, cid: str, seq: int, shown: Any) -> Keyboard | None:
        """The open keyboard a tap belongs to: the one this process drew, or (after a restart)
        the question the conversation still waits for, with the toggles the tapped keyboard
        `shown` has picked; None for an old one."""
        known = self.keyboards.get(cid)
        if known is not None:
            return known if known.seq == seq else None
        waiting = await self.runner.waiting(cid)
        if not isinstance(waiting, Answer):
            return None
        widget = waiting.widget
        entries = (widget or {}).get("items") or list(waiting.choices)
        if not entries:
            return None
        _, keyboard = frame_sends(0, {"type": "widget" if widget else "options", "text": "", "seq": seq,
                                      "widget": widget, "choices": list(waiting.choices)})
        if keyboard is not None:
            if keyboard.multi:
                keyboard.restore_picks(shown)
            self.keyboards[cid] = keyboard
        return keyboard

    async def _tidy_keyboard(self, cid: str, chat_id: Any) -> None:
        """A keyboard whose question is no longer open (answered by typing) is removed."""
        keyboard = self.keyboards.get(cid)
        if keyboard is not None and not isinstance(await self.runner.waiting(cid), Answer):
            self.keyboards.pop(cid, None)
            await self._remove_markup(chat_id, keyboard.message_id)

    async def _remove_markup(self, chat_id: Any, message_id: Any) -> None:
        if message_id is not None:
            await self._send(Send("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id}))

    # ------------------------------------------------------------------ output
    async def _deliver(self, chat_id: Any, output: Output) -> None:
        frame = output_frame(output)
        if frame is None:
            return
        sends, keyboard = frame_sends(chat_id, frame)
        sent: Any = None
        for send in sends:
            sent = await self._send(send)
        if keyboard is not None:
            cid = str(chat_id)
            old = self.keyboards.get(cid)
            if old is not None and old.message_id is not None:
                await self._remove_markup(chat_id, old.message_id)
            keyboard.message_id = sent.get("message_id") if isinstance(sent, dict) else None
            self.keyboards[cid] = keyboard

    async def _send(self, send: Send) -> Any:
        """One call, tried again on 429 (after `retry_after`), 5xx and network errors; a message
        Telegram cannot parse as HTML goes again as plain text. Never raises: a lost message is
        logged, and the conversation goes on."""
        backoff = Backoff(ceiling=10)
        params = send.params
        for _ in range(SEND_TRIES):
            try:
                return await self.api.call(send.method, params, files=send.files)
            except BotApiError as error:
                if error.code == 400 and params.get("parse_mode"):
                    params = {**params, "parse_mode": None, "text": html.unescape(_TAG.sub("", params.get("text", "")))}
                    continue
                if not error.temporary:
                    if send.method not in ("editMessageReplyMarkup", "answerCallbackQuery"):
                        log.warning("Telegram: %s refused (%s %s)", send.method, error.code, error.description)
                    return None
                await self._sleep(error.retry_after if error.retry_after is not None else backoff.next())
        log.warning("Telegram: %s failed %d times; the message is dropped", send.method, SEND_TRIES)
        return None


def chat_id_of(update: dict[str, Any]) -> int | None:
    """The chat an update is played in: its message's, or for a button tap the tapped message's;
    None when it has none (edited messages, channel posts) or not one Telegram sends — its chat
    ids are integers of at most 52 bits (its docs say so)."""
    callback = update.get("callback_query")
    message = update.get("message") if callback is None else (callback.get("message") if isinstance(callback, dict)
                                                              else None)
    chat = message.get("chat") if isinstance(message, dict) else None
    found = chat.get("id") if isinstance(chat, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) and abs(found) < 2 ** 53 else None


def _point_of(where: Any) -> LocationInput | None:
    """A message's `location` as an input, or None when it is missing or not two finite numbers."""
    if not isinstance(where, dict):
        return None
    lat, lon = where.get("latitude"), where.get("longitude")
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in (lat, lon)):
        return None
    return LocationInput(lat=float(lat), lon=float(lon))


def _file_of(message: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(kind, the file's record) of a photo, voice, audio, video or document — None when the
    message holds none with a `file_id`."""
    def usable(part: Any) -> bool:
        return isinstance(part, dict) and isinstance(part.get("file_id"), str)

    def number(value: Any) -> float:
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0

    sizes = [p for p in message.get("photo") or [] if usable(p)] if isinstance(message.get("photo"), list) else []
    if sizes:
        return "image", max(sizes, key=lambda p: (number(p.get("width")) * number(p.get("height")),
                                                  number(p.get("file_size"))))
    for key, kind in (("voice", "voice"), ("audio", "audio"), ("video", "video"), ("document", "file")):
        found = message.get(key)
        if usable(found):
            if kind == "file":
                head = str(found.get("mime_type") or "").split("/", 1)[0]
                kind = head if head in ("image", "audio", "video") else "file"
            return kind, found
    return None


def _extension(mime: Any, kind: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "audio/ogg": ".ogg", "application/pdf": ".pdf"}.get(
        str(mime), {"image": ".jpg", "voice": ".ogg"}.get(kind, ""))
