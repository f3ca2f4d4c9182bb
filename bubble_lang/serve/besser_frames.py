"""bubble outputs as BESSER frames (layer 11): the pure half of the BESSER-compatible endpoint.

BESSER's own clients (its Streamlit UI and its chat widget) render a fixed set of
`{"action", "message"}` frames, and the types inside `message` are part of the contract: options,
dataframes and Plotly figures travel as JSON *strings* inside the JSON frame, files and locations
as *objects*, images as bare base64 (the widget labels them JPEG). A frame with an empty message
or an unknown action makes the widget throw, so every function here returns only the eight known
actions, each with a non-empty message. What BESSER cannot show (wizard steps, progress, widgets
without a control) is put in words, as the plain-text channel does.

Everything here is a function of the output (and, for translating answers, of the last question),
so each mapping is tested without a socket; `besser.py` owns the connection.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from typing import Any
from urllib.parse import quote

import attrs

from ..cli.content_text import progress_line
from ..cli.widget_prompts import (
    constraint_words,
    is_choice,
    is_multi,
    titles,
    translate_answer,
    widget_hint,
    widget_kind,
)
from ..engine.markdown_html import SAFE_SCHEMES, safe_link
from ..engine.widget_words import SINGLE_KINDS
from ..runtime.contact_card import contact_lines
from ..runtime.outputs import Output
from ..runtime.values import to_plain, to_text

STR = "bot_reply_str"
MARKDOWN = "bot_reply_markdown"
OPTIONS = "bot_reply_options"
DATAFRAME = "bot_reply_dataframe"
PLOTLY = "bot_reply_plotly"
FILE = "bot_reply_file"
IMAGE = "bot_reply_image"
LOCATION = "bot_reply_location"
#: The only actions ever sent: the set both BESSER clients render (serving.md §1.4).
ACTIONS = frozenset({STR, MARKDOWN, OPTIONS, DATAFRAME, PLOTLY, FILE, IMAGE, LOCATION})

Frame = dict[str, Any]


@attrs.define
class Choice:
    """What picking an option label means: a text to send (the option's value), or an event."""

    text: str | None = None
    event: str | None = None
    payload: Any = None


@attrs.define
class Question:
    """The question the socket last showed, so a label or a typed number can be read the way
    the plain-text channel reads it. Cleared when the user answers; set again by the next ask."""

    widget: dict[str, Any] | None = None
    choices: list[dict[str, Any]] = attrs.field(factory=list)
    picks: dict[str, Choice] = attrs.field(factory=dict)  # casefolded label -> what it means

    def translate(self, text: str) -> Choice:
        """What to play for a typed or clicked `text`: a pill's label gives its value (or event),
        a widget question reads numbers and titles as the terminal does; anything else as typed."""
        picked = self.picks.get(text.strip().casefold())
        if picked is not None:
            return picked
        if self.widget is not None:
            translated = translate_answer(text, self.widget, self.choices)
            return Choice(text=text if translated is None else translated)
        return Choice(text=text)


def frame(action: str, message: Any) -> Frame:
    """One frame, `action` first (as BESSER's encoder writes it)."""
    return {"action": action, "message": message}


def text_frame(text: str) -> list[Frame]:
    """A plain text, or nothing for an empty one (the widget cannot show an empty message)."""
    return [frame(STR, text)] if text.strip() else []


def options_frame(labels: list[str]) -> list[Frame]:
    """`bot_reply_options`: a JSON *string* of `{"0": label, "1": …}` (BESSER json.dumps a dict
    keyed by position); nothing when there are no labels."""
    labels = [label for label in labels if label.strip()]
    if not labels:
        return []
    return [frame(OPTIONS, json.dumps({str(i): label for i, label in enumerate(labels)}))]


def dataframe_message(columns: list[Any] | None, rows: list[list[Any]]) -> str:
    """A table as pandas `DataFrame.to_json()` writes it (orient "columns"): `{"col": {"0": v, …}}`
    with row keys "0".."n-1", as a JSON string. Columns without names are "0", "1", … (pandas'
    default names); repeated names get a suffix, since a JSON object cannot hold them twice."""
    width = len(columns) if columns is not None else max((len(row) for row in rows), default=0)
    names: list[str] = []
    for position in range(width):
        name = to_text(columns[position]) if columns is not None else str(position)
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name} ({n})", n + 1
        names.append(unique)
    table = {name: {str(r): _cell(row[c] if c < len(row) else None) for r, row in enumerate(rows)}
             for c, name in enumerate(names)}
    return json.dumps(table, ensure_ascii=False)


