"""The pieces of `bubble serve` without a server: frame reading, tokens, rates, origins, frames
of outputs, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bubble_lang.runtime.outputs import Output
from bubble_lang.engine.output_frames import output_frame
from bubble_lang.serve.hub import Hub, ServeSettings
from bubble_lang.serve.session_tokens import TokenBucket, TokenSigner, bearer_ok, load_secret
from bubble_lang.serve.ws_protocol import FrameError, nesting_depth, read_frame

ROOT = Path(__file__).resolve().parents[2]


def test_nesting_is_measured_without_recursion_and_strings_do_not_count():
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert nesting_depth('"\\"[[[["') == 0
    with pytest.raises(FrameError) as refused:
        read_frame("[" * 100_000 + "]" * 100_000)
    assert refused.value.code == "too_deep"


@pytest.mark.parametrize("text", ["", "{", '{"type": 1}', '{"type": "message", "id": "", "text": "a"}',
                                  '{"type": "hello", "v": true}', '{"type": "location", "id": "a", "lat": 1e999, "lon": 0}',
                                  '{"type": "message", "id": "a", "text": "x", "text2": 1}', "\ud800"])
def test_any_text_is_a_frame_or_a_frame_error(text):
    with pytest.raises(FrameError):
        read_frame(text)


def test_tokens_are_bound_to_the_session_and_the_bot():
    signer = TokenSigner(b"k" * 32, "bot")
    token = signer.mint("session-a")
    assert signer.verify("session-a", token)
    assert not signer.verify("session-b", token)
    assert not TokenSigner(b"k" * 32, "other-bot").verify("session-a", token)
    assert not TokenSigner(b"x" * 32, "bot").verify("session-a", token)
    assert not signer.verify("session-a", token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_the_secret_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("BUBBLE_SECRET", raising=False)
    first = load_secret(None, tmp_path / ".bubble")
    assert load_secret(None, tmp_path / ".bubble") == first and len(first) >= 32
    assert (tmp_path / ".bubble" / "serve_secret").stat().st_mode & 0o077 == 0
    assert load_secret("configured-secret-123", tmp_path) == b"configured-secret-123"
    monkeypatch.setenv("BUBBLE_SECRET", "from-the-environment")
    assert load_secret("configured-secret-123", tmp_path) == b"from-the-environment"


def test_bearer_keys():
    assert bearer_ok("Bearer right-key", "right-key")
    assert not bearer_ok("Bearer wrong-key", "right-key")
    assert not bearer_ok("right-key", "right-key")
    assert not bearer_ok("Bearer ", None) and not bearer_ok(None, "right-key")


def test_the_rate_is_5_per_second_with_bursts_of_10_on_a_frozen_clock():
    now = [0.0]
    bucket = TokenBucket(5, 10, clock=lambda: now[0])
    assert sum(bucket.take() for _ in range(20)) == 10
    now[0] += 1.0
    assert sum(bucket.take() for _ in range(20)) == 5
    now[0] += 100.0
    assert sum(bucket.take() for _ in range(20)) == 10


def test_origins():
    hub = Hub(runner=None, settings=ServeSettings(signer=TokenSigner(b"k", "b"), origins=("https://chat.example.com",)))
    assert hub.origin_allowed(None, "127.0.0.1:8080")
    assert hub.origin_allowed("http://127.0.0.1:5000", "example.org")
    assert hub.origin_allowed("http://localhost", "example.org")
    assert hub.origin_allowed("https://bot.example.org", "bot.example.org")
    assert hub.origin_allowed("https://chat.example.com/", "bot.example.org")
    assert not hub.origin_allowed("https://evil.example.com", "bot.example.org")
    assert not hub.origin_allowed("null", "bot.example.org")
    assert not hub.origin_allowed("http://localhost.evil.com", "bot.example.org")


def test_frames_of_outputs():
    assert output_frame(Output(kind="text", text="hi", seq=3)) == {"type": "text", "text": "hi", "seq": 3}
    assert output_frame(Output(kind="log", text="x", seq=4)) is None
    assert output_frame(Output(kind="pause", data={"seconds": 2}, seq=5)) == {"type": "typing", "seconds": 2.0, "seq": 5}
    frame = output_frame(Output(kind="show", text="<b>", data={"kind": "web", "url": "https://x.org/<b>"}, seq=6))
    assert frame["type"] == "text" and frame["text"] == "https://x.org/<b>"  # data, never HTML
    json.dumps(frame)


def test_a_contact_card_is_text_every_channel_can_show():
    """A structured card was an empty text frame: an empty bubble in the web chat, "…" on Telegram."""
    from bubble_lang.messengers.telegram.telegram_send import frame_sends

    card = {"kind": "contact", "name": {"first_name": "Sam", "last_name": "Helpdesk"},
            "phones": [{"phone": "+31 20 123 4567"}], "emails": [{"email": "support@example.com"}], "url": "https://x.test"}
    frame = output_frame(Output(kind="show", data=card, seq=1))
    assert frame["text"] == "Sam Helpdesk\nPhone: +31 20 123 4567\nEmail: support@example.com\nWeb: https://x.test"
    assert frame["content"] == "contact" and frame["phones"] == [{"phone": "+31 20 123 4567"}]  # the fields stay
    sends, _ = frame_sends(5, frame)
    assert [send.params["text"] for send in sends] == [frame["text"]]


def test_serve_refuses_a_broken_bot(tmp_path):
    bad = tmp_path / "bad.bot"
    bad.write_text('dialog main do\n  say "unclosed\nend\n')
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "serve", str(bad)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "B001" in result.stderr


def test_show_frames_keep_their_frame_type_and_carry_no_placeholder_text():
    # A file's MIME type once overwrote the frame's `type` ("text/plain"), and every show frame
    # carried the output's summary "<content>" as text.
    file = output_frame(Output(kind="show", text="<content>", seq=7,
                               data={"kind": "file", "name": "a.txt", "type": "text/plain", "base64": "aGk="}))
    assert file == {"type": "file", "name": "a.txt", "mime": "text/plain", "base64": "aGk=", "seq": 7}
    download = output_frame(Output(kind="show", text="<content>", seq=8,
                                   data={"kind": "download", "name": "o.txt", "data": "one", "type": "text/plain"}))
    assert download == {"type": "file", "name": "o.txt", "data": "one", "mime": "text/plain", "download": True,
                        "seq": 8}
    image = output_frame(Output(kind="show", text="<content>", data={"kind": "image", "url": "https://x.org/a.png"}))
    assert image["type"] == "image" and "text" not in image
    loading = output_frame(Output(kind="show", text="<content>", data={"kind": "loading", "text": "Baking",
                                                                       "progress": 40}))
    assert loading["text"] == "Baking"


def test_markdown_frames_carry_safe_html():
    frame = output_frame(Output(kind="show", text="<content>", data={
        "kind": "md", "text": "**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> "
                              "[a](javascript:alert(1)) [b](https://example.com) [c](data:text/html,x)"}))
    assert frame["text"].startswith("**bold**")  # the source, for clients that render it themselves
    html = frame["html"]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="data' not in html
    assert 'href="https://example.com"' in html


def test_one_address_shares_a_frame_bucket_that_reconnecting_does_not_refill():
    from bubble_lang.serve.address_caps import PRUNE_AT, AddressCaps

    now = [0.0]
    loopback = AddressCaps(3, rate=1.0, burst=1)
    assert all(loopback.admit("127.0.0.1").take() for _ in range(3))  # this machine: capped, not rated
    assert loopback.admit("127.0.0.1") is None and all(loopback.admit("::1").take() for _ in range(3))
    caps = AddressCaps(3, rate=1.0, burst=4, clock=lambda: now[0])
    first, second = caps.admit("10.0.0.1"), caps.admit("10.0.0.1")
    assert first is second  # the sockets of one address spend from one bucket
    assert [first.take() for _ in range(5)] == [True, True, True, True, False]
    assert caps.admit("10.0.0.2").take()  # another address has its own
    caps.admit("10.0.0.1")
    assert caps.admit("10.0.0.1") is None  # over the socket cap
    for _ in range(3):
        caps.release("10.0.0.1")
    again = caps.admit("10.0.0.1")
    assert again is first and not again.take()  # closing every socket and reopening refills nothing
    now[0] += 1.0
    assert again.take() and not again.take()  # one frame a second
    caps.release("10.0.0.1")
    now[0] += 10.0
    assert "10.0.0.1" in caps.buckets
    caps.admit("10.0.0.1")
    caps.release("10.0.0.1")  # full again when its last socket closes: forgotten
    assert "10.0.0.1" not in caps.buckets
    for n in range(PRUNE_AT + 5):  # addresses that spent a frame and left are pruned once full
        address = f"10.1.{n // 256}.{n % 256}"
        caps.admit(address).take()
        caps.release(address)
    now[0] += 10.0
    caps.admit("10.9.9.9")
    assert len(caps.buckets) <= 3


def test_opening_sockets_is_rated_per_address():
    from bubble_lang.serve.address_caps import AddressCaps

    now = [0.0]
    caps = AddressCaps(10, clock=lambda: now[0], connects_per_second=1.0, connect_burst=2, rate_loopback=True)
    for _ in range(2):
        assert caps.admit("10.0.0.1") is not None
        caps.release("10.0.0.1")
    assert caps.admit("10.0.0.1") is None  # the third socket in the same instant: over the rate
    assert caps.admit("10.0.0.2") is not None  # another address is not held back
    now[0] += 1.0
    assert caps.admit("10.0.0.1") is not None  # one more a second
    assert AddressCaps(10, connects_per_second=1.0, connect_burst=1).admit("127.0.0.1") is not None
    unrated = AddressCaps(10, connects_per_second=1.0, connect_burst=1)
    assert all(unrated.admit("127.0.0.1") is not None for _ in range(5))  # loopback: capped, not rated


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet='"\\[]{}ab '),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                               st.text(alphabet='"\\[]{}ab', max_size=4), inner, max_size=3), max_leaves=20)


@given(JSON_VALUES)
def test_nesting_depth_agrees_with_the_parsed_value(value):
    """Brackets, quotes and backslashes inside strings and keys never count."""
    assert nesting_depth(json.dumps(value)) == _depth(value)


def test_an_unclosed_string_of_escaped_quotes_is_refused_as_json():
    """`"` then `\\"` 32,700 times: the check of its depth once rescanned the rest of the frame at
    every quote (a 64 KiB frame held the server's loop for 12 s); it is one pass now."""
    frame = '"' + '\\"' * 32_700
    assert nesting_depth(frame) == 0
    with pytest.raises(FrameError) as refused:
        read_frame(frame)
    assert refused.value.code == "bad_json"


def test_frames_with_a_lone_surrogate_are_still_sendable_text():
    from bubble_lang.serve.ws_protocol import frame_text

    text = frame_text({"type": "text", "text": "a\ud800b", "seq": 1})
    assert text.encode("utf-8") and "\\ud800" in text and json.loads(text)["text"] == "a\ud800b"
    assert frame_text({"type": "text", "text": "héllo"}) == '{"type": "text", "text": "héllo"}'  # as before


def test_an_extension_answer_with_a_lone_surrogate_becomes_text():
    from bubble_lang.extensions.chatto_wire import read_reply
    from bubble_lang.runtime.inputs import ExtensionRequest

    request = ExtensionRequest(id="r1", server="s", name="x")
    body = b'{"fsm": {"state": 1, "slots": {"k": "v\\udc80"}}, "answers": [{"text": "hi \\ud800 there"}]}'
    result = read_reply(request, 200, body)
    assert result.ok and "\ud800" not in json.dumps(result.answers, ensure_ascii=False)
    assert "\ufffd" in result.answers[0]["text"] and result.slots["k"] == "v\ufffd"


@pytest.mark.parametrize(("image", "ok"), [
    ("https://example.com/cat.png", True), ("data:image/png;base64,AAAA", True), ("HTTP://X.NL/a.gif", True),
    ("javascript:alert(1)", False), ("data:text/html,<script>", False), ("/relative.png", False),
    ("https://x.nl/\nforged", False),
])
def test_an_extension_image_must_be_one_a_channel_may_show(image, ok):
    """As `image(…)` in a script: an http(s) URL or a picture's data; other schemes fail the call."""
    from bubble_lang.extensions.chatto_wire import read_reply
    from bubble_lang.runtime.inputs import ExtensionRequest

    body = json.dumps({"fsm": {"state": 1}, "answers": [{"text": "look", "image": image}]}).encode()
    result = read_reply(ExtensionRequest(id="r1", server="s", name="pics"), 200, body)
    assert result.ok is ok and (ok or "image" in result.error)
