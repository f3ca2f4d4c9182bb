"""What the server's connections share (layer 10): the runner, settings, open sockets, rates,
the turns in flight, and the drain on shutdown.

One `Hub` per app. Channels run turns through `hub.turn(...)` so the hub knows what is in flight:
on SIGTERM `drain()` refuses new turns, waits for the ones in flight (and the scheduler's) to
commit, and only then closes every socket with 1001 — a turn is acknowledged only after its
commit, so no acknowledged turn is lost and none is cut in half.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import attrs

from ..codes import CODES
from ..diagnostics import BubbleError
from ..engine.runner import Runner
from ..limits import Limits
from .address_caps import AddressCaps
from .session_tokens import TokenBucket, TokenSigner

log = logging.getLogger("bubble.serve")
T = TypeVar("T")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


IDLE_BUCKETS = 10_000  # buckets of sessions without sockets kept before the full ones are dropped


@attrs.frozen(kw_only=True)
class ServeSettings:
    """How one server behaves; made by `bubble serve` from flags, `bubble.toml` and the environment."""

    signer: TokenSigner
    api_key: str | None = None
    origins: tuple[str, ...] = ()  # allowed besides the server's own and loopback
    limits: Limits = attrs.field(factory=Limits)
    drain_seconds: float = 30.0  # how long SIGTERM waits for turns in flight
    ping_seconds: float = 20.0  # WebSocket ping interval, and how long a pong may take before the socket closes
    clock: Callable[[], float] = time.monotonic  # for rates
    rate_loopback: bool = False  # rate loopback addresses too (tests; address_caps.py says why not)
    public_url: str | None = None  # `[serve] public_url`: the base of links to kept pictures

    def base_url(self, request_base: str) -> str:
        """The base of links this server hands out: `public_url`, else what the request says
        (its Host header, which a client chooses: set `public_url` when others follow links)."""
        return self.public_url or request_base


class Closable(Protocol):
    async def shut(self, code: int) -> None: ...


class Hub:
    """See the module docstring."""

    def __init__(self, runner: Runner, settings: ServeSettings):
        self.runner = runner
        self.settings = settings
        self.sockets: set[Closable] = set()
        self.buckets: dict[str, tuple[TokenBucket, int]] = {}  # per session: the bucket and its sockets
        limits = settings.limits
        self.addresses = AddressCaps(limits.sockets_per_address, limits.address_messages_per_second,
                                     limits.address_message_burst, settings.clock,
                                     rate_loopback=settings.rate_loopback,
                                     starts_per_minute=limits.address_new_conversations_per_minute,
                                     start_burst=limits.address_new_conversation_burst,
                                     connects_per_second=limits.address_connections_per_second,
                                     connect_burst=limits.address_connection_burst)
        self.reloader: Any = None  # `hot_reload.BotReloader` with `--reload`: its status is on /healthz
        self.relay: Any = None  # `engine/outbox_relay.OutboxRelay` when several workers share Redis
        self.in_flight = 0
        self.failed: set[str] = set()  # conversations whose turn in flight hit a script error
        if runner is not None:  # (a hub without a runner only judges origins and rates)
            runner.on_error.append(self._script_error)
        self.draining = False
        self._idle = asyncio.Event()
        self._idle.set()

    # ------------------------------------------------------------------ rates
    def join(self, session_id: str) -> TokenBucket:
        """The rate bucket a session's sockets share (a second tab does not double the rate)."""
        bucket, count = self.buckets.get(session_id) or (self._bucket(), 0)
        self.buckets[session_id] = (bucket, count + 1)
        return bucket

    def leave(self, session_id: str) -> None:
        """One socket of the session closed. Its bucket outlives the last socket until it has
        filled up again: the web chat's HTTP calls (uploads, captcha audio) spend from it too,
        and closing the socket must not refill it."""
        bucket, count = self.buckets.get(session_id, (None, 0))
        if count <= 1 and (bucket is None or bucket.full()):
            self.buckets.pop(session_id, None)
        elif bucket is not None:
            self.buckets[session_id] = (bucket, max(0, count - 1))

    def session_bucket(self, session_id: str) -> TokenBucket:
        """The session's bucket for a call without a socket (made, or kept, with no sockets)."""
        found = self.buckets.get(session_id)
        if found is not None:
            return found[0]
        if len(self.buckets) > IDLE_BUCKETS:
            self.buckets = {key: entry for key, entry in self.buckets.items() if entry[1] or not entry[0].full()}
        bucket = self.buckets[session_id] = (self._bucket(), 0)
        return bucket[0]

    def _bucket(self) -> TokenBucket:
        limits = self.settings.limits
        return TokenBucket(limits.messages_per_second, limits.message_burst, self.settings.clock)

    def new_bucket(self) -> TokenBucket:
        return self._bucket()

    # ------------------------------------------------------------------ turns
    async def turn(self, conversation_id: str, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run one turn, counted as in flight, with one log line: conversation (shortened: the
        id is half of a session's credentials), what started it, duration and outcome — never
        the user's text."""
        self.in_flight += 1
        self._idle.clear()
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await call()
        except Exception as error:
            outcome = type(error).__name__
            raise
        finally:
            if conversation_id in self.failed:
                self.failed.discard(conversation_id)
                outcome = "script_error" if outcome == "ok" else outcome
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()
            log.info("turn conversation=%s input=%s duration_ms=%.1f outcome=%s", short_id(conversation_id), what,
                     (time.perf_counter() - started) * 1000, outcome)

    def _script_error(self, conversation_id: str, error: BubbleError) -> None:
        """A script error a turn hit (handled: rolled back, the user told): one warning with its
        code, place and dialog stack, so whoever runs the server sees a failing bot. Not its
        message, which may quote what a user typed (a secret answer, too)."""
        self.failed.add(conversation_id)
        for diagnostic in error.diagnostics[:1]:
            info = CODES.get(diagnostic.code)
            where = diagnostic.span.location() if diagnostic.span is not None else "(no place)"
            stack = "; ".join(note for note in diagnostic.notes if not note.startswith("..."))
            log.warning("script error conversation=%s code=%s (%s) at=%s %s", short_id(conversation_id),
                        diagnostic.code, info.title if info else "error", where, stack)

    async def drain(self) -> None:
        """Refuse new turns, let the ones in flight commit, then close every socket with 1001."""
        self.draining = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=self.settings.drain_seconds)
            await asyncio.wait_for(self.runner.idle(), timeout=self.settings.drain_seconds)
        except asyncio.TimeoutError:
            log.warning("shutdown: turns still running after %.0f s; closing anyway", self.settings.drain_seconds)
        await asyncio.gather(*(socket.shut(1001) for socket in list(self.sockets)), return_exceptions=True)

    def origin_allowed(self, origin: str | None, host: str | None) -> bool:
        """OWASP ASVS 4.4.2: a browser's `Origin` must be this server, loopback or listed. A
        client without `Origin` is not a browser (no cross-site hijacking) and may connect."""
        if origin is None:
            return True
        origin = origin.rstrip("/").lower()
        if origin in self.settings.origins:
            return True
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest:
            return False
        if host is not None and rest == host.lower():
            return True
        hostname = rest.rsplit(":", 1)[0] if not rest.endswith("]") else rest
        return hostname in LOOPBACK_HOSTS


def short_id(conversation_id: str) -> str:
    return conversation_id[:6] + "…" if len(conversation_id) > 8 else conversation_id
