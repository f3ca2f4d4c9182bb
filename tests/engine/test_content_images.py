"""`show qrcode(…)` as a picture for rich channels: a real PNG made with segno, sized by what it
holds, whose modules are the QR code of the text (read back from segno's own matrix)."""

from __future__ import annotations

import base64
import struct

import segno

from bubble_lang.engine.content_images import QR_SCALE, qrcode_data_url, qrcode_png


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_a_png_of_the_code_with_its_quiet_zone():
    text = "https://example.com/volunteer?id=42"
    code = segno.make(text, error="m")
    width, height = _size(qrcode_png(text))
    modules = len(code.matrix)
    assert width == height == (modules + 8) * QR_SCALE


def test_a_longer_text_makes_a_bigger_code_and_the_data_url_is_the_png():
    short, long = qrcode_png("hi"), qrcode_png("x" * 1000)
    assert _size(long)[0] > _size(short)[0]
    url = qrcode_data_url("hi")
    assert url.startswith("data:image/png;base64,") and base64.b64decode(url.split(",", 1)[1]) == short
