"""Session tokens: their issue time and `token_days`, and rotating the server's secret with a
grace window (`previous_secrets`), through the signer and through `bubble serve` itself."""

from __future__ import annotations

import contextlib
import shutil

import pytest

from bubble_lang.serve.session_tokens import TokenSigner, previous_secrets

from .conftest import BOT, Client
from .test_shutdown import free_port, start

OLD, NEW = "old-secret-0123456789abcdef", "new-secret-0123456789abcdef"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_token_carries_its_issue_time_and_expires_after_max_age():
    clock = Clock(1_800_000_000.0)
    signer = TokenSigner(b"k" * 32, "bot", max_age=3_600, clock=clock)
    token = signer.mint("s")
    assert "." in token and signer.verify("s", token)
    clock.now += 3_599
    assert signer.verify("s", token)
    clock.now += 2
    assert not signer.verify("s", token)  # older than an hour
    assert not signer.verify("s", TokenSigner(b"k" * 32, "bot", clock=Clock(clock.now + 3_600)).mint("s"))  # future
    forged = token.split(".")[0][:-1] + "z" + "." + token.split(".")[1]  # another issue time, same mac
    assert not signer.verify("s", forged)
    for junk in ("", ".", "a.b.c", "!!.x", "zzzzzzzzz.x", "ä.x", token + "x"):
        assert not signer.verify("s", junk)


def test_first_format_tokens_work_until_tokens_expire():
    legacy = TokenSigner(b"k" * 32, "bot")._mac(b"k" * 32, "s", None).decode()  # the mac alone
    assert TokenSigner(b"k" * 32, "bot").verify("s", legacy)
    assert not TokenSigner(b"k" * 32, "bot", max_age=60).verify("s", legacy)  # no issue time: refused


def test_previous_secrets_are_accepted_and_new_tokens_use_the_current_one(monkeypatch):
    old = TokenSigner(OLD.encode(), "bot").mint("s")
    rotated = TokenSigner(NEW.encode(), "bot", previous=(OLD.encode(),))
    assert rotated.verify("s", old)
    assert TokenSigner(NEW.encode(), "bot").verify("s", rotated.mint("s"))
    assert not TokenSigner(NEW.encode(), "bot").verify("s", old)
    monkeypatch.setenv("BUBBLE_PREVIOUS_SECRETS", "a-very-old-secret-123, b-very-old-secret-456 ")
    assert previous_secrets(("ignored",)) == (b"a-very-old-secret-123", b"b-very-old-secret-456")
    monkeypatch.delenv("BUBBLE_PREVIOUS_SECRETS")
    assert previous_secrets(("from-the-config-file",)) == (b"from-the-config-file",)


@contextlib.contextmanager
def _served(folder, port, toml: str):
    """`bubble serve` of the folder bot with this bubble.toml, stopped after the block."""
    (folder / "bubble.toml").write_text(toml)
    process = start(folder, port, folder)
    try:
        yield Client(f"ws://127.0.0.1:{port}/ws")
    finally:
        process.terminate()
        process.wait(10)


def test_rotating_the_secret_of_bubble_serve_keeps_clients_in(tmp_path):
    """Secret A; then B with A as a previous secret: the client resumes and gets a B token; then B
    alone with token_days: the A token is refused, the B token resumes."""
    shutil.copy(BOT, tmp_path / "serve.bot")
    port = free_port()
    with _served(tmp_path, port, f'[serve]\nsecret = "{OLD}"\n') as client:
        first, _ = client.hello()
        assert first["type"] == "welcome"
    with _served(tmp_path, port, f'[serve]\nsecret = "{NEW}"\nprevious_secrets = ["{OLD}"]\n') as client:
        second, _ = client.hello(session_id=first["session_id"], token=first["token"])
        assert second["type"] == "welcome" and second["resumed"] is True and second["token"] != first["token"]
    with _served(tmp_path, port, f'[serve]\nsecret = "{NEW}"\ntoken_days = 30\n') as stale:
        refused, _ = stale.hello(session_id=first["session_id"], token=first["token"])
        assert refused["type"] == "error" and refused["code"] == "unauthorized"
        fresh = Client(f"ws://127.0.0.1:{port}/ws")
        third, _ = fresh.hello(session_id=first["session_id"], token=second["token"])
        assert third["type"] == "welcome" and third["resumed"] is True


@pytest.mark.parametrize(("toml", "message"), [
    ('[serve]\ntoken_days = 0\n', "`token_days` must be a number of days"),
    ('[serve]\ntoken_days = "30"\n', "`token_days` must be a number of days"),
    ('[serve]\ntoken_days = inf\n', "`token_days` must be a number of days"),
    ('[serve]\nprevious_secrets = "x"\n', "`previous_secrets` must be a list"),
    ('[serve]\nprevious_secrets = ["short"]\n', "`previous_secrets` must be a list"),
])
def test_bad_token_settings_are_reported_at_their_key(tmp_path, toml, message):
    from bubble_lang.config import parse_config
    from bubble_lang.diagnostics import BubbleError
    from bubble_lang.source import SourceFile

    with pytest.raises(BubbleError) as raised:
        parse_config(SourceFile(str(tmp_path / "bubble.toml"), toml))
    problem = raised.value.diagnostics[0]
    assert message in problem.message and problem.span.file.line_col(problem.span.start)[0] == 2 and problem.hint
