"""Session ids, their tokens, API keys and per-session rates (layer 10).

A new conversation gets an unguessable `session_id` (`secrets.token_urlsafe`, 144 bits) and a
token, HMAC-SHA256 of the bot id and the session id under the server's secret. Resuming needs
both, compared in constant time, so a client can neither pick an id (the Rasa socket.io pattern)
nor walk from one session to another. The secret comes from `BUBBLE_SECRET`, then `[serve]
secret`, else it is generated once and kept (mode 0600) in the store folder so tokens outlive a
restart. Rates are token buckets with an injected clock, so tests need no sleeps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from ..extensions.chatto_wire import bearer_matches

SECRET_FILE = "serve_secret"


def load_secret(configured: str | None, folder: Path) -> bytes:
    """The token key: the environment's, the configuration's, or the one kept in `folder`."""
    given = os.environ.get("BUBBLE_SECRET") or configured
    if given:
        return given.encode("utf-8")
    path = folder / SECRET_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(32).encode("ascii")
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(handle, "wb") as file:
        file.write(made)
    return made


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


def previous_secrets(configured: tuple[str, ...]) -> tuple[bytes, ...]:
    """Keys that were the secret before (rotation): `BUBBLE_PREVIOUS_SECRETS` (separated by
    commas or white space), else `[serve] previous_secrets`."""
    given = os.environ.get("BUBBLE_PREVIOUS_SECRETS")
    words = given.replace(",", " ").split() if given is not None else list(configured)
    return tuple(word.encode("utf-8") for word in words if word)


FUTURE_SLACK = 300.0  # seconds a token's issue time may lie ahead (clocks of several workers)


class TokenSigner:
    """Mints and checks the tokens of one bot's sessions.

    A token is `<issued>.<mac>`: the issue time (seconds, base 36) and HMAC-SHA256 of the bot,
    the session and that time. Every `hello` mints a fresh one, so an active client always holds
    a young token. With `max_age` a token older than that is refused (a stolen token stops
    working; its user starts anew). Tokens under a `previous` secret are still accepted — a
    rotation's grace window: the client's next `hello` gets one under the current secret. Tokens
    of the first format (the mac alone, no time) are accepted while no `max_age` is set."""

    def __init__(self, secret: bytes, bot_id: str, *, previous: tuple[bytes, ...] = (),
                 max_age: float | None = None, clock: Callable[[], float] = time.time):
        self.secret = secret
        self.keys = (secret, *previous)
        self.bot_id = bot_id
        self.max_age = max_age
        self.clock = clock

    def _mac(self, key: bytes, session_id: str, issued: str | None) -> bytes:
        text = f"bubble-session|{self.bot_id}|{session_id}" + (f"|{issued}" if issued is not None else "")
        digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=")

    def mint(self, session_id: str) -> str:
        issued = _base36(int(self.clock()))
        return f"{issued}.{self._mac(self.secret, session_id, issued).decode('ascii')}"

    def verify(self, session_id: str, token: str) -> bool:
        issued, dot, mac = token.rpartition(".")
        if not dot:
            issued, mac = None, token  # the first format: no issue time
            if self.max_age is not None:
                return False
        elif not (0 < len(issued) <= 8 and issued.isascii() and issued.isalnum()):
            return False
        else:
            age = self.clock() - int(issued, 36)
            if age < -FUTURE_SLACK or (self.max_age is not None and age > self.max_age):
                return False
        given = mac.encode("utf-8", "replace")
        return any([hmac.compare_digest(self._mac(key, session_id, issued), given) for key in self.keys])


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if not number:
            return text


def bearer_ok(header: str | None, api_key: str | None) -> bool:
    """Whether an `Authorization` header carries the API key (no key configured: never)."""
    return bearer_matches(header, api_key)


class TokenBucket:
    """`rate` frames per second with bursts of `burst` (SPEC §13: 5/s, burst 10)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.at = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now

    def full(self) -> bool:
        """Whether the bucket has refilled to its burst (nothing spent lately)."""
        self._refill()
        return self.tokens >= self.burst

    def take(self) -> bool:
        """Spend one token if there is one; False means the frame is refused."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
