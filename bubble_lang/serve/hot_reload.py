"""`bubble serve --reload` (layer 10): a bot edited while users talk to it.

Input: changes to the bot's files (watchfiles, debounced). Output: the runner swapped to the new
version, or — when the edit does not compile — the old version kept serving and the edit's
diagnostics in the log and on `/healthz`. A broken edit never takes the bot down. The new version
is compiled in a worker thread (the event loop keeps serving meanwhile) and swapped between turns
(`Runner.swap_bot`); conversations then continue as SPEC §14 says: unchanged dialogs continue,
changed ones restart. An edit that changes nothing the bot is made of (same revision) is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ..diagnostics import BubbleError
from ..engine.bot import Bot, load_bot
from ..engine.runner import Runner
from ..render import render_diagnostics

log = logging.getLogger("bubble.serve")
IGNORED_PARTS = (".bubble", "__pycache__", ".git")  # the store, caches and version control: not the bot


@attrs.frozen(kw_only=True)
class ReloadStatus:
    """What `/healthz` says about reloading: the revision served and the last attempt."""

    revision: str
    ok: bool = True
    at: float | None = None  # unix time of the last attempt
    diagnostics: tuple[str, ...] = ()  # `path:line:col: CODE message` of a rejected edit

    def to_json(self) -> dict[str, Any]:
        return {"revision": self.revision, "ok": self.ok, "at": self.at, "diagnostics": list(self.diagnostics)}


class BotReloader:
    """Watches a bot's files and swaps the runner's bot when an edit compiles."""

    def __init__(self, path: str | Path, runner: Runner, *, load: Callable[[Path], Bot] = load_bot,
                 on_swap: Callable[[Bot], None] | None = None):
        self.path = Path(path)
        self.runner = runner
        self.load = load
        self.on_swap = on_swap  # told of each new version served (a cluster announces it)
        self.status = ReloadStatus(revision=runner.bot.image.revision)
        self._lock = asyncio.Lock()

    @property
    def folder(self) -> Path:
        return self.path if self.path.is_dir() else self.path.parent

    def watched(self, path: str) -> bool:
        """A change worth a reload: a file in the bot's folder, not its store, caches or hidden
        files. (Another bot's file beside a single `.bot` file compiles to the same revision: a
        no-op.)"""
        try:
            parts = Path(path).resolve().relative_to(self.folder.resolve()).parts
        except ValueError:
            return False
        return not any(part in IGNORED_PARTS or part.startswith(".") for part in parts)

    async def watch(self, stop: asyncio.Event) -> None:
        """Reload on every batch of changes until `stop` is set."""
        from watchfiles import awatch  # the `serve` extra

        try:
            async for changes in awatch(self.folder.resolve(), stop_event=stop, debounce=200, step=50,
                                        watch_filter=lambda _change, path: self.watched(path)):
                if changes:
                    await self.reload()
        except Exception as error:  # noqa: BLE001 - the server goes on without reloading
            log.error("reload: watching %s stopped (%s); restart the server to pick up edits", self.folder, error)

    async def reload(self) -> bool:
        """Compile the bot as it is on disk now; swap it in if it compiles. True when the bot
        served is the one on disk afterwards."""
        async with self._lock:
            try:
                bot = await asyncio.to_thread(self.load, self.path)
            except BubbleError as error:
                lines = tuple(render_diagnostics(error.diagnostics, "concise", color=False).splitlines())
                self.status = ReloadStatus(revision=self.runner.bot.image.revision, ok=False, at=time.time(),
                                           diagnostics=lines)
                log.error("reload rejected: the edit does not compile; still serving revision %s\n%s",
                          self.status.revision, "\n".join(lines))
                return False
            if bot.image.revision != self.runner.bot.image.revision:
                self.runner.swap_bot(bot)
                log.info("reloaded: now serving revision %s", bot.image.revision)
                if self.on_swap is not None:
                    self.on_swap(bot)
            self.status = ReloadStatus(revision=bot.image.revision, ok=True, at=time.time())
            return True
