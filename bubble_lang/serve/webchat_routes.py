"""The web chat's routes (layer 10): the page at `/`, its files, Plotly, uploads and captcha audio.

- `GET /` is the chat page (`webchat/index.html`), with a Content-Security-Policy that allows
  scripts and styles only from this server: even if some text slipped into the page as HTML, no
  inline script or handler would run.
- `GET /webchat/…` are the page's own files (HTML, CSS, JS: no CDN, no build step) and
  `/webchat/plotly.min.js` is Plotly's JS from the installed `plotly` package, fetched by the page
  only when a chart arrives.
- `POST /webchat/upload` takes a file (or a voice recording) as the raw body, for files larger
  than a WebSocket frame may be (64 KiB). `POST /webchat/captcha-audio` speaks the waiting
  captcha's challenge as WAV (the audio alternative to the picture), made on demand so the text
  never leaves the server in any other form. Both need the session's id and token
  (`X-Bubble-Session`, `Authorization: Session <token>`), like `hello` on `/ws`; the turn's
  frames reach the page through its socket, and the answer is only `{ok, id}` or an error.
- Cross-origin calls (a page that embeds the chat with `embed.js`) are answered with CORS
  headers only for origins the server's allow-list admits, the same list as `/ws`.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..diagnostics import BubbleError
from ..runtime.upload_rules import DEFAULT_MAX_BYTES
from ..runtime.values import to_text
from ..vm.captcha_challenges import challenge_of, is_captcha
from .address_caps import client_address
from .http_api import problem
from .hub import Hub, log
from .shared_pictures import picture_route
from .ws_session import play_file, play_voice

WEBCHAT_DIR = Path(__file__).parent / "webchat"
_FRAME_ID = re.compile(r"[^\x00-\x1f]{1,128}\Z")
_HOST = re.compile(r"[A-Za-z0-9.\[\]:-]{1,255}\Z")
_ALLOWED_HEADERS = "authorization, content-type, x-bubble-session, x-bubble-id, x-bubble-name"


def page_policy(host: str) -> str:
    """The page's Content-Security-Policy: its own scripts and styles (Plotly injects style
    elements, hence inline styles), media from anywhere a bot links to, sockets to this server."""
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https: http:", "media-src 'self' data: blob: https: http:",
        f"connect-src 'self' ws://{host} wss://{host}", "font-src 'self' data:", "base-uri 'none'",
        "form-action 'none'", "frame-ancestors 'self'"])


def plotly_js() -> Path | None:
    """plotly.min.js from the installed plotly package, or None without it."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def webchat_routes(hub: Hub) -> list[BaseRoute]:
    """The web chat's routes over one hub."""

    async def page(request: Request) -> Response:
        host = request.headers.get("host", "")
        host = host if _HOST.match(host) else "127.0.0.1"  # the header is the client's: nothing but a host
        headers = {"Content-Security-Policy": page_policy(host),
                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                   "Cache-Control": "no-cache"}
        return FileResponse(WEBCHAT_DIR / "index.html", media_type="text/html; charset=utf-8", headers=headers)

    async def plotly(request: Request) -> Response:
        path = plotly_js()
        if path is None:
            return problem(404, "no_plotly", "charts need the `plotly` package on the server (pip install plotly)")
        return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})

    async def upload(request: Request) -> Response:
        cors, session_id, stop = await _admit(hub, request)
        if stop is not None:
            return stop
        frame_id = request.headers.get("x-bubble-id", "")
        name = unquote(request.headers.get("x-bubble-name", ""))
        mime = request.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
        voice = request.query_params.get("voice") == "1"
        if not _FRAME_ID.match(frame_id) or not 1 <= len(mime) <= 127 or not (voice or 1 <= len(name) <= 255):
            return _with(problem(400, "bad_frame", "send X-Bubble-Id (1-128 characters), X-Bubble-Name "
                                                   "(1-255) and a Content-Type"), cors)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > DEFAULT_MAX_BYTES:
                return _with(problem(413, "too_large", f"files are at most {DEFAULT_MAX_BYTES // 2**20} MiB"), cors)
        if hub.draining:
            return _with(problem(503, "shutting_down", "the server is restarting; send this again"), cors)
        runner = hub.runner

        async def play() -> Any:
            if voice:
                return await play_voice(runner, session_id, mime, bytes(body), frame_id)
            return await play_file(runner, session_id, name, mime, bytes(body), frame_id,
                                   hub.settings.base_url(str(request.base_url)))

        try:
            await hub.turn(session_id, "voice" if voice else "file", play)
        except BubbleError as error:
            message = error.diagnostics[0].message if error.diagnostics else "the input was refused"
            return _with(problem(400, "rejected", message), cors)
        except Exception:  # noqa: BLE001 - never a traceback to a client
            log.exception("conversation turn failed")
            return _with(problem(500, "internal", "something went wrong on the server; send this again later"), cors)
        return JSONResponse({"ok": True, "id": frame_id}, headers=cors)

    async def captcha_audio(request: Request) -> Response:
        cors, session_id, stop = await _admit(hub, request)
        if stop is not None:
            return stop
        state = await hub.runner.state(session_id)
        wait = state.frames[-1].wait if state is not None and state.frames else None
        challenge = challenge_of(wait) if is_captcha(wait) else None
        if challenge is None:
            return _with(problem(404, "no_captcha", "no captcha question is open"), cors)
        wav = await asyncio.to_thread(_spoken, to_text(challenge.get("text")))
        return Response(wav, media_type="audio/wav", headers={**cors, "Cache-Control": "no-store"})

    return [
        Route("/", page, methods=["GET"]),
        Route("/webchat/plotly.min.js", plotly, methods=["GET"]),
        Route("/webchat/upload", upload, methods=["POST", "OPTIONS"]),
        Route("/webchat/captcha-audio", captcha_audio, methods=["POST", "OPTIONS"]),
        picture_route(hub.runner),
        Mount("/webchat", app=StaticFiles(directory=WEBCHAT_DIR), name="webchat"),
    ]