def _cell(value: Any) -> Any:
    """A table cell as JSON: numbers, booleans, texts and null as they are, the rest as text."""
    plain = to_plain(value)
    if plain is None or isinstance(plain, (bool, int, float, str)):
        return plain
    return to_text(value)


def plotly_message(data: dict[str, Any]) -> str:
    """A chart as `plotly.io.to_json` writes a figure: a JSON string of data, layout and frames
    (`config` is a display setting, not part of a figure; Streamlit would refuse it)."""
    figure = {"data": to_plain(data.get("data") or [])}
    for key in ("layout", "frames"):
        if data.get(key) is not None:
            figure[key] = to_plain(data[key])
    figure.setdefault("layout", {})
    return json.dumps(figure, ensure_ascii=False)


def jpeg_base64(picture: bytes) -> str:
    """The picture as base64 JPEG when Pillow can convert it (the widget labels every image
    `image/jpeg`), else the bytes as they are (browsers and OpenCV read the real format)."""
    try:
        from PIL import Image

        image = Image.open(io.BytesIO(picture))
        image.load()
        if image.format != "JPEG":
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=92)
            picture = buffer.getvalue()
    except Exception:  # noqa: BLE001 - no Pillow, or a format it cannot read: send the original
        pass
    return base64.b64encode(picture).decode("ascii")


def _data_url_bytes(url: str) -> bytes | None:
    """The bytes of a `data:…;base64,…` URL, or None."""
    if not url.startswith("data:") or ";base64," not in url:
        return None
    try:
        return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


# BESSER's chat widget renders `bot_reply_markdown` with `marked` straight into `innerHTML`, with
# no sanitising (serving.md §1.4): every markdown frame must be safe as HTML by itself.
_MARKUP = re.compile(r"([\\`*_\[\]()<>&!#|~{}])")  # what can start markup inside a line
_LINK_DESTINATION = re.compile(r"\]\([ \t]*\n?[ \t]*([^\s)]*)")
_REFERENCE_DEFINITION = re.compile(r"^( {0,3}\[[^\]\n]*\]):([ \t]*\n?[ \t]*)(\S*)", re.MULTILINE)
_SCHEME = re.compile(r"[^/?#]*:")


def _unsafe_destination(url: str) -> bool:
    """A link target with a scheme other than http, https or mailto (`javascript:`, `data:`)."""
    return bool(_SCHEME.match(url)) and not url.lower().startswith(SAFE_SCHEMES)


