"""The compiled-bot cache (layer 9): an unchanged bot loads without compiling.

Input: a bot's files. Output: the linked image and what `Bot` needs beside it (settings, data,
warnings), rebuilt from a file in the user's cache directory — or None, and the caller compiles.

The key is a SHA-256 over bubble itself (the bytes of every file of the package, its version,
Python's and the parser's versions: a cache is never trusted across versions) and over each
script, data file and `bubble.toml` of the bot, path and bytes. An entry is the image encoded by
`vm/image_codec.py` (JSON; never pickle: decoding builds only bubble's own data classes) and is
written to a temporary file, then renamed: a reader never sees half an entry, and when two processes
write the same entry, one whole entry is kept (equal in content; the order of sets inside may differ
from process to process). Only bots without errors are cached. The directory is
`$BUBBLE_CACHE_DIR`, else `$XDG_CACHE_HOME/bubble/bots` (`~/.cache/bubble/bots`), created private
(0700) and used only if it is this user's and nobody else may write to it; `BUBBLE_NO_CACHE=1`
turns the cache off. The newest `KEEP` entries are kept.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import platform
import sys
import tempfile
from pathlib import Path

import attrs
import lark

from ..cache_dirs import private_folder, user_cache_root
from ..frontend import BotCheck, BotFiles
from ..source import SourceFile
from ..vm.image_codec import Corrupt, Unsupported, decode_image, encode_image
from ..vm.bot_image import BotImage

KEEP = 32
SUFFIX = ".bubble-image"
PACKAGE = Path(__file__).resolve().parents[1]
log = logging.getLogger("bubble.cache")


def cache_dir() -> Path | None:
    """The cache folder, made if missing; None when caching is off or the folder is not private."""
    if os.environ.get("BUBBLE_NO_CACHE") == "1":
        return None
    configured = os.environ.get("BUBBLE_CACHE_DIR")
    base = Path(configured) if configured else user_cache_root() / "bots"
    folder = private_folder(base)
    if folder is None:
        log.debug("not caching compiled bots in %s: not a private folder of this user", base)
    return folder


@functools.lru_cache(maxsize=1)
def bubble_fingerprint() -> str:
    """A hash of this bubble: every file of the package and the versions it depends on."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version}|{platform.machine()}|lark {lark.__version__}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".c", ".lark", ".json", ".toml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _contents(files: BotFiles) -> tuple[tuple[Path, bytes], ...] | None:
    paths = [*files.scripts, *([files.config] if files.config is not None else []), *files.data, *files.translations]
    try:
        return tuple((path, path.read_bytes()) for path in paths)
    except OSError:
        return None


def bot_key(contents: tuple[tuple[Path, bytes], ...]) -> str:
    digest = hashlib.sha256(bubble_fingerprint().encode())
    for path, raw in contents:
        digest.update(b"\0" + str(path).encode() + b"\0" + hashlib.sha256(raw).digest())
    return digest.hexdigest()


@attrs.frozen
class CacheEntry:
    """The cache entry of a bot's files as they are now (read once, before compiling)."""

    folder: Path
    files: BotFiles
    contents: tuple[tuple[Path, bytes], ...]
    key: str

    @property
    def path(self) -> Path:
        return self.folder / (self.key[:40] + SUFFIX)

    def load(self) -> tuple[BotImage, BotCheck] | None:
        """The cached image and check, or None (not cached, or a damaged entry)."""
        try:
            blob = self.path.read_bytes()
        except OSError:
            return None
        try:
            sources = [SourceFile.from_bytes(path, raw) for path, raw in self.contents]
            image, extra = decode_image(blob, sources)
            if extra.get("key") != self.key:
                raise Corrupt("an entry for another bot")
        except (Corrupt, UnicodeDecodeError) as error:
            log.debug("ignoring a cached bot: %s", error)
            return None
        check = BotCheck(files=self.files, sources=tuple(sources[:len(self.files.scripts)]), scripts=(),
                         program=None, data=extra["data"], config=image.config,
                         diagnostics=tuple(extra["diagnostics"]))
        return image, check

    def store(self, image: BotImage, check: BotCheck) -> None:
        """Keep a compiled bot; not when its files changed since they were read for the key (the
        compile may have read either version), nor on any failure."""
        if _contents(self.files) != self.contents or \
                any(source.text != SourceFile.from_bytes(path, raw).text
                    for source, (path, raw) in zip(check.sources, self.contents)):
            return
        sources = [*check.sources,
                   *(SourceFile.from_bytes(path, raw) for path, raw in self.contents[len(check.sources):])]
        try:
            blob = encode_image(image, sources, {"key": self.key, "data": check.data,
                                                 "diagnostics": list(check.diagnostics)})
        except Unsupported as error:
            log.debug("not caching %s: %s", self.files.root, error)
            return
        temporary: str | None = None
        try:
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".entry-", delete=False) as handle:
                temporary = handle.name
                handle.write(blob)
            os.replace(temporary, self.path)
        except OSError as error:
            log.debug("could not write a cached bot: %s", error)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            return
        _prune(self.folder)


def entry_for(files: BotFiles) -> CacheEntry | None:
    """The bot's entry (maybe not written yet), or None when caching is off or a file is unreadable."""
    folder = cache_dir()
    contents = _contents(files) if folder is not None else None
    if folder is None or contents is None:
        return None
    return CacheEntry(folder, files, contents, bot_key(contents))


def _prune(folder: Path) -> None:
    try:
        entries = sorted(folder.glob("*" + SUFFIX), key=lambda path: path.stat().st_mtime, reverse=True)
        for path in entries[KEEP:]:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def cached_entries() -> list[Path]:
    """The entries now in the cache (tests, `bubble` maintenance)."""
    folder = cache_dir()
    return sorted(folder.glob("*" + SUFFIX)) if folder is not None else []

