"""How many WebSockets one client address holds open (layer 10), and the cap on it.

Memory per socket is small but not nothing, and one host opening sockets in a loop should meet a
clear "try again later" (close 1013) long before the server runs out (research/reliability.md §5,
CHAN-3). The address is the ASGI client's — behind a reverse proxy that sets `X-Forwarded-For`
uvicorn puts the real client there, so one proxy is not one address (docs/serving.md).
"""

from __future__ import annotations

TRY_AGAIN_LATER = 1013
REFUSAL = "too many connections from your address; try again later"


class AddressCaps:
    """Open sockets per address; `admit` counts one in (or refuses it), `release` counts it out."""

    def __init__(self, per_address: int):
        self.per_address = per_address
        self.open: dict[str, int] = {}

    def admit(self, address: str) -> bool:
        count = self.open.get(address, 0)
        if count >= self.per_address:
            return False
        self.open[address] = count + 1
        return True

    def release(self, address: str) -> None:
        count = self.open.get(address, 0)
        if count <= 1:
            self.open.pop(address, None)
        else:
            self.open[address] = count - 1


def client_address(client: object) -> str:
    """The host part of an ASGI `client` (None when the server does not know it)."""
    host = getattr(client, "host", None)
    return host if isinstance(host, str) else ""
