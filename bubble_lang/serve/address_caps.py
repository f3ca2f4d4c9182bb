"""What one client address may hold and send (layer 10): open WebSockets, and frames per second.

Memory per socket is small but not nothing, and one host opening sockets in a loop should meet a
clear "try again later" (close 1013) long before the server runs out (CHAN-3 of the reliability
notes). The frame rate is per session (SPEC §13), so without a rate per address one host could
send `sockets_per_address` times that rate over as many sessions; all sockets of one address
also share one bucket (`address_messages_per_second`, `address_message_burst`). A bucket outlives
its address's last socket until it has filled up again, so closing and reopening sockets does not
refill it. Loopback addresses are not rated (unless asked): they are this machine — a reverse
proxy that does not pass the client's address on, or a load test — where one address is many
users; their sockets are still capped. New conversations are rated per address too
(`address_new_conversations_per_minute`, `address_new_conversation_burst`): a `hello` without a
session and every BESSER connection start one, and each is stored, so a host opening and closing
sockets in a loop would otherwise fill the store (resuming is never rated: users behind one NAT
reconnecting after a restart all get back in). Opening sockets is rated too
(`address_connections_per_second`, `address_connection_burst`: 50 a second after a burst as large
as the socket cap, so a whole NAT reconnecting after a restart gets in at once), so a host cannot
make the server accept and refuse sockets in a loop. The address is the ASGI client's — behind a reverse
proxy that sets `X-Forwarded-For` uvicorn puts the real client there, so one proxy is not one
address (docs/serving.md).
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable

from .session_tokens import TokenBucket

TRY_AGAIN_LATER = 1013
REFUSAL = "too many connections from your address; try again later"
TOO_MANY_STARTS = "too many new conversations from your address; try again in a minute"
PRUNE_AT = 1_000  # buckets of addresses without sockets kept before the full ones are dropped


class Unrated:
    """The bucket of an address whose frames are not rated (loopback): every frame may go."""

    def take(self) -> bool:
        return True

    def full(self) -> bool:
        return True


UNRATED = Unrated()


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class AddressCaps:
    """Open sockets per address; `admit` counts one in (or refuses it) and gives the address's
    shared frame bucket, `release` counts it out."""

    def __init__(self, per_address: int, rate: float = 50.0, burst: int = 100,
                 clock: Callable[[], float] = time.monotonic, *, rate_loopback: bool = False,
                 starts_per_minute: float = 120.0, start_burst: int = 100,
                 connects_per_second: float = 50.0, connect_burst: int = 1_000):
        self.per_address = per_address
        self.rate_loopback = rate_loopback
        self.rate = rate
        self.burst = burst
        self.starts_per_minute = starts_per_minute
        self.start_burst = start_burst
        self.connects_per_second = connects_per_second
        self.connect_burst = connect_burst
        self.clock = clock
        self.open: dict[str, int] = {}
        self.buckets: dict[str, TokenBucket] = {}
        self.starts: dict[str, TokenBucket] = {}  # new conversations, per address
        self.connects: dict[str, TokenBucket] = {}  # sockets opened, per address

    def admit(self, address: str) -> TokenBucket | Unrated | None:
        """The address's frame bucket, or None when it already holds its cap of sockets or has
        opened too many lately."""
        count = self.open.get(address, 0)
        if count >= self.per_address or \
                not self._bucket(self.connects, address, self.connects_per_second, self.connect_burst).take():
            return None
        self.open[address] = count + 1
        return self._bucket(self.buckets, address, self.rate, self.burst)

    def frame_bucket(self, address: str) -> TokenBucket | Unrated:
        """The address's frame bucket for a call without a socket (the web chat's uploads)."""
        return self._bucket(self.buckets, address, self.rate, self.burst)

    def may_start(self, address: str) -> bool:
        """Count one new conversation for `address`; False when it has started too many lately."""
        return self._bucket(self.starts, address, self.starts_per_minute / 60, self.start_burst).take()

    def _bucket(self, table: dict[str, TokenBucket], address: str, rate: float, burst: int) -> TokenBucket | Unrated:
        """The address's bucket in `table` (made on first use; loopback is unrated)."""
        if not self.rate_loopback and is_loopback(address):
            return UNRATED
        bucket = table.get(address)
        if bucket is None:
            if len(table) - len(self.open) > PRUNE_AT:
                self._prune()
            bucket = table[address] = TokenBucket(rate, burst, self.clock)
        return bucket

    def release(self, address: str) -> None:
        count = self.open.get(address, 0)
        if count <= 1:
            self.open.pop(address, None)
            for table in (self.buckets, self.starts, self.connects):
                bucket = table.get(address)
                if bucket is not None and bucket.full():
                    del table[address]
        else:
            self.open[address] = count - 1

    def _prune(self) -> None:
        """Forget the buckets of addresses without sockets that have filled up again."""
        for table in (self.buckets, self.starts, self.connects):
            for address in [a for a, bucket in table.items() if a not in self.open and bucket.full()]:
                del table[address]


def client_address(client: object) -> str:
    """The host part of an ASGI `client` (None when the server does not know it)."""
    host = getattr(client, "host", None)
    return host if isinstance(host, str) else ""
