"""Pictures a rich channel draws for content that is data, not an address (layer 9, SPEC §8).

`show qrcode(text)` is stored as its text only (`{"kind": "qrcode", "text": …}`): a PNG in the
conversation state and the outbox would cost kilobytes per message, and every channel draws the
code its own way — the terminal in block characters (`cli/content_text.py`), the web chat and
Telegram as a picture made here, on the server, when the output is delivered.
"""

from __future__ import annotations

import base64
import io

#: Pixels per QR module: large enough to scan from a screen, small enough for a chat bubble.
QR_SCALE = 6


def qrcode_png(text: str, *, scale: int = QR_SCALE) -> bytes:
    """A scannable PNG of `text` (segno: the smallest version that holds it, medium error
    correction raised as far as the version allows, a 4-module quiet zone)."""
    import segno  # imported by the channel that draws pictures only

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qrcode_data_url(text: str, *, scale: int = QR_SCALE) -> str:
    """The same PNG as a `data:image/png;base64,…` URL, for an `<img>` or a frame."""
    return "data:image/png;base64," + base64.b64encode(qrcode_png(text, scale=scale)).decode("ascii")
