"""The web chat's HTTP side without a browser: the page and its budget, Plotly from the installed
package, the upload and captcha-audio routes (authenticated like `hello`, CORS only for allowed
origins), and pictures kept for `attachment:` dialogs."""

from __future__ import annotations

import base64
import re
import shutil
import time

import httpx
import pytest

from bubble_lang.engine.content_images import qrcode_data_url
from bubble_lang.serve.shared_pictures import picture_type
from bubble_lang.serve.webchat_routes import WEBCHAT_DIR
from tests.serve.conftest import Client, ServerThread

from tests.webchat.conftest import GALLERY

PNG = base64.b64decode(qrcode_data_url("hello").split(",", 1)[1])


@pytest.fixture
def gallery(tmp_path):
    shutil.copy(GALLERY, tmp_path / "serve.bot")
    running = ServerThread(tmp_path).start()
    yield running
    running.stop()


def _session(server: ServerThread) -> tuple[Client, dict]:
    client = Client(server.ws_url)
    client.send({"type": "hello", "v": 1})
    welcome = client.recv()
    client.until("text")  # the greeting
    return client, welcome


def _auth(welcome: dict, **more: str) -> dict[str, str]:
    return {"X-Bubble-Session": welcome["session_id"], "Authorization": f"Session {welcome['token']}", **more}


def test_the_page_is_small_and_self_contained():
    own = sorted(WEBCHAT_DIR.glob("*.*"))
    assert {path.name for path in own} >= {"index.html", "chat.css", "chat-kit.js", "chat.js", "embed.js"}
    assert sum(path.stat().st_size for path in own) <= 100 * 1024
    allowed = {"http://www.w3.org/2000/svg", "https://www.openstreetmap.org/?mlat=",
               "https://bot.example.com/webchat/embed.js"}
    for path in own:
        text = path.read_text()
        assert not (set(re.findall(r"https?://[^\s\"'<>)]+", text)) - allowed), path.name  # no CDN, nothing fetched
        assert "innerHTML" not in text and "eval(" not in text and "new Function" not in text, path.name


