"""Which bot a document belongs to, and the text of each of its files (open buffers first).

Why: `bubble lint DIR` checks a folder with a `bubble.toml` as one bot (a dialog in one file may be
invoked from another), so a `.bot` in such a folder is checked with all of them; any other `.bot`
is a bot with its `name.test.bot` companion (`frontend.discover_bots`). The rules are the same
here, but a file the editor has open counts even before it is saved (an unsaved buffer overrides
the disk, a new buffer joins its folder's bot). Unreadable files become B500 diagnostics, as in
`bubble lint`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..diagnostics import Diagnostic
from ..frontend import DATA_SUFFIXES, BotFiles, is_test_file, read_source
from ..source import SourceFile
from .positions import normalize

CONFIG_NAME = "bubble.toml"


def bot_for(path: Path, open_paths: Mapping[str, str]) -> BotFiles:
    """The bot `path` (a script, `bubble.toml` or data file) is part of."""
    folder = path.parent
    if (folder / CONFIG_NAME).exists() or str(folder / CONFIG_NAME) in open_paths:
        return folder_bot(folder, open_paths)
    if is_test_file(path):
        main = path.with_name(path.name[: -len(".test.bot")] + ".bot")
        scripts = (main, path) if _exists(main, open_paths) else (path,)
    else:
        companion = path.with_name(path.stem + ".test.bot")
        scripts = (path, companion) if _exists(companion, open_paths) else (path,)
    return BotFiles(root=folder, scripts=scripts)


def folder_bot(folder: Path, open_paths: Mapping[str, str]) -> BotFiles:
    """A folder with a `bubble.toml`: all its `.bot` files and data files (sorted, as lint)."""
    scripts = {p for p in _listing(folder) if p.suffix == ".bot"}
    data = {p for p in _listing(folder) if p.suffix in DATA_SUFFIXES and p.is_file()}
    for raw in open_paths:
        candidate = Path(raw)
        if candidate.parent == folder:
            if candidate.suffix == ".bot":
                scripts.add(candidate)
            elif candidate.suffix in DATA_SUFFIXES:
                data.add(candidate)
    return BotFiles(root=folder, scripts=tuple(sorted(scripts)), data=tuple(sorted(data)),
                    config=folder / CONFIG_NAME)


def read_text(path: Path, open_paths: Mapping[str, str]) -> SourceFile | Diagnostic:
    """The file's text as bubble reads it: the open buffer if any, else the disk (B500 if that fails)."""
    text = open_paths.get(str(path))
    if text is not None:
        return SourceFile(str(path), normalize(text))
    return read_source(path)


def _exists(path: Path, open_paths: Mapping[str, str]) -> bool:
    return str(path) in open_paths or path.exists()


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []
