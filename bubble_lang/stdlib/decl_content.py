"""Declarations of the content builders for `show` (layer 4): data, no implementations.

Each builder makes a content value; `show` sends it (with `caption:`, `class:`,
`quick_replies:` given to `show`, not to the builder) and every channel renders it: web chat as
the real thing, the terminal and plain-text channels as text, a link or a QR code.
"""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_content = partial(declare, category="content")

DECLARATIONS: tuple[Builtin, ...] = (
    _content(
        "image", "url", "content",
        """Makes an image from a URL (http, https or a `data:` URL) for `show`.""",
        'image("https://example.com/cat.png") -> image content',
    ),
    _content(
        "audio", "url", "content",
        """Makes an audio player from a URL for `show`.""",
        'audio("https://example.com/jingle.mp3") -> audio content',
    ),
    _content(
        "video", "url", "content",
        """Makes a video player from a URL for `show`.""",
        'video("https://example.com/howto.mp4") -> video content',
    ),
    _content(
        "web", "url", "content",
        """Makes a web page preview (a link card; a link in text channels) for `show`.""",
        'web("https://example.com/menu") -> web content',
    ),
    _content(
        "location", "point", "content",
        """Makes a map pin from a keyword list or map with `lat:` and `lon:` for `show`.""",
        "location([lat: 52.36, lon: 4.89]) -> location content",
    ),
    _content(
        "contact", "details?", "content",
        """Makes a contact card for `show` from a map and/or the options `name:`, `phone:`,
        `email:`, `address:`, `url:`, `image_url:` (options win over the map).""",
        'contact(name: "Ann", phone: "+31 20 123 4567") -> contact content',
        "contact(@support) -> contact content",
        keywords=("name", "phone", "email", "address", "url", "image_url"),
    ),
    _content(
        "md", "text", "content",
        """Makes a markdown block (the seed's `md_show`) for `show`; text channels print it as
        written.""",
        'md("# Order\\n* 1 pizza") -> markdown content',
    ),
    _content(
        "download", "", "content",
        """Offers a file to download (the seed's `download_file`): named `name:`, with its
        content from `data:` (text) or `url:`, and the MIME type `type:` (default: guessed
        from the name).""",
        'download(name: "order.txt", data: "1 pizza") -> download content',
        keywords=("name", "data", "url", "type"),
        required_keywords=("name",),
    ),
    _content(
        "qrcode", "text", "content",
        """Makes a QR code of the text (the seed's `qrcode_show`): an image on the web, block
        characters in the terminal.""",
        'qrcode("https://example.com/pay/42") -> QR code content',
    ),
    _content(
        "loading", "text", "content",
        """Makes a progress indicator (the seed's `loading_show`) with `progress:` from 0 to
        100; showing another one with the same `id:` updates it in place.""",
        'loading("Deploying…", progress: 40, id: "deploy") -> loading content',
        keywords=("progress", "id"),
    ),
    _content(
        "table", "rows", "content",
        """Makes a table (the seed's dataframe) from a list of maps or a list of lists;
        `columns:` names and orders the columns (default: the keys of the first map).""",
        'table([%{name: "Ann", age: 31}], columns: ["name", "age"]) -> table content',
        keywords=("columns",),
    ),
    _content(
        "chart", "figure?", "content",
        """Makes a chart from a Plotly figure: a map with `data` and `layout` (for example a
        JSON data file), or the options `data:`, `layout:`, `config:`, `frames:` (options win
        over the map).""",
        'chart(data: [%{type: "bar", x: ["a", "b"], y: [1, 2]}]) -> chart content',
        "chart(@sales_figure) -> chart content",
        keywords=("data", "layout", "config", "frames"),
    ),
    _content(
        "file", "", "content",
        """Sends a file the bot holds (the seed's file reply): named `name:`, its bytes in
        `base64:`, and the MIME type `type:` (default: guessed from the name).""",
        'file(name: "ticket.pdf", type: "application/pdf", base64: @ticket_b64) -> file content',
        keywords=("name", "type", "base64"),
        required_keywords=("name", "base64"),
    ),
    _content(
        "buttons", "text, items", "content",
        """Makes a text with buttons: each item is a text (sent back as the user's message)
        or a map with `title` and one of `event` (emitted with the optional `payload`), `url`
        (opened) or `value` (sent as the message).""",
        'buttons("What next?", ["Menu", %{title: "Open CNN", url: "http://cnn.com"}]) -> buttons content',
    ),
)
