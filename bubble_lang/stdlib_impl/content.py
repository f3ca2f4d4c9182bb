"""Content builders for `show` (layer 6): media, places, cards, files, tables, charts, buttons.

Input: URLs, texts, maps and options from scripts. Output: `content` records,
`Record("content", {"kind": "image", "url": …})`, that every channel renders. Each builder
checks what a channel will trust: URLs are http(s), a matching `data:` URL or a relative path
(never `javascript:` or `file:`), numbers are in range, tables are rectangular, sizes are in
the limits. The record's fields are plain values, so it stores and travels as JSON.
"""

from __future__ import annotations

import base64 as b64codec
import binascii
import mimetypes
import re
from typing import Any

from ..runtime.values import Atom, Record, get_field
from .args import bad_argument, describe, is_number, is_text, list_arg, map_arg, text_arg, type_error
from .binding import builtin
from .context import Context
from .guards import check_items, check_text, text_bytes, validate_value

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: The built-in MIME table only (no /etc/mime.types), so every machine guesses the same.
_MIME = mimetypes.MimeTypes(filenames=())

#: Bytes a QR code holds at the lowest error correction (version 40, byte mode).
QR_CAPACITY = 2953

_CONTACT_FIELDS = ("name", "phone", "email", "address", "url", "image_url", "phones", "emails", "urls",
                   "addresses")
# Fields that may hold the original platform's structured form (reference §5.4, UI docs:
# `contact(%{name: %{first_name: "John"}, emails: [%{email: …}]})`).
_CONTACT_STRUCTURED = ("name", "phones", "emails", "urls", "addresses", "address")
_CHART_FIELDS = ("data", "layout", "config", "frames")


def content(kind: str, **fields: Any) -> Record:
    """A content record; fields left as None are not stored."""
    return Record("content", {"kind": kind, **{k: v for k, v in fields.items() if v is not None}})


def url_arg(function: str, value: Any, ctx: Context, param: str | None = None,
            data_type: str | None = None) -> str:
    """A URL a channel may open: http(s), a relative path, or (for media) a `data:` URL of the
    right type."""
    url = text_arg(function, value, param).strip()
    where = "" if param is None else f" for `{param}`"
    if not url:
        bad_argument(f"`{function}` needs a URL{where}, got an empty text",
                     'give an address, like "https://example.com/cat.png"')
    if _CONTROL.search(url):
        bad_argument(f"`{function}` got a URL{where} with control characters",
                     "remove line breaks and tabs from the URL")
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        data_ok = name == "data" and data_type is not None and url[5:].lower().startswith(data_type)
        if name not in ("http", "https") and not data_ok:
            allowed = "an http or https URL" + (f", or a `data:{data_type}…` URL" if data_type else "")
            bad_argument(f"`{function}` cannot use a `{name}:` URL{where}", f"use {allowed}")
    return check_text(url, ctx.limits)


@builtin("image")
def image(ctx: Context, url: Any) -> Record:
    """An image."""
    return content("image", url=url_arg("image", url, ctx, data_type="image/"))


@builtin("audio")
def audio(ctx: Context, url: Any) -> Record:
    """An audio player."""
    return content("audio", url=url_arg("audio", url, ctx, data_type="audio/"))


@builtin("video")
def video(ctx: Context, url: Any) -> Record:
    """A video player."""
    return content("video", url=url_arg("video", url, ctx, data_type="video/"))


@builtin("web")
def web(ctx: Context, url: Any) -> Record:
    """A link card."""
    return content("web", url=url_arg("web", url, ctx))


def _coordinate(name: str, value: Any, limit: int) -> float | int:
    if not is_number(value):
        type_error("location", "a number", value, name, hint="give a point like `[lat: 52.36, lon: 4.89]`")
    if not -limit <= value <= limit:
        bad_argument(f"`location` needs `{name}` from -{limit} to {limit}, got {value}",
                     "check the coordinates: `[lat: …, lon: …]`, or a bare pair `[lon, lat]` (longitude first)")
    return value


@builtin("location")
def location(ctx: Context, point: Any) -> Record:
    """A map pin from `[lat:, lon:]` (or the user's `location`), or from a bare `[lon, lat]` pair:
    the original's examples write `show location [4.915, 52.332]`, longitude first as in GeoJSON."""
    if isinstance(point, (list, tuple)) and len(point) == 2:
        lon = _coordinate("lon", point[0], 180)
        lat = _coordinate("lat", point[1], 90)
        return content("location", lat=lat, lon=lon)
    if not isinstance(point, (dict, Record)):
        type_error("location", "a map with `lat` and `lon`, or a `[lon, lat]` pair", point,
                   hint="give a point like `[lat: 52.36, lon: 4.89]`")
    lat = _coordinate("lat", get_field(point, "lat"), 90)
    lon = _coordinate("lon", get_field(point, "lon"), 180)
    return content("location", lat=lat, lon=lon)


