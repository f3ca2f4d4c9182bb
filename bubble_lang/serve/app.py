"""The Starlette app of `bubble serve` (layer 10): `/ws`, the HTTP API and `/healthz` over one runner.

`/` is the web chat (`webchat_routes.py`). `serve_app(runner, settings)` is an ASGI app any ASGI
server can run; its lifespan starts the runner (its scheduler fires timers while nobody types) and closes it (turns in flight finish
first). The hub (`hub.py`) is `app.state.hub`, so the launcher can drain it on SIGTERM before
the server drops connections.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from ..engine.runner import Runner
from .http_api import api_routes
from .webchat_routes import webchat_routes
from .hub import Hub, ServeSettings
from .ws_session import WsSession


def serve_app(runner: Runner, settings: ServeSettings) -> Starlette:
    """The app; the runner is started and closed by its lifespan."""
    hub = Hub(runner, settings)

    async def websocket_endpoint(websocket: WebSocket) -> None:
        await WsSession(hub, websocket).run()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runner.start()
        try:
            yield
        finally:
            await runner.close()

    routes = [*api_routes(hub), WebSocketRoute("/ws", websocket_endpoint), *webchat_routes(hub)]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.hub = hub
    return app
