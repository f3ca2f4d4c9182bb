"""Running the app on uvicorn (layer 10), with a drain before shutdown.

uvicorn's own shutdown closes WebSockets with 1012 at once and only then waits for tasks. A turn
in flight would still commit, but its client would never see the ack. So the server here drains
the hub first (no new turns, the ones in flight committed, then every socket closed with 1001, as
SPEC §15 asks), and only then lets uvicorn stop. With `--besser` a second uvicorn server runs the
BESSER-compatible app (`besser.py`) on the same runner, with the same origins and limits; a
signal to either stops both. It does not start or close the runner (the main app's lifespan does).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import WS_PROTOCOLS

from ..engine.outbox_relay import OutboxRelay
from ..engine.runner import Runner
from .app import serve_app
from .besser import BesserOptions, besser_app
from .hot_reload import BotReloader
from .hub import Hub, ServeSettings
from .receipt_deadline import receipt_deadline_protocol

log = logging.getLogger("bubble.serve")


class DrainingServer(uvicorn.Server):
    """A uvicorn server that drains the hub before it shuts down, and stops its peers with it."""

    def __init__(self, config: uvicorn.Config, hub: Hub | None):
        super().__init__(config)
        self.hub = hub
        self.peers: list[uvicorn.Server] = []

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        for peer in self.peers:
            peer.should_exit = True
        # The drain is the graceful exit: do not re-raise the signal after it (exit status 0).
        captured = getattr(self, "_captured_signals", None)
        if isinstance(captured, list):
            captured.clear()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.hub is not None:
            await self.hub.drain()
        await super().shutdown(sockets)


def uvicorn_config(app: Any, host: str, port: int, settings: ServeSettings, *, log_level: str = "info",
                   lifespan: str = "on", ws_max_size: int | None = None) -> uvicorn.Config:
    """uvicorn settings that enforce SPEC §13 on the wire: frames over the limit close with 1009, a
    request (or handshake) not received in time is dropped, a peer that stops answering pings is
    closed."""
    ws = "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "websockets"
    return uvicorn.Config(app, host=host, port=port, ws=ws,
                          ws_max_size=ws_max_size or settings.limits.websocket_frame_bytes,
                          http=receipt_deadline_protocol(settings.limits.request_receipt_seconds),
                          ws_ping_interval=settings.ping_seconds, ws_ping_timeout=settings.ping_seconds,
                          lifespan=lifespan, log_level=log_level,
                          access_log=False, timeout_graceful_shutdown=int(settings.drain_seconds) + 5)


def besser_wire_bytes(limit: int) -> int:
    """uvicorn's frame cap for the BESSER port: frames somewhat over the endpoint's limit are read
    and answered "too large" in words (BESSER's clients show only replies); up to 4× a small limit,
    at most 8 MiB more than a large one, so an 8 MiB limit never reads 32 MiB frames."""
    return min(4 * limit, limit + 8 * 1024 * 1024)


async def run_server(runner: Runner, settings: ServeSettings, host: str, port: int, *,
                     besser_port: int | None = None, log_level: str = "info", reload_path: Path | None = None,
                     started: Callable[[DrainingServer], None] | None = None, telegram: Any = None,
                     telegram_port: int | None = None, relay_url: str | None = None,
                     sockets: list[socket.socket] | None = None) -> None:
    """Serve until a signal; `besser_port` also serves the BESSER endpoint; `reload_path`
    (`--reload`) swaps in each edit of the bot there that compiles; `telegram` (a
    `LongpollingInterface`, or a `WebhookInterface` whose route joins this app, or is served on
    `telegram_port` of its own) also serves Telegram over the same runner, and stops with the server;
    `relay_url` (a Redis store shared by several workers) relays output and revisions between
    them; `sockets` are listening sockets made by a parent (`--workers`)."""
    app = serve_app(runner, settings)
    own_hook_port = telegram_port is not None and telegram is not None and hasattr(telegram, "routes")
    if telegram is not None and hasattr(telegram, "routes") and not own_hook_port:  # a webhook on this app
        app.router.routes[0:0] = telegram.routes()
    relay = None
    if relay_url is not None:
        relay = OutboxRelay(runner, relay_url, getattr(runner.store, "prefix", "bubble"))
        runner.relay = relay
        app.state.hub.relay = relay
    if reload_path is not None:
        reloader = BotReloader(reload_path, runner, on_swap=None if relay is None else (
            lambda bot: asyncio.get_running_loop().create_task(relay.announce_revision(bot.image.revision))))
        app.state.hub.reloader = reloader
        if relay is not None:
            async def follow(revision: str) -> None:  # another worker swapped: look at the disk now
                if revision != runner.bot.image.revision:
                    await reloader.reload()

            relay.on_revision = follow
    main = DrainingServer(uvicorn_config(app, host, port, settings, log_level=log_level), app.state.hub)
    servers: list[DrainingServer] = [main]
    if besser_port is not None:
        other = besser_app(runner, options=BesserOptions(
            max_frame_bytes=settings.limits.besser_frame_bytes, origins=settings.origins,
            sockets_per_address=settings.limits.sockets_per_address,
            address_rate_per_second=settings.limits.address_messages_per_second,
            address_burst=settings.limits.address_message_burst,
            address_starts_per_minute=settings.limits.address_new_conversations_per_minute,
            address_start_burst=settings.limits.address_new_conversation_burst,
            address_connects_per_second=settings.limits.address_connections_per_second,
            address_connect_burst=settings.limits.address_connection_burst))
        # lifespan off: the runner is started and closed by the main app
        # uvicorn's own limit above the app's, so a frame somewhat over it gets BESSER's "too large"
        # reply (the clients show only replies) instead of a close with 1009
        companion = DrainingServer(uvicorn_config(other, host, besser_port, settings, log_level=log_level,
                                                  lifespan="off",
                                                  ws_max_size=besser_wire_bytes(settings.limits.besser_frame_bytes)),
                                   None)
        main.peers.append(companion)
        companion.peers.append(main)
        servers.append(companion)
    if own_hook_port:  # the webhook on a port of its own (with --workers: in worker 0 only)
        hook = DrainingServer(uvicorn_config(telegram.app(), host, telegram_port, settings, log_level=log_level,
                                             lifespan="off"), None)
        main.peers.append(hook)
        hook.peers.append(main)
        servers.append(hook)
    if started is not None:
        started(main)
    if port and sockets is None:  # a fixed port (0 asks the system), not a worker: say where the page is
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        logging.getLogger("bubble.serve").info("the web chat: http://%s:%d/  (WebSocket: /ws)",
                                               f"[{shown}]" if ":" in shown else shown, port)
    stop = asyncio.Event()

    async def serve_all() -> None:
        if relay is not None:
            relay.start()
        try:
            await asyncio.gather(*(server.serve(sockets=sockets if server is main else None) for server in servers))
        finally:
            if relay is not None:
                await relay.stop()
            stop.set()
            if telegram is not None:
                telegram.stop()

    reloader = app.state.hub.reloader
    extra = [reloader.watch(stop)] if reloader is not None else []
    if telegram is not None:
        extra.append(_poll_telegram(telegram, runner))
    await asyncio.gather(serve_all(), *extra)


async def _poll_telegram(telegram: Any, runner: Runner) -> None:
    """The Telegram interface over the server's runner (polling, or a webhook mounted on this
    app); a stop on its own (a refused token) is logged by it, and the server goes on serving its
    other channels."""
    from ..engine.pipeline_runner import PipelineRunner

    pipeline = PipelineRunner(runner.bot, runner=runner)
    try:
        if hasattr(telegram, "run_mounted"):
            await telegram.run_mounted(pipeline)
        else:
            await telegram.connect(pipeline)
    except Exception:  # noqa: BLE001 - Telegram's failure is not the server's
        logging.getLogger("bubble.telegram").exception("Telegram: stopped")
    finally:
        await telegram.close()
