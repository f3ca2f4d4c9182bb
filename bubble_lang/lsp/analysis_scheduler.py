"""When checks run: after a short pause in typing, one at a time, a newer edit abandoning an older run.

Garbage collection: a large bot's parsed blocks are hundreds of thousands of objects that live
until their text changes; a full collection walking them stalled both threads for hundreds of
milliseconds. Checks run with the collector paused (they make no cycles, as `gcpause` says of the
front end) and freeze what they leave, so later collections skip it.

Why a worker thread: the protocol loop must keep answering (completion within 50 ms) while a large
bot is checked, so checks run on one thread of their own, never two at once (the per-bot caches
are that thread's alone). Each edit bumps the bot's generation; a run asks `stale()` between its
stages and stops when its generation is no longer the newest, and only results of the newest
generation are handed back (to the loop thread, which publishes them). Requests that need the
current text's tree (hover, definition, rename, symbols) await `fresh()`: the result of the
newest generation, or whatever is there after a timeout.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import traceback
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor

from ..frontend import BotFiles
from ..gcpause import collector_paused
from .analysis import BotAnalyzer, BotResult
from .bot_index import BotIndex, index_of
from .text_blocks import Stale

logger = logging.getLogger(__name__)


class Scheduler:
    """Debounced, cancellable checks of bots on one worker thread."""

    def __init__(self, deliver: Callable[[Hashable, BotResult], None], *, debounce: float = 0.03,
                 whole_file_lines: int | None = None) -> None:
        self.deliver = deliver
        self.debounce = debounce
        self.whole_file_lines = whole_file_lines
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bubble-check")
        self.generation: dict[Hashable, int] = {}
        self.delivered: dict[Hashable, int] = {}
        self.results: dict[Hashable, BotResult] = {}
        self.analyzers: dict[Hashable, BotAnalyzer] = {}
        self.good: dict[Hashable, BotIndex] = {}
        """The index of the last result without syntax errors, per bot."""
        self.timers: dict[Hashable, asyncio.TimerHandle] = {}
        self.waiters: dict[Hashable, list[asyncio.Future[None]]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False
        """Set by `shutdown`: a running check stops at its next stage and nothing more is published
        (the client may have closed the stream: publishing printed an I/O error at exit)."""

    def schedule(self, key: Hashable, files: BotFiles, snapshot: Callable[[], dict[str, str]],
                 *, delay: float | None = None) -> None:
        """Check `key` again after the debounce (called on the loop thread)."""
        loop = self.loop = asyncio.get_running_loop() if self.loop is None else self.loop
        generation = self.generation[key] = self.generation.get(key, 0) + 1
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.cancel()

        def submit() -> None:
            self.timers.pop(key, None)
            if self.generation.get(key) != generation:
                return
            self.executor.submit(self._run, key, files, snapshot(), generation)

        self.timers[key] = loop.call_later(self.debounce if delay is None else delay, submit)

    def _run(self, key: Hashable, files: BotFiles, open_paths: dict[str, str], generation: int) -> None:
        """One check, on the worker thread."""
        analyzer = self.analyzers.get(key)
        if analyzer is None:
            analyzer = self.analyzers[key] = (BotAnalyzer() if self.whole_file_lines is None
                                              else BotAnalyzer(whole_file_lines=self.whole_file_lines))

        def stale() -> bool:
            return self.closed or self.generation.get(key) != generation

        def hand_back(result: BotResult) -> None:
            if stale() or self.loop is None:
                return
            index = index_of(result)  # completion reads it: build it here, not on the loop thread
            if all(layout.parsed for layout in result.layouts.values()):
                self.good[key] = index
            else:  # a block being typed does not parse: its names still complete
                index.fallback = self.good.get(key)
            try:
                self.loop.call_soon_threadsafe(self._delivered, key, generation, result)
            except RuntimeError:  # the loop closed under a running check (`exit`): nobody to tell
                raise Stale from None

        try:
            with collector_paused():
                result = analyzer.run(files, open_paths, stale=stale, publish=hand_back)
            hand_back(result)
            gc.freeze()  # the parsed blocks live on: later collections need not walk them again
        except Stale:
            pass
        except Exception:  # noqa: BLE001 - a bug in a check must not stop the server
            sys.stderr.write("bubble lsp: internal error while checking "
                             f"{files.root}:\n{traceback.format_exc()}")

    def _delivered(self, key: Hashable, generation: int, result: BotResult) -> None:
        if self.closed or self.generation.get(key) != generation:
            return
        self.results[key] = result
        self.delivered[key] = generation
        for waiter in self.waiters.pop(key, []):
            if not waiter.done():
                waiter.set_result(None)
        try:
            self.deliver(key, result)
        except Exception:  # noqa: BLE001
            sys.stderr.write(f"bubble lsp: internal error while publishing:\n{traceback.format_exc()}")

    async def fresh(self, key: Hashable, timeout: float = 3.0) -> BotResult | None:
        """The result for the newest edit of `key` (waiting up to `timeout`), else the last one."""
        if key in self.generation and self.delivered.get(key) != self.generation[key]:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.waiters.setdefault(key, []).append(waiter)
            try:
                await asyncio.wait_for(asyncio.shield(waiter), timeout)
            except asyncio.TimeoutError:
                pass
        return self.results.get(key)

    def forget(self, key: Hashable) -> None:
        """Stop checking `key` (its files are gone): a pending or running check is dropped."""
        self.results.pop(key, None)
        self.generation[key] = self.generation.get(key, 0) + 1
        timer = self.timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self.analyzers.pop(key, None)

    def shutdown(self) -> None:
        self.closed = True
        for timer in self.timers.values():
            timer.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)
