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


class TokenSigner:
    """Mints and checks the tokens of one bot's sessions."""

    def __init__(self, secret: bytes, bot_id: str):
        self.secret = secret
        self.bot_id = bot_id

    def mint(self, session_id: str) -> str:
        digest = hmac.new(self.secret, f"bubble-session|{self.bot_id}|{session_id}".encode("utf-8"),
                          hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def verify(self, session_id: str, token: str) -> bool:
        return hmac.compare_digest(self.mint(session_id).encode("ascii"), token.encode("utf-8", "replace"))


def bearer_ok(header: str | None, api_key: str | None) -> bool:
    """Whether an `Authorization` header carries the API key (no key configured: never)."""
    if not api_key or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].strip().encode("utf-8", "replace"), api_key.encode("utf-8"))


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