def _spoken(text: str) -> bytes:
    """The challenge read out letter by letter, with noise (the `captcha` package's voices)."""
    from captcha.audio import AudioCaptcha

    return bytes(AudioCaptcha().generate(text))


async def _admit(hub: Hub, request: Request) -> tuple[dict[str, str], str, Response | None]:
    """The CORS headers, the session, and the answer when the call stops here: a refused origin,
    a CORS preflight, a session that cannot be used, or one over its rate (a captcha's audio
    costs CPU, an upload memory: both count like frames)."""
    cors = _cors(hub, request)
    if cors is None:
        return {}, "", problem(403, "origin", "this page's origin may not use this server")
    if request.method == "OPTIONS":
        return cors, "", Response(status_code=204, headers=cors)
    session_id, refused = await _session(hub, request)
    if refused is not None:
        return cors, session_id, _with(refused, cors)
    # the rate of the session's sockets (kept after they close) and of the client's address
    address = hub.addresses.frame_bucket(client_address(request.client))
    if not hub.session_bucket(session_id).take() or not address.take():
        return cors, session_id, _with(problem(429, "rate_limited", "too many frames: slow down and send this "
                                                                     "one again"), cors)
    return cors, session_id, None


async def _session(hub: Hub, request: Request) -> tuple[str, Response | None]:
    """The session a call is for, or the refusal: one answer for a bad token and an unknown session."""
    session_id = request.headers.get("x-bubble-session", "")
    header = request.headers.get("authorization", "")
    token = header[len("Session "):].strip() if header.startswith("Session ") else ""
    refusal = problem(401, "unauthorized", "this session cannot be used; reload the chat")
    if not session_id or not token or len(session_id) > 64 or not hub.settings.signer.verify(session_id, token):
        return session_id, refusal
    if await hub.runner.state(session_id) is None:
        return session_id, refusal
    return session_id, None


def _cors(hub: Hub, request: Request) -> dict[str, str] | None:
    """CORS headers for an allowed origin (none needed without one), None for a refused origin."""
    origin = request.headers.get("origin")
    if origin is None:
        return {}
    if not hub.origin_allowed(origin, request.headers.get("host")):
        return None
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": _ALLOWED_HEADERS, "Access-Control-Max-Age": "600"}


def _with(response: Response, headers: dict[str, str]) -> Response:
    response.headers.update(headers)
    return response