def test_the_page_and_its_files_are_served(gallery):
    page = httpx.get(gallery.http_url + "/")
    assert page.status_code == 200 and 'src="/webchat/chat.js"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name in re.findall(r'src="/webchat/([\w.-]+)"', page.text) + ["chat.css", "embed.js"]:
        kind = "css" if name.endswith(".css") else "javascript"
        response = httpx.get(f"{gallery.http_url}/webchat/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    plotly = httpx.get(gallery.http_url + "/webchat/plotly.min.js")
    assert plotly.status_code == 200 and "javascript" in plotly.headers["content-type"] and len(plotly.content) > 10**6
    assert httpx.get(gallery.http_url + "/webchat/../pyproject.toml").status_code == 404


def test_uploads_need_the_session_and_an_allowed_origin(gallery):
    url = gallery.http_url + "/webchat/upload"
    client, welcome = _session(gallery)
    headers = {"X-Bubble-Id": "u1", "X-Bubble-Name": "a.txt", "Content-Type": "text/plain"}
    refused = httpx.post(url, content=b"hi", headers={**headers, "X-Bubble-Session": welcome["session_id"],
                                                          "Authorization": "Session forged"})
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    unknown = httpx.post(url, content=b"hi", headers=headers)
    assert unknown.status_code == 401
    foreign = httpx.post(url, content=b"hi", headers=_auth(welcome, Origin="https://evil.example", **headers))
    assert foreign.status_code == 403
    preflight = httpx.options(url, headers={"Origin": "http://localhost:9", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "http://localhost:9"
    bad = httpx.post(url, content=b"hi", headers=_auth(welcome, **{**headers, "X-Bubble-Id": ""}))
    assert bad.status_code == 400 and bad.json()["code"] == "bad_frame"

    accepted = httpx.post(url, content=b"hello there", headers=_auth(welcome, **headers))
    assert accepted.json() == {"ok": True, "id": "u1"}
    assert client.until("text")[-1]["text"] == "A file called a.txt of 11 bytes."  # through the socket
    again = httpx.post(url, content=b"hello there", headers=_auth(welcome, **headers))
    assert again.status_code == 200  # the same id again: acknowledged, never played twice
    client.send({"type": "message", "id": "m1", "text": "int"})
    assert [f["type"] for f in client.until("ack")] == ["widget", "ack"]
    client.close()


def test_a_picture_sent_outside_a_question_gets_a_url_that_serves_only_it(gallery):
    client, welcome = _session(gallery)
    frames = client.turn({"type": "file", "id": "p1", "name": "dot.png", "mime": "image/png",
                          "base64": base64.b64encode(PNG).decode()})
    assert frames[0]["text"] == f"A file called dot.png of {len(PNG)} bytes."
    state = __import__("asyncio").run(gallery.runner.state(welcome["session_id"]))
    assert state is not None
    keys = gallery.runner.uploads.keys()
    assert len(keys) == 1
    served = httpx.get(f"{gallery.http_url}/webchat/files/{keys[0]}")
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png" and served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    client.turn({"type": "file", "id": "p2", "name": "fake.png", "mime": "image/png",
                 "base64": base64.b64encode(b"<script>alert(1)</script>").decode()})
    assert len(gallery.runner.uploads.keys()) == 1  # not a picture: not kept, whatever its name says
    assert httpx.get(f"{gallery.http_url}/webchat/files/../../serve.bot").status_code == 404
    assert httpx.get(f"{gallery.http_url}/webchat/files/{'0' * 32}").status_code == 404
    client.close()


def test_picture_types_are_read_from_the_bytes():
    assert picture_type(PNG) == "image/png"
    assert picture_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert picture_type(b"GIF89a...") == "image/gif"
    assert picture_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert picture_type(b"<svg onload=alert(1)>") is None


def test_captcha_audio_speaks_only_an_open_captcha(gallery):
    url = gallery.http_url + "/webchat/captcha-audio"
    client, welcome = _session(gallery)
    assert httpx.post(url, headers=_auth(welcome)).status_code == 404  # no captcha asked yet
    client.turn({"type": "message", "id": "c1", "text": "captcha"})
    spoken = httpx.post(url, headers=_auth(welcome))
    assert spoken.status_code == 200 and spoken.headers["content-type"] == "audio/wav"
    assert spoken.content[:4] == b"RIFF" and spoken.headers["cache-control"] == "no-store"
    assert httpx.post(url, headers={"X-Bubble-Session": welcome["session_id"]}).status_code == 401
    client.close()


def test_the_routes_share_the_sessions_rate(gallery):
    client, welcome = _session(gallery)
    codes = [httpx.post(gallery.http_url + "/webchat/captcha-audio", headers=_auth(welcome)).status_code
             for _ in range(14)]
    assert codes[0] == 404 and 429 in codes  # 5 per second with bursts of 10, as for its frames
    client.close()


def test_the_rate_holds_after_the_sessions_socket_closed(gallery):
    """Closing the socket must not lift the rate: uploads and captcha audio without any socket
    spend from the session's bucket (kept until it refills), as a socket's frames do."""
    client, welcome = _session(gallery)
    client.close()
    time.sleep(0.2)
    codes = [httpx.post(gallery.http_url + "/webchat/captcha-audio", headers=_auth(welcome)).status_code
             for _ in range(14)]
    assert codes[0] == 404 and 429 in codes


@pytest.mark.parametrize("public_url", [None, "https://chat.example.com"])
def test_a_kept_pictures_link_uses_public_url_not_the_host_a_client_claims(tmp_path, public_url):
    """Found by the server probe: the link of a kept picture was built from the request's Host,
    which a client chooses; with `[serve] public_url` it is always the public address."""
    shutil.copy(GALLERY, tmp_path / "serve.bot")
    running = ServerThread(tmp_path, public_url=public_url).start()
    try:
        client, welcome = _session(running)
        headers = {"X-Bubble-Id": "u1", "X-Bubble-Name": "dot.png", "Content-Type": "image/png",
                   "Host": "evil.example"}
        assert httpx.post(running.http_url + "/webchat/upload", content=PNG,
                          headers=_auth(welcome, **headers)).status_code == 200
        client.until("text")
        state = __import__("asyncio").run(running.runner.state(welcome["session_id"]))
        url = state.runtime["attachment"]["url"]
        key = running.runner.uploads.keys()[0]
        expected = "https://chat.example.com" if public_url else "http://evil.example"
        assert url == f"{expected}/webchat/files/{key}"
        client.close()
    finally:
        running.stop()


@pytest.mark.parametrize("value", ['"chat.example.com"', '"https://chat.example.com/app?x=1"', '"https://x.test/#top"', '"ftp://x"', "5",
                                   '"http://[::1"'])
def test_a_public_url_that_is_not_an_address_is_reported(tmp_path, value):
    from bubble_lang.config import parse_config
    from bubble_lang.diagnostics import BubbleError
    from bubble_lang.source import SourceFile

    with pytest.raises(BubbleError) as raised:
        parse_config(SourceFile(str(tmp_path / "bubble.toml"), f"[serve]\npublic_url = {value}\n"))
    problem = raised.value.diagnostics[0]
    assert "`public_url` must be the server's http(s) address" in problem.message and problem.hint
