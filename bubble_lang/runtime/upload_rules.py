"""What an `upload` widget accepts (layer 6): one rule, read by the host before it stores a file
(`engine/uploads.py`) and by the VM when the attachment record arrives (`vm/widget_values.py`).

Input: the widget's options (`types:`, `max_size:`) and a file's name, type and size as the
client gave them. Output: None when the file fits, else the reason in words for the user. The two
callers must agree, or a file could be stored and then refused (or the other way round), which
is why the rule lives in one place below both.
"""

from __future__ import annotations

import mimetypes
from typing import Any

#: Longest file name kept in an attachment record.
MAX_NAME = 255
#: The largest file accepted when the widget sets no `max_size:` (so a host never stores an
#: unbounded file, and the VM refuses the same files the host refused).
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def file_extension(name: str) -> str:
    """The extension of a file name, lower case with its dot (`"cv.PDF"` -> `".pdf"`), or ""."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _mime(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def type_fits(allowed: list[str], name: str, file_type: str) -> bool:
    """Whether a file fits one of `allowed`: an extension (`"pdf"`, `".pdf"`) matches the name's
    extension or the MIME type it stands for; a MIME type (`"image/png"`) or family (`"image/*"`)
    matches the given type."""
    extension = file_extension(name)
    mime = _mime(file_type)
    for entry in allowed:
        wanted = entry.strip().lower()
        if "/" in wanted:
            family, _, sub = wanted.partition("/")
            if sub == "*" and mime.partition("/")[0] == family or _mime(wanted) == mime:
                return True
            continue
        dotted = wanted if wanted.startswith(".") else "." + wanted
        if extension == dotted or (mime and mimetypes.types_map.get(dotted) == mime):
            return True
    return False


def describe_types(allowed: list[str]) -> str:
    return ", ".join(allowed)


def upload_problem(options: dict[str, Any], name: str, file_type: str, size: int) -> str | None:
    """None when the file fits the widget, else what is wrong, in words (see the module doc)."""
    if not name.strip():
        return "Please upload a file with a name."
    if len(name) > MAX_NAME:
        return f"Please upload a file whose name is at most {MAX_NAME} characters."
    allowed = options.get("types")
    if isinstance(allowed, str):
        allowed = [allowed]
    if isinstance(allowed, list) and allowed and not type_fits([str(a) for a in allowed], name, file_type):
        return f"That type of file is not accepted; please upload one of: {describe_types(allowed)}."
    limit = options.get("max_size", DEFAULT_MAX_BYTES)
    if isinstance(limit, int) and not isinstance(limit, bool) and size > limit:
        return f"That file is too big ({size:,} bytes); please upload at most {limit:,} bytes."
    return None
