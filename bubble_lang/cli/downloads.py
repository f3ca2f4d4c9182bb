"""`/save` in `bubble run` (layer 11): keep the latest `download`/`file` content on disk.

A file the bot offers is only described when it is shown (name, type, size); it is written when
the user asks, to `.bubble/downloads/` beside the bot. The name comes from the script, so it is
reduced to a safe base name first, and an existing file is never overwritten: `order.txt`
becomes `order-1.txt`, `order-2.txt`…
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from ..runtime.values import to_text
from .content_text import file_bytes

_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name that stays inside the downloads folder on every system: no folders, no
    control characters, no leading dots, at most 120 characters; `download` if nothing is left."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > 120:
        base = stem[: 119 - len(suffix)] + "." + suffix[:20]
    return base[:120] or "download"


def free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-1`, `name-2`… before the suffix when taken."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def save_download(record: dict[str, Any] | None, bot_dir: Path | None, wanted: str = "") -> str:
    """Write the latest download and say where; or say why not. `wanted` renames it."""
    if record is None:
        return "(nothing to save: the bot has not offered a file)"
    body = file_bytes(record)
    if body is None:
        url = record.get("url")
        return f"(this download is a link: {to_text(url)})" if url else "(this file cannot be read)"
    name = safe_name(wanted or to_text(record.get("name", "download")))
    if bot_dir is None:
        return f"(saving is not available here; it would go to .bubble/downloads/{name})"
    folder = bot_dir / ".bubble" / "downloads"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = free_path(folder, name)
        with open(target, "xb") as handle:  # "x": never overwrite, even in a race
            handle.write(body)
    except OSError as error:
        return f"(could not save {name}: {error.strerror or error})"
    shown = target.relative_to(bot_dir) if target.is_relative_to(bot_dir) else target
    return f"(saved {len(body)} bytes to {shown})"
