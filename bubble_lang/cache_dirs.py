"""Where bubble keeps what it computed once (layer 1): the user's own cache folder.

Two things live there, both read back without recompiling: Lark's analysed grammar tables (a
pickle that Lark writes and loads) and compiled bots (JSON, `engine/compiled_cache.py`). A file
that someone else could have written must never be loaded, so a folder is used only when it
belongs to the user running bubble and no one else may write to it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def user_cache_root() -> Path:
    """`$XDG_CACHE_HOME/bubble`, else `~/.cache/bubble`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bubble"


def private_folder(path: Path) -> Path | None:
    """`path`, made (0700) if missing, when it is this user's and writable by no one else; else None."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return None
    return path if os.access(path, os.W_OK) else None