@builtin("contact")
def contact(ctx: Context, details: Any = None, *, name: Any = None, phone: Any = None, email: Any = None,
            address: Any = None, url: Any = None, image_url: Any = None) -> Record:
    """A contact card: the map's fields, overridden by the options."""
    card: dict[str, Any] = {}
    if details is not None:
        for key, value in map_arg("contact", details, "details").items():
            if key not in _CONTACT_FIELDS:
                bad_argument(f"`contact` has no field `{key}`",
                             "use " + ", ".join(f"`{f}`" for f in _CONTACT_FIELDS))
            card[key] = value
    options = {"name": name, "phone": phone, "email": email, "address": address, "url": url,
               "image_url": image_url}
    card.update({k: v for k, v in options.items() if v is not None})
    card = {k: v for k, v in card.items() if v is not None}
    if not card:
        bad_argument("`contact` needs at least one detail",
                     'give a name or a phone number, like `contact(name: "Ann")`')
    checked: dict[str, Any] = {}
    for key in _CONTACT_FIELDS:
        if key not in card:
            continue
        value = card[key]
        if key in _CONTACT_STRUCTURED and isinstance(value, (dict, list)):
            checked[key] = value  # the original's structured form: %{first_name: …}, [%{email: …}]
        elif key.endswith("url"):
            checked[key] = url_arg("contact", value, ctx, key, "image/")
        else:
            checked[key] = check_text(text_arg("contact", value, key), ctx.limits)
    return content("contact", **checked)


@builtin("md")
def md(ctx: Context, text: Any) -> Record:
    """A markdown block."""
    return content("md", text=text_arg("md", text))


def _file_name(function: str, value: Any) -> str:
    name = text_arg(function, value, "name").strip()
    if not name or "/" in name or "\\" in name or _CONTROL.search(name) or len(name) > 255:
        bad_argument(f"`{function}` needs a plain file name for `name`",
                     'give a name like "order.txt", without folders')
    return name


def _mime(function: str, value: Any, name: str) -> str:
    """The given MIME type, or the one guessed from the name (else application/octet-stream)."""
    if value is not None:
        kind = text_arg(function, value, "type").strip()
        if not re.fullmatch(r"[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(;.*)?", kind):
            bad_argument(f"`{function}` needs a MIME type for `type`, got `{kind}`",
                         'write it like "application/pdf"')
        return kind
    return _MIME.guess_type(name, strict=False)[0] or "application/octet-stream"


@builtin("download")
def download(ctx: Context, *, name: Any, data: Any = None, url: Any = None, type: Any = None) -> Record:
    """A file to download, from text `data:` or a `url:` (exactly one)."""
    file_name = _file_name("download", name)
    if (data is None) == (url is None):
        bad_argument("`download` needs exactly one of `data:` and `url:`",
                     "give the file's text in `data:` or its address in `url:`")
    body = None if data is None else check_text(text_arg("download", data, "data"), ctx.limits)
    address = None if url is None else url_arg("download", url, ctx, "url")
    return content("download", name=file_name, data=body, url=address, type=_mime("download", type, file_name))


@builtin("qrcode")
def qrcode(ctx: Context, text: Any) -> Record:
    """A QR code of a text that fits in one."""
    payload = text_arg("qrcode", text)
    if not payload:
        bad_argument("`qrcode` needs a text to encode, got an empty one", "give a text or a URL")
    if text_bytes(payload) > QR_CAPACITY:
        bad_argument(f"`qrcode` can hold at most {QR_CAPACITY} bytes, got {text_bytes(payload)}",
                     "encode a shorter text, such as a link to the content")
    return content("qrcode", text=payload)


@builtin("loading")
def loading(ctx: Context, text: Any, *, progress: Any = None, id: Any = None) -> Record:
    """A progress indicator; `progress:` from 0 to 100, or nil for "busy"."""
    label = text_arg("loading", text)
    if progress is not None:
        if not is_number(progress):
            type_error("loading", "a number", progress, "progress", hint="give a percentage, like `progress: 40`")
        if not 0 <= progress <= 100:
            bad_argument(f"`loading` needs `progress:` from 0 to 100, got {progress}",
                         "give a percentage from 0 to 100")
    key = None if id is None else text_arg("loading", id, "id")
    return content("loading", text=label, progress=progress, id=key)


@builtin("table")
def table(ctx: Context, rows: Any, *, columns: Any = None) -> Record:
    """A table: rows of maps (columns default to the first map's keys) or of lists; stored as
    `columns` (names, or nil for lists without names) and `rows` (lists of cells)."""
    entries = list_arg("table", rows)
    names = None if columns is None else [_column(c) for c in list_arg("table", columns, "columns")]
    if names is not None:
        check_items(len(names), ctx.limits)
    if entries and all(isinstance(row, dict) for row in entries):
        names = names if names is not None else list(entries[0])
        cells = [[row.get(name) for name in names] for row in entries]
    elif all(isinstance(row, list) for row in entries):
        cells = [list(row) for row in entries]
        width = len(names) if names is not None else (len(cells[0]) if cells else 0)
        for position, row in enumerate(cells, 1):
            if len(row) != width:
                bad_argument(f"`table` row {position} has {_count(len(row), 'cell')}, "
                             f"the table has {_count(width, 'column')}",
                             "give every row the same number of cells")
    else:
        odd = next(row for row in entries if not isinstance(row, (dict, list)) or
                   type(row) is not type(entries[0]))
        bad_argument(f"`table` needs a list of maps or a list of lists, got a row that is {describe(odd)}",
                     "make every row a map, or every row a list")
    validate_value(cells, ctx.limits)
    return content("table", columns=names, rows=cells)


