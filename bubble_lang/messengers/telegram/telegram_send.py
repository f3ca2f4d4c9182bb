"""A bot frame as Telegram Bot API calls (layer 11): what the bot says, drawn for Telegram.

Input: one channel frame (`engine/output_frames.py`). Output: `Send`s (method, parameters, files
to upload) and, for a question, the `Keyboard` it opened. Rules:

- Text goes as plain text (no parse mode, so nothing needs escaping) split at 4,096 characters,
  on line breaks where it can. Markdown goes as Telegram HTML made from markdown-it's tokens:
  every text escaped, only Telegram's tags (`b i s code pre a blockquote`), links only http,
  https and mailto; an HTML rendering over 4,096 characters goes as its plain text instead.
- A question with choices gets an inline keyboard, one button per choice; `callback_data` is
  `c:<seq>:<index>` (a few bytes, far under Telegram's 64), mapped back by the interface. A
  multi-choice widget gets toggles (`t:<seq>:<index>`, re-drawn with ✓, or ✓1, ✓2 … when the order of the taps
  counts) and Done (`d:<seq>`);
  a choice with a `url` is a link button. A location question gets a reply keyboard with
  Telegram's "send my location" button. Other widgets get their constraints in words (the
  terminal's wording) and are answered by typing; a captcha sends its picture.
- A wizard step is a line "Step k of n — Title" with a Back button (`b`) when Back can go back.
- Pictures, files, audio and video by URL are sent by URL; data (QR codes, `file`, `download`)
  is uploaded. Tables go as monospaced text; charts as their title (Telegram draws no charts).
"""

from __future__ import annotations

import base64
import binascii
import html
from typing import Any

import attrs
from markdown_it import MarkdownIt

from ...engine.widget_words import constraint_words, is_multi, widget_kind
from ...engine.markdown_html import safe_link
from ...runtime.values import to_text

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAGS = {"strong": "b", "em": "i", "s": "s", "blockquote": "blockquote"}


@attrs.frozen
class Send:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes, str]] | None = None


@attrs.define
class Keyboard:
    """An open question's buttons: what each index stands for, and the toggles picked so far."""

    seq: int
    values: list[Any]
    titles: list[str]
    multi: bool = False
    ordered: bool = False  # multi_list_choice: the order of the taps is the answer's order
    widget: bool = False
    picked: list[int] = attrs.field(factory=list)
    message_id: int | None = None

    def markup(self) -> dict[str, Any]:
        if not self.multi:
            return {"inline_keyboard": [[{"text": title[:64] or "·", "callback_data": f"c:{self.seq}:{index}"}]
                                        for index, title in enumerate(self.titles)]}
        rows = [[{"text": self._mark(index) + self._label(index), "callback_data": f"t:{self.seq}:{index}"}]
                for index in range(len(self.titles))]
        return {"inline_keyboard": rows + [[{"text": "Done", "callback_data": f"d:{self.seq}"}]]}

    def _label(self, index: int) -> str:
        return self.titles[index][:60] or "·"

    def _mark(self, index: int) -> str:
        """`✓ ` before a picked toggle; `✓2 ` when the order of the taps is the answer's order."""
        if index not in self.picked:
            return ""
        return f"✓{self.picked.index(index) + 1} " if self.ordered else "✓ "

    def restore_picks(self, shown: Any) -> None:
        """Read the toggles picked so far back from the keyboard a tap came from (Telegram sends
        the tapped message with its markup): a keyboard rebuilt after a restart keeps the picks
        the chat shows. Only buttons of this question whose text is exactly a mark and its title
        count; anything else in `shown` (it is the client's data) is ignored."""
        rows = shown.get("inline_keyboard") if isinstance(shown, dict) else None
        order: list[tuple[int, int]] = []
        for row in rows if isinstance(rows, list) else ():
            for button in row if isinstance(row, list) else ():
                if not isinstance(button, dict):
                    continue
                head, _, index_text = str(button.get("callback_data") or "").rpartition(":")
                index = ascii_number(index_text)
                if head != f"t:{self.seq}" or index is None or index >= len(self.titles):
                    continue
                mark = str(button.get("text") or "").removesuffix(self._label(index))
                number = mark.removeprefix("✓").removesuffix(" ")
                if mark.startswith("✓") and mark.endswith(" ") and (number == "" or ascii_number(number) is not None):
                    order.append((int(number) if number else len(order) + 1, index))
        self.picked = [index for _, index in sorted(order)] if self.ordered else sorted(index for _, index in order)


def ascii_number(text: str) -> int | None:
    """A number written in callback data, a button's mark or a header, else None. ASCII digits
    only: `"²".isdigit()` is true, and `int("²")` raises (a forged callback once logged a traceback)."""
    return int(text) if text.isascii() and text.isdigit() else None


LOCATION_KEYBOARD = {"keyboard": [[{"text": "Send my location", "request_location": True}]],
                     "one_time_keyboard": True, "resize_keyboard": True}  # Telegram shares the position


def frame_sends(chat_id: Any, frame: dict[str, Any]) -> tuple[list[Send], Keyboard | None]:
    """The calls that show `frame` in `chat_id`, and the keyboard of a question (see above)."""
    kind = frame["type"]
    chat = {"chat_id": chat_id}
    if kind == "typing":
        return [Send("sendChatAction", {**chat, "action": "typing"})], None
    if kind in ("options", "widget"):
        return _question(chat, frame)
    if kind == "step":
        text = f"Step {frame.get('index')} of {frame.get('total')} — {to_text(frame.get('title', ''))}"
        markup = {"inline_keyboard": [[{"text": "← Back", "callback_data": "b"}]]} if frame.get("can_back") else None
        return [Send("sendMessage", {**chat, "text": text, "reply_markup": markup})], None
    if kind == "markdown":
        return _markdown(chat, to_text(frame.get("text", ""))), None
    if kind == "location":
        return [Send("sendLocation", {**chat, "latitude": frame["lat"], "longitude": frame["lon"]})], None
    if kind in ("image", "audio", "video", "file"):
        return _media(chat, frame), None
    if kind == "table":
        rows = [frame.get("columns") or []] + list(frame.get("rows") or [])
        text = "\n".join(" | ".join(to_text(cell) for cell in row) for row in rows)
        return [Send("sendMessage", {**chat, "text": f"<pre>{html.escape(text)}</pre>", "parse_mode": "HTML"})
                if len(text) < TEXT_LIMIT - 20 else Send("sendMessage", {**chat, "text": text[:TEXT_LIMIT]})], None
    if kind == "chart":
        title = (frame.get("layout") or {}).get("title") if isinstance(frame.get("layout"), dict) else None
        title = title.get("text") if isinstance(title, dict) else title
        return _texts(chat, f"(a chart{': ' + to_text(title) if title else ''} — open the web chat to see it)"), None
    if kind == "loading":
        return _texts(chat, f"{to_text(frame.get('text', ''))} — {frame.get('progress', 0)}%"), None
    if kind == "text":
        return _texts(chat, to_text(frame.get("text") or frame.get("url") or ""), _media_keyboard(frame)), None
    return [], None  # events for the page, nothing to show


def _media_keyboard(frame: dict[str, Any]) -> dict[str, Any] | None:
    """`ask …, expecting: :location`: a reply keyboard whose button shares the user's location
    (Telegram's `request_location`); pictures and files need no button, the paper clip sends them."""
    return LOCATION_KEYBOARD if frame.get("ask") and "location" in (frame.get("media") or []) else None


def _texts(chat: dict[str, Any], text: str, markup: dict[str, Any] | None = None) -> list[Send]:
    parts = split_text(text or "…")
    return [Send("sendMessage", {**chat, "text": part, "reply_markup": markup if index == len(parts) - 1 else None})
            for index, part in enumerate(parts)]


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at a line break (else a space) when there is one."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n ") if cut < limit else text[cut:]
    return parts + ([text] if text or not parts else [])


def _question(chat: dict[str, Any], frame: dict[str, Any]) -> tuple[list[Send], Keyboard | None]:
    text = to_text(frame.get("text", "")) or "…"
    widget = frame.get("widget") if isinstance(frame.get("widget"), dict) else None
    choices = frame.get("choices") if isinstance(frame.get("choices"), list) else []
    kind = widget_kind(widget) if widget else ""
    sends: list[Send] = []
    items = widget.get("items") if widget and isinstance(widget.get("items"), list) else None
    if kind == "captcha" and isinstance(widget.get("image"), str):
        picture = data_url_bytes(widget["image"])
        if picture:
            sends.append(Send("sendPhoto", {**chat, "caption": "Type the characters in this picture."},
                              {"photo": ("captcha.png", picture, "image/png")}))
    if widget is not None and (items or choices):
        entries = items if items else choices
        titles = [_title(entry) for entry in entries]
        values = [_value(entry) for entry in entries]
        keyboard = Keyboard(seq=int(frame.get("seq") or 0), values=values, titles=titles, multi=is_multi(widget),
                            ordered=kind == "multi_list_choice", widget=True)
        words = "tap each one you want, then Done" if keyboard.multi else ""
        return sends + _texts(chat, text + (f"\n({words})" if words else ""), keyboard.markup()), keyboard
    if widget is not None:
        if kind == "location":
            return sends + _texts(chat, text + "\n(send your location, or type it: 52.37, 4.89)", LOCATION_KEYBOARD), None
        words = constraint_words(widget).split(" — ")[0]
        if kind == "upload":
            words += " — send it here as a file"
        return sends + _texts(chat, text + (f"\n({words})" if words else "")), None
    links = [[{"text": _title(choice)[:64], "url": choice["url"]}] for choice in choices
             if isinstance(choice, dict) and str(choice.get("url", "")).startswith(("http://", "https://"))]
    picks = [choice for choice in choices if not (isinstance(choice, dict) and choice.get("url"))]
    keyboard = Keyboard(seq=int(frame.get("seq") or 0), values=[_value(c) for c in picks],
                        titles=[_title(c) for c in picks]) if picks else None
    markup = {"inline_keyboard": (keyboard.markup()["inline_keyboard"] if keyboard else []) + links}
    return sends + _texts(chat, text, markup if markup["inline_keyboard"] else None), keyboard


