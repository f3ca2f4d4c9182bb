"""`bubble serve` (layer 11): the WebSocket and HTTP server of SPEC §15 over one `Runner`.

`app.py` builds the Starlette app, `ws_protocol.py` reads client frames against their schemas,
`ws_session.py` plays one socket (frames come from `engine/output_frames.py`), `http_api.py` is the
HTTP API, `session_tokens.py` session tokens and rates, `hub.py` what connections share, `launch.py`
runs it on uvicorn and `workers.py` as N processes; `webchat_routes.py` and `webchat/` are the web
chat at `/`; `besser.py` and `besser_frames.py` are the BESSER-compatible endpoint (`--besser`).
`docs/protocol.md`, `docs/serving.md`, `docs/webchat.md` and `docs/scaling.md` describe it,
`docs/besser.md` the BESSER endpoint.
"""