def _count(count: int, noun: str) -> str:
    return f"1 {noun}" if count == 1 else f"{count} {noun}s"


def _column(value: Any) -> str:
    if isinstance(value, Atom):
        return value.name
    return text_arg("table", value, "columns")


@builtin("chart")
def chart(ctx: Context, figure: Any = None, *, data: Any = None, layout: Any = None,
          config: Any = None, frames: Any = None) -> Record:
    """A Plotly figure: `data` (a list of traces) with optional `layout`, `config`, `frames`."""
    spec: dict[str, Any] = {}
    if figure is not None:
        for key, value in map_arg("chart", figure, "figure").items():
            if key not in _CHART_FIELDS:
                bad_argument(f"`chart` has no figure field `{key}`", "use `data`, `layout`, `config` and `frames`")
            spec[key] = value
    options = {"data": data, "layout": layout, "config": config, "frames": frames}
    spec.update({k: v for k, v in options.items() if v is not None})
    if not isinstance(spec.get("data"), list):
        type_error("chart", "a list of traces", spec.get("data"), "data",
                   hint='give the traces, like `data: [%{type: "bar", x: ["a"], y: [1]}]`')
    for key, wanted in (("layout", dict), ("config", dict), ("frames", list)):
        if key in spec and spec[key] is not None and not isinstance(spec[key], wanted):
            type_error("chart", "a map" if wanted is dict else "a list", spec[key], key)
    validate_value(spec, ctx.limits)
    return content("chart", **spec)


@builtin("file")
def file(ctx: Context, *, name: Any, type: Any = None, base64: Any = None) -> Record:
    """A file the bot holds, its bytes in base64."""
    file_name = _file_name("file", name)
    encoded = "".join(text_arg("file", base64, "base64").split())
    check_text(encoded, ctx.limits)
    try:
        _decode(encoded)
    except (binascii.Error, ValueError):
        bad_argument("`file` needs base64 text for `base64`, and this is not valid base64",
                     "encode the file's bytes in base64 first")
    return content("file", name=file_name, type=_mime("file", type, file_name), base64=encoded)


def _decode(encoded: str) -> bytes:
    return b64codec.b64decode(encoded, validate=True)


@builtin("buttons")
def buttons(ctx: Context, text: Any, items: Any) -> Record:
    """A text with buttons: texts are sent back as the message; maps have a `title` and one
    of `event` (with an optional `payload`), `url` or `value`."""
    label = text_arg("buttons", text)
    entries = list_arg("buttons", items, "items")
    if not entries:
        bad_argument("`buttons` needs at least one button", 'give the buttons, like `["Menu", "Help"]`')
    check_items(len(entries), ctx.limits)
    return content("buttons", text=label, buttons=[_button(item, position, ctx)
                                                   for position, item in enumerate(entries, 1)])


def _button(item: Any, position: int, ctx: Context) -> dict[str, Any]:
    if is_text(item):
        title = check_text(str(item), ctx.limits)
        return {"title": title, "value": title}
    if not isinstance(item, dict) or not is_text(item.get("title")):
        bad_argument(f"`buttons` needs a text or a map with a `title`, button {position} is {describe(item)}",
                     'write a button as "Label" or `%{title: "Label", url: "https://…"}`')
    actions = [key for key in ("event", "url", "value") if item.get(key) is not None]
    if len(actions) != 1:
        bad_argument(f"`buttons` needs exactly one of `event`, `url` and `value` in button {position}",
                     "give the button one action")
    unknown = set(item) - {"title", "event", "url", "value", "payload"}
    if unknown:
        bad_argument(f"`buttons` has no button field `{sorted(unknown)[0]}`",
                     "use `title`, `event`, `payload`, `url` or `value`")
    if "payload" in item and actions != ["event"]:
        bad_argument(f"`buttons` button {position} has a `payload` without an `event`",
                     "remove `payload`, or make the button emit an event")
    button: dict[str, Any] = {"title": str(item["title"])}
    action = actions[0]
    if action == "url":
        button["url"] = url_arg("buttons", item["url"], ctx, "url")
    elif action == "event":
        button["event"] = text_arg("buttons", item["event"], "event")
        if item.get("payload") is not None:
            validate_value(item["payload"], ctx.limits)
            button["payload"] = item["payload"]
    else:
        validate_value(item["value"], ctx.limits)
        button["value"] = item["value"]
    return button