def _title(entry: Any) -> str:
    if isinstance(entry, dict):
        return to_text(entry.get("title", entry.get("value", "")))
    return to_text(entry)


def _value(entry: Any) -> Any:
    if isinstance(entry, dict):
        return entry.get("value", entry.get("title"))
    return entry


def _media(chat: dict[str, Any], frame: dict[str, Any]) -> list[Send]:
    kind = frame["type"]
    method, field = {"image": ("sendPhoto", "photo"), "audio": ("sendAudio", "audio"),
                     "video": ("sendVideo", "video"), "file": ("sendDocument", "document")}[kind]
    caption = to_text(frame.get("caption") or "")[:CAPTION_LIMIT] or None
    url = frame.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return [Send(method, {**chat, field: url, "caption": caption})]
    data: bytes | None = None
    if isinstance(url, str) and url.startswith("data:"):
        data = data_url_bytes(url)
    elif isinstance(frame.get("base64"), str):
        try:
            data = base64.b64decode(frame["base64"], validate=True)
        except (binascii.Error, ValueError):
            data = None
    elif isinstance(frame.get("data"), str):
        data = frame["data"].encode("utf-8")
    if data is None:
        return _texts(chat, caption or f"({kind} that cannot be sent)")
    name = to_text(frame.get("name") or ("qrcode.png" if frame.get("qrcode") else f"{kind}.bin"))
    mime = to_text(frame.get("mime") or ("image/png" if kind == "image" else "application/octet-stream"))
    caption = caption or (to_text(frame.get("alt")) if frame.get("qrcode") else None)
    return [Send(method, {**chat, "caption": caption}, {field: (name, data, mime)})]


def data_url_bytes(url: str) -> bytes | None:
    head, _, body = url.partition(",")
    if not head.startswith("data:") or ";base64" not in head:
        return None
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def _markdown(chat: dict[str, Any], text: str) -> list[Send]:
    rendered = telegram_html(text)
    if len(rendered) > TEXT_LIMIT:
        return _texts(chat, text)
    return [Send("sendMessage", {**chat, "text": rendered or "…", "parse_mode": "HTML"})]


def telegram_html(markdown: str) -> str:
    """Markdown as the HTML subset Telegram reads (see the module docstring)."""
    out: list[str] = []
    lists: list[list[int]] = []
    for token in MarkdownIt("commonmark", {"html": False}).parse(markdown):
        kind = token.type
        if kind == "inline":
            out.append(_inline(token.children or []))
        elif kind == "heading_close":
            out.append("</b>\n\n")
        elif kind == "paragraph_close":
            out.append("\n" if token.hidden else "\n\n")  # hidden: a tight list's item
        elif kind == "heading_open":
            out.append("<b>")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([0 if kind == "bullet_list_open" else 1])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            out.append("\n")
        elif kind == "list_item_open" and lists:
            number = lists[-1][0]
            out.append("  " * (len(lists) - 1) + (f"{number}. " if number else "• "))
            if number:
                lists[-1][0] += 1
        elif kind in ("fence", "code_block"):
            out.append(f"<pre>{html.escape(token.content.rstrip())}</pre>\n\n")
        elif kind in ("blockquote_open", "blockquote_close"):
            out.append("<blockquote>" if kind.endswith("open") else "</blockquote>\n")
        elif kind == "hr":
            out.append("———\n\n")
    return "".join(out).replace("\n\n\n", "\n\n").strip()


def _inline(children: list[Any]) -> str:
    out: list[str] = []
    links: list[bool] = []  # whether each open link was kept (an unsafe one stays plain text)
    for child in children:
        kind = child.type
        if kind == "text":
            out.append(html.escape(child.content, quote=False))
        elif kind == "code_inline":
            out.append(f"<code>{html.escape(child.content, quote=False)}</code>")
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            links.append(safe_link(href))
            if links[-1]:
                out.append(f'<a href="{html.escape(href)}">')
        elif kind == "link_close":
            if links and links.pop():
                out.append("</a>")
        elif kind == "image":
            out.append(html.escape(child.content or "(picture)", quote=False))
        elif kind.endswith("_open") and kind[:-5] in _TAGS:
            out.append(f"<{_TAGS[kind[:-5]]}>")
        elif kind.endswith("_close") and kind[:-6] in _TAGS:
            out.append(f"</{_TAGS[kind[:-6]]}>")
    return "".join(out)
