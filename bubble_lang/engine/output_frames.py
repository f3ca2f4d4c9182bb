"""The bot's outputs as channel frames (layer 9): what `/ws`, the HTTP API, the messengers'
pipeline runner and Telegram draw from, so every channel reads an output the same way.

Input: a committed `Output` (with its `seq`). Output: the server frame a client renders — `text`,
`markdown`, `options`, `widget`, `table`, `chart`, `image`, `audio`, `video`, `file`,
`location`, `step`, `typing`, `loading`, `event` — or None for outputs that are not for users
(`log` lines, events sent to other targets than the client). Each bot frame carries the output's
`seq`, so a client drops what it has rendered and asks for the rest with `hello {last_seq}`.
Every field is data (text is text, never HTML): a client must insert it as text.
"""

from __future__ import annotations

from typing import Any

from ..runtime.contact_card import contact_text
from ..runtime.outputs import Output
from ..runtime.values import to_plain
from .content_images import qrcode_data_url
from .markdown_html import markdown_html

BOT_FRAME_TYPES = ("text", "markdown", "options", "widget", "table", "chart", "image", "audio", "video", "file",
                   "location", "step", "typing", "loading", "event", "close")
_SHOW_TYPES = {"md": "markdown", "table": "table", "chart": "chart", "image": "image", "audio": "audio",
               "video": "video", "location": "location", "loading": "loading", "file": "file", "download": "file"}


def output_frame(output: Output) -> dict[str, Any] | None:
    """The frame for one output (see the module docstring)."""
    data = to_plain(output.data)
    if output.kind == "show":  # the content's own fields; the output's text is only a summary ("<content>")
        frame: dict[str, Any] | None = _show_frame(data)
    else:
        frame = _frame_of(output.kind, {"text": output.text, **data})
    if frame is not None:
        frame["seq"] = output.seq
    return frame


def _frame_of(kind: str, plain: dict[str, Any]) -> dict[str, Any] | None:
    text = plain.get("text", "")
    if kind == "text":
        frame = {"type": "text", "text": text}
        for flag in ("error", "widget_error"):
            if plain.get(flag):
                frame[flag] = True
        return frame
    if kind == "ask":
        if plain.get("widget") is not None:
            frame = {"type": "widget", "text": text, "widget": plain["widget"]}
            if plain.get("choices"):
                frame["choices"] = plain["choices"]
        elif plain.get("choices"):
            frame = {"type": "options", "text": text, "choices": plain["choices"]}
        else:
            frame = {"type": "text", "text": text, "ask": True}
        if plain.get("media"):  # `expecting: :image`: what the client may offer a button for
            frame["media"] = plain["media"]
        return frame
    if kind == "step":
        return {"type": "step", "title": plain.get("title", text), "index": plain.get("index"),
                "total": plain.get("total"), "final": bool(plain.get("final")),
                "can_back": bool(plain.get("can_back"))}
    if kind in ("typing", "pause"):
        return {"type": "typing", "seconds": float(plain.get("seconds") or 0)}
    if kind == "emit" and plain.get("to", "client") == "client":
        return {"type": "event", "name": plain.get("name", text), "payload": plain.get("payload")}
    return None  # log lines, and events for other targets


def _show_frame(plain: dict[str, Any]) -> dict[str, Any]:
    content = plain.get("kind", "text")
    fields = {key: value for key, value in plain.items() if key not in ("kind", "quick_replies")}
    if "type" in fields:  # a file's MIME type: `type` names the frame
        fields["mime"] = fields.pop("type")
    if content == "qrcode":
        return {"type": "image", "url": qrcode_data_url(str(plain.get("text", ""))), "alt": plain.get("text", ""),
                "qrcode": True, **({"caption": plain["caption"]} if plain.get("caption") else {})}
    if content == "buttons":
        return {"type": "options", "text": plain.get("text", ""), "choices": plain.get("buttons", [])}
    frame_type = _SHOW_TYPES.get(content)
    if frame_type is None:  # web links, contacts, plain text content: shown as text with their fields
        text = contact_text(plain) if content == "contact" else str(plain.get("url") or plain.get("text") or "")
        frame = {"type": "text", "text": text, "content": content}
        frame.update({key: value for key, value in fields.items() if key != "text"})
        return frame
    frame = {"type": frame_type, **fields}
    if content == "download" and "data" in frame:
        frame["download"] = True
    if frame_type == "markdown":
        frame["html"] = markdown_html(str(frame.get("text", "")))
    if plain.get("quick_replies"):
        frame["choices"] = plain["quick_replies"]
    return frame
