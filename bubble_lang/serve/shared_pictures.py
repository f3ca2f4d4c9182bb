"""Pictures a web chat user sends outside an `upload` question (layer 10).

Why: a bot with `dialog attachment: :image` often shows the picture back or passes its `url` on
(samples/events.bot does `show image attachment.url`). A socket frame carries bytes, not a URL,
so the host keeps a real picture (PNG, JPEG, GIF or WebP, recognised by its first bytes, never
by the name or the type the client claims) in the conversation's upload store under a random
128-bit key and gives the attachment `key` and `url` (`/webchat/files/<key>` on this server).
The URL is a capability, like a messenger's file link: unguessable, and it serves only pictures,
with `nosniff` and a sandboxing policy so nothing in it can run. Other files stay metadata only.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..engine.uploads import UploadStore, default_upload_folder

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
          (b"GIF89a", "image/gif"))


def picture_type(data: bytes) -> str | None:
    """The picture type of these bytes by their signature, or None for anything else."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if len(data) > 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def uploads_of(runner: Any) -> UploadStore:
    if runner.uploads is None:
        runner.uploads = UploadStore(default_upload_folder(runner.bot))
    return runner.uploads


def keep_picture(runner: Any, data: bytes, base_url: str) -> dict[str, str]:
    """Store a real picture; `{key, url}` for the attachment, or nothing for other bytes."""
    if picture_type(data) is None:
        return {}
    key = uploads_of(runner).put(data)
    return {"key": key, "url": f"{base_url.rstrip('/')}/webchat/files/{key}"}


def picture_route(runner: Any) -> Route:
    async def picture(request: Request) -> Response:
        try:
            path = uploads_of(runner).path(request.path_params["key"])
        except ValueError:
            path = None
        if path is None or not path.is_file():
            return Response("not found", status_code=404, media_type="text/plain")
        with path.open("rb") as file:
            mime = picture_type(file.read(16))
        if mime is None:  # an upload answer's file (a PDF…) is not served here
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(path, media_type=mime, headers={
            "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, max-age=86400"})

    return Route("/webchat/files/{key}", picture, methods=["GET"])