def safe_markdown(text: str) -> str:
    """An author's markdown made safe for `innerHTML`: `&` and `<` as entities (no tag, no entity
    trick can form; `marked` shows them as the characters), and a link or reference definition
    to another scheme than http, https or mailto broken into plain text. The one cost: `<` and `&`
    inside a code span show as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _LINK_DESTINATION.sub(
        lambda m: "]\\" + m.group(0)[1:] if _unsafe_destination(m.group(1)) else m.group(0), text)
    return _REFERENCE_DEFINITION.sub(
        lambda m: f"{m.group(1)}\\:{m.group(2)}{m.group(3)}" if _unsafe_destination(m.group(3)) else m.group(0), text)


def _literal(text: str) -> str:
    """A value (a name, a title) as markdown that shows it as written, inside a line: what can
    start markup backslash-escaped (CommonMark and `marked` then emit `<` and `&` as entities, and
    nothing forms a tag, a link or emphasis)."""
    return _MARKUP.sub(r"\\\1", text)


def _link(label: str, url: str, *, picture: bool = False) -> str:
    """`[label](url)` (`![label](url)`: a picture) for a web or mail link, else the label and the
    URL as plain text."""
    if not safe_link(url):
        return _literal(f"[{label}] {url}" if picture else f"{label}: {url}")
    return f"{'!' if picture else ''}[{_literal(label) or 'link'}]({quote(url, safe=_URL_SAFE)})"


_URL_SAFE = "!#$%&'*+,/:;=?@[]~"  # what stays in a link target; spaces, parentheses, <, > and quotes are encoded


def content_frames(output: Output) -> tuple[list[Frame], dict[str, Choice]]:
    """A `show` output: its frames, and the labels of any buttons it offers."""
    data = output.data
    kind = to_text(data.get("kind", ""))
    frames: list[Frame] = []
    picks: dict[str, Choice] = {}
    if kind == "md":
        text = to_text(data.get("text", ""))
        frames = [frame(MARKDOWN, safe_markdown(text))] if text.strip() else []
    elif kind == "table":
        rows = data.get("rows") if isinstance(data.get("rows"), list) else []
        columns = data.get("columns") if isinstance(data.get("columns"), list) else None
        frames = [frame(DATAFRAME, dataframe_message(columns, [r if isinstance(r, list) else [r] for r in rows]))]
    elif kind == "chart":
        frames = [frame(PLOTLY, plotly_message(data))]
    elif kind == "location":
        frames = [frame(LOCATION, {"latitude": float(data.get("lat", 0)), "longitude": float(data.get("lon", 0))})]
    elif kind in ("file", "download"):
        frames = _file_frames(data, kind)
    elif kind == "image":
        url = to_text(data.get("url", ""))
        picture = _data_url_bytes(url)
        frames = [frame(IMAGE, jpeg_base64(picture))] if picture else [frame(MARKDOWN, _link("image", url, picture=True))]
    elif kind == "qrcode":
        frames = _qrcode_frames(to_text(data.get("text", "")))
    elif kind in ("audio", "video", "web"):
        url = to_text(data.get("url", ""))
        frames = [frame(MARKDOWN, _link(kind, url))]
    elif kind == "loading":
        frames = text_frame(progress_line(to_text(data.get("text", "")), data.get("progress")))
    elif kind == "contact":
        frames = _contact_frames(data)
    elif kind == "buttons":
        frames, picks = _button_frames(data)
    else:
        frames = text_frame(output.summary())
    caption = data.get("caption")
    if caption and kind != "buttons":
        frames += text_frame(to_text(caption))
    return frames, picks


def _file_frames(data: dict[str, Any], kind: str) -> list[Frame]:
    """`bot_reply_file` with the object `{name, type, base64}`; a download by URL as a link."""
    name = to_text(data.get("name", "file"))
    mime = to_text(data.get("type", "application/octet-stream"))
    if data.get("base64") is not None:
        encoded = to_text(data["base64"])
    elif data.get("data") is not None:
        encoded = base64.b64encode(to_text(data["data"]).encode("utf-8")).decode("ascii")
    elif data.get("url"):
        return [frame(MARKDOWN, _link(f"Download {name}", to_text(data["url"])))]
    else:
        return text_frame(f"[{kind}] {name}")
    return [frame(FILE, {"name": name, "type": mime, "base64": encoded})]


def _qrcode_frames(text: str) -> list[Frame]:
    """A QR code drawn on the server, sent as a picture (its text as a fallback)."""
    try:
        from ..engine.content_images import qrcode_png

        return [frame(IMAGE, jpeg_base64(qrcode_png(text)))]
    except Exception:  # noqa: BLE001 - a code that cannot be drawn is still shown as its text
        return text_frame(f"[qrcode] {text}")


def _contact_frames(data: dict[str, Any]) -> list[Frame]:
    """The card as markdown lines: the name in bold, then `**Phone:** …` and the rest."""
    lines = [f"**{_literal(text)}**" if label is None else f"**{label}:** {_literal(text)}"
             for label, text in contact_lines(data)]
    return [frame(MARKDOWN, "  \n".join(lines))] if lines else []


def _button_frames(data: dict[str, Any]) -> tuple[list[Frame], dict[str, Choice]]:
    """Buttons: the text, then pills for value and event buttons (a click sends the label, read
    back as the button's value or event) and links for URL buttons."""
    frames = text_frame(to_text(data.get("text", "")))
    picks: dict[str, Choice] = {}
    labels: list[str] = []
    links: list[str] = []
    for button in data.get("buttons") if isinstance(data.get("buttons"), list) else []:
        if not isinstance(button, dict):
            continue
        title = to_text(button.get("title", ""))
        if button.get("url"):
            links.append(_link(title, to_text(button["url"])))
            continue
        labels.append(title)
        if button.get("event") is not None:
            picks[title.casefold()] = Choice(event=to_text(button["event"]), payload=button.get("payload"))
        else:
            picks[title.casefold()] = Choice(text=to_text(button.get("value", title)))
    frames += options_frame(labels)
    if links:
        frames.append(frame(MARKDOWN, "  \n".join(links)))
    return frames, picks


def ask_frames(output: Output, timezone: str = "UTC") -> tuple[list[Frame], Question]:
    """A question: the prompt, then pills where BESSER has them (quick replies, single choices,
    confirm), else the widget's instructions in words (as the plain-text channel gives them)."""
    data = output.data
    widget = data.get("widget") if isinstance(data.get("widget"), dict) else None
    choices = [c for c in data.get("choices") or [] if isinstance(c, dict)]
    question = Question(widget=to_plain(widget) if widget else None, choices=choices)
    prompt = output.text
    kind = widget_kind(widget)
    frames: list[Frame] = []
    if widget is None or (kind in SINGLE_KINDS and not is_multi(widget)):
        frames += text_frame(prompt)
        frames += options_frame(titles(choices))
        question.picks = {to_text(c.get("title", c.get("value", ""))).casefold(): Choice(text=to_text(c.get("value", "")))
                          for c in choices}
        return frames, question
    if kind == "confirm":
        frames += text_frame(prompt)
        table = widget.get("data")
        if isinstance(table, dict) and table:
            frames.append(frame(DATAFRAME, dataframe_message(None, [[k, v] for k, v in table.items()])))
        frames += options_frame(["Yes", "No"])
        question.picks = {"yes": Choice(text="yes"), "no": Choice(text="no")}
        return frames, question
    if kind == "captcha":
        picture = _data_url_bytes(to_text(widget.get("image", "")))
        if picture:
            frames.append(frame(IMAGE, jpeg_base64(picture)))
    words = _widget_words(widget, choices, timezone)
    frames += text_frame(f"{prompt}\n\n({words})" if words and prompt.strip() else prompt or words)
    return frames, question


def _widget_words(widget: dict[str, Any], choices: list[dict[str, Any]], timezone: str) -> str:
    """The widget's instructions in words, for BESSER's text box: the terminal's wording, minus
    what only a terminal has (`/upload`, numbered pictures)."""
    kind = widget_kind(widget)
    if kind == "upload":
        words = constraint_words(widget, timezone).split(" — ")[0]
        return f"{words} — attach it with the file upload"
    if kind == "secret":
        return "your answer is not kept in the bot's history"
    if kind == "captcha":
        return "type the characters in the picture"
    if is_choice(widget) or kind in ("form", "multi_values", "confirm", "multiline"):
        lines = [line.strip() for line in widget_hint(widget, choices, timezone) if line.strip()]
        lines = [line[1:-1] if line.startswith("(") and line.endswith(")") else line for line in lines]
        return "; ".join(lines)
    return constraint_words(widget, timezone)


def step_frames(output: Output) -> list[Frame]:
    """A wizard step header as a line of text: `Step 2 of 7 — Restaurant`."""
    data = output.data
    title = to_text(data.get("title", output.text) or output.text)
    index, total = data.get("index"), data.get("total")
    if isinstance(index, int) and isinstance(total, int) and index > 0:
        return text_frame(f"Step {index} of {total} — {title}")
    return text_frame(title)
