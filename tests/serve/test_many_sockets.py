"""1,000 idle sockets on one server: each has its session, and the server still answers."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

SOCKETS = 1000


async def open_many(url: str) -> None:
    async def one(number: int):
        ws = await connect(url, open_timeout=30)
        await ws.send(json.dumps({"type": "hello", "v": 1}))
        welcome = json.loads(await ws.recv())
        greeting = json.loads(await ws.recv())
        assert welcome["type"] == "welcome" and greeting["seq"] == 1
        return ws, welcome["session_id"]

    sockets = []
    for start in range(0, SOCKETS, 100):  # in waves, as clients arrive
        sockets += await asyncio.gather(*(one(number) for number in range(start, start + 100)))
    assert len({session for _, session in sockets}) == SOCKETS
    await asyncio.sleep(0.5)  # all idle
    ws, _ = sockets[SOCKETS // 2]
    await ws.send(json.dumps({"type": "message", "id": "m", "text": "still there?"}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["text"] == "You said: still there?"
    assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "ack", "id": "m"}
    await asyncio.gather(*(ws.close() for ws, _ in sockets))


def test_a_thousand_idle_sockets(server):
    asyncio.run(open_many(server.ws_url))
