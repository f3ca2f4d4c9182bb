"""Connection-level guards on a real server (research/reliability.md §5): a cap on sockets per
client address (CHAN-3), a receipt deadline for requests and handshakes against Slowloris, and
pings that close a peer which stopped answering (CHAN-4). Short limits stand in for the defaults."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time

import attrs
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bubble_lang.limits import DEFAULT_LIMITS

from .conftest import ServerThread


@pytest.fixture
def guarded(tmp_path):
    limits = attrs.evolve(DEFAULT_LIMITS, sockets_per_address=20, request_receipt_seconds=0.5)
    running = ServerThread(tmp_path, limits=limits, ping_seconds=0.3).start()
    yield running
    running.stop()


async def _hello(ws) -> dict:
    await ws.send(json.dumps({"type": "hello", "v": 1}))
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def _refused_or_welcome(url: str, **options) -> tuple[str, object]:
    ws = await connect(url, open_timeout=10, **options)
    try:
        welcome = await _hello(ws)
    except ConnectionClosed as closed:
        return "refused", closed.rcvd
    return welcome["type"], ws


def test_one_address_gets_at_most_its_cap_and_another_address_is_still_served(guarded):
    async def scenario():
        results = await asyncio.gather(*(_refused_or_welcome(guarded.ws_url) for _ in range(100)))
        admitted = [ws for kind, ws in results if kind == "welcome"]
        refusals = [close for kind, close in results if kind == "refused"]
        assert len(admitted) == 20 and len(refusals) == 80
        assert {close.code for close in refusals} == {1013}
        assert "try again later" in refusals[0].reason
        # Another client address (127.0.0.2 is loopback too) is not counted against the first.
        kind, other = await _refused_or_welcome(guarded.ws_url, local_addr=("127.0.0.2", 0))
        assert kind == "welcome"
        await other.close()
        # A socket that closes gives its place back.
        await admitted.pop().close()
        await asyncio.sleep(0.2)
        kind, again = await _refused_or_welcome(guarded.ws_url)
        assert kind == "welcome"
        await asyncio.gather(again.close(), *(ws.close() for ws in admitted))

    asyncio.run(scenario())


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """True when the server closes the connection within `seconds` (whatever it sent first)."""
    try:
        while await asyncio.wait_for(reader.read(4096), seconds):
            pass
    except asyncio.TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


async def _trickle(port: int, head: bytes) -> bool:
    """A Slowloris client: a request sent one byte per 0.1 s; True if the server hung up on it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        closed = asyncio.ensure_future(_closed_within(reader, 5))
        for byte in head:
            if closed.done():
                break
            try:
                writer.write(bytes([byte]))
                await writer.drain()
            except ConnectionError:
                break
            await asyncio.sleep(0.1)
        return await closed
    finally:
        writer.close()


def test_slowloris_clients_are_dropped_while_a_normal_client_is_served(guarded):
    head = b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" * 4

    async def normal_conversation() -> str:
        await asyncio.sleep(0.2)
        ws = await connect(guarded.ws_url, open_timeout=5, local_addr=("127.0.0.3", 0))
        assert (await _hello(ws))["type"] == "welcome"
        await asyncio.wait_for(ws.recv(), 5)  # the greeting
        await ws.send(json.dumps({"type": "message", "id": "m1", "text": "hi there"}))
        said = json.loads(await asyncio.wait_for(ws.recv(), 5))
        await ws.close()
        return said["text"]

    async def scenario():
        started = time.monotonic()
        results = await asyncio.gather(normal_conversation(), *(_trickle(guarded.port, head) for _ in range(300)))
        assert results[0] == "You said: hi there"
        assert all(results[1:]), "every trickling client is disconnected"
        assert time.monotonic() - started < 8  # cut at the deadline, not after sending all 280 bytes

    asyncio.run(scenario())


def test_a_silent_connection_an_unfinished_handshake_and_a_trickled_body_are_closed(guarded):
    async def open_and_send(data: bytes) -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", guarded.port)
        writer.write(data)
        await writer.drain()
        try:
            return await _closed_within(reader, 3)
        finally:
            writer.close()

    key = base64.b64encode(os.urandom(16)).decode()
    unfinished = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n").encode()  # no blank line
    body_promised = (b"POST /api/conversations/c1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\":")

    async def scenario():
        assert await open_and_send(b"")
        assert await open_and_send(unfinished)
        assert await open_and_send(body_promised)

    asyncio.run(scenario())


def test_keep_alive_requests_each_get_the_deadline_and_complete_ones_are_answered(guarded):
    async def scenario():
        reader, writer = await asyncio.open_connection("127.0.0.1", guarded.port)
        try:
            for _ in range(3):
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                await writer.drain()
                status = await asyncio.wait_for(reader.readline(), 3)
                assert status.startswith(b"HTTP/1.1 200")
                length = 0
                while (line := await asyncio.wait_for(reader.readline(), 3)) != b"\r\n":
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                assert json.loads(await reader.readexactly(length)) ["status"] == "ok"
                await asyncio.sleep(0.3)  # idle between requests, under the deadline
        finally:
            writer.close()

    asyncio.run(scenario())


def test_a_peer_that_stops_answering_pings_is_closed(guarded):
    async def scenario():
        reader, writer = await asyncio.open_connection("127.0.0.1", guarded.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{guarded.port}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                     .encode())
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 3)
        assert status.startswith(b"HTTP/1.1 101")
        try:
            # Never a pong: the server pings every 0.3 s and gives up 0.3 s later.
            assert await _closed_within(reader, 5)
        finally:
            writer.close()

    asyncio.run(scenario())


def test_the_sockets_of_one_address_share_a_frame_rate(tmp_path):
    """Each session keeps within its own rate, but together they go over their address's."""
    limits = attrs.evolve(DEFAULT_LIMITS, messages_per_second=100.0, message_burst=100,
                          address_messages_per_second=0.2, address_message_burst=4)
    running = ServerThread(tmp_path, limits=limits, rate_loopback=True).start()  # loopback stands in for a host

    async def send(ws, frame_id: str) -> dict:
        await ws.send(json.dumps({"type": "message", "id": frame_id, "text": "hi"}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if frame.get("id") == frame_id and frame["type"] in ("ack", "error"):
                return frame

    async def scenario():
        a = await connect(running.ws_url, open_timeout=10)
        b = await connect(running.ws_url, open_timeout=10)
        assert (await _hello(a))["type"] == "welcome" and (await _hello(b))["type"] == "welcome"
        kinds = [(await send(ws, f"{name}{n}"))["type"] for n in range(2) for name, ws in (("a", a), ("b", b))]
        assert kinds == ["ack"] * 4  # the address's burst of 4 (hellos do not count)
        refused = await send(b, "b9")
        assert refused["type"] == "error" and refused["code"] == "rate_limited"
        await b.close()
        c = await connect(running.ws_url, open_timeout=10)  # a new socket of the address: let in, but
        assert (await _hello(c))["type"] == "welcome"  # its bucket is still spent
        assert (await send(c, "c1"))["code"] == "rate_limited"
        other = await connect(running.ws_url, open_timeout=10, local_addr=("127.0.0.2", 0))
        assert (await _hello(other))["type"] == "welcome"  # another address is not held back
        assert (await send(other, "o1"))["type"] == "ack"
        await asyncio.gather(a.close(), c.close(), other.close())

    try:
        asyncio.run(scenario())
    finally:
        running.stop()


def test_a_new_conversation_while_redis_is_away_gets_unavailable_not_a_traceback(tmp_path, caplog):
    import subprocess

    from tests.conftest import free_port as any_port
    from tests.conftest import redis_server_binary

    binary = redis_server_binary()
    assert binary is not None
    port = any_port()
    redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", str(tmp_path)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    running = ServerThread(tmp_path, store_url=f"redis://127.0.0.1:{port}/0").start()

    async def scenario():
        ws = await connect(running.ws_url, open_timeout=10)
        await ws.send(json.dumps({"type": "hello", "v": 1}))
        frames = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in range(2)]
        await ws.close()
        return frames

    try:
        redis.terminate()
        redis.wait(10)
        with caplog.at_level("WARNING"):
            frames = asyncio.run(scenario())
        assert frames[-1]["type"] == "error" and frames[-1]["code"] == "unavailable"
        assert not any(record.exc_info for record in caplog.records)  # a warning, never a traceback
    finally:
        running.stop()


def test_new_conversations_are_rated_per_address_and_resuming_is_not(tmp_path):
    """A host opening sockets in a loop, each saying hello without a session, would fill the
    store: after the address's burst of new conversations it is refused (rate_limited, then
    1013), while resuming a conversation and other addresses are not held back."""
    limits = attrs.evolve(DEFAULT_LIMITS, address_new_conversations_per_minute=0.5, address_new_conversation_burst=3)
    running = ServerThread(tmp_path, limits=limits, rate_loopback=True).start()  # loopback stands in for a host

    async def scenario():
        welcomes = []
        for _ in range(3):
            ws = await connect(running.ws_url, open_timeout=10)
            welcomes.append(await _hello(ws))
            await ws.close()
        assert [w["type"] for w in welcomes] == ["welcome"] * 3
        ws = await connect(running.ws_url, open_timeout=10)
        refused = await _hello(ws)
        assert refused["type"] == "error" and refused["code"] == "rate_limited"
        assert "new conversations" in refused["message"]
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd.code == 1013
        again = await connect(running.ws_url, open_timeout=10)  # resuming is never rated
        await again.send(json.dumps({"type": "hello", "v": 1, "session_id": welcomes[0]["session_id"],
                                     "token": welcomes[0]["token"]}))
        resumed = json.loads(await asyncio.wait_for(again.recv(), 5))
        assert resumed["type"] == "welcome" and resumed["resumed"] is True
        other = await connect(running.ws_url, open_timeout=10, local_addr=("127.0.0.2", 0))
        assert (await _hello(other))["type"] == "welcome"  # another address is not held back
        await asyncio.gather(again.close(), other.close())

    try:
        asyncio.run(scenario())
    finally:
        running.stop()


def test_a_script_error_is_logged_with_its_code_and_place_but_not_what_the_user_typed(tmp_path, caplog):
    """Found by the server probe: a turn that hit a script error logged `outcome=ok`, and nothing
    told whoever runs the server that the bot was failing."""
    (tmp_path / "serve.bot").write_text('dialog main do\n  x = ask "Number?"\n  say "#{1 / 0} #{x}"\nend\n')
    running = ServerThread(tmp_path).start()

    async def scenario():
        ws = await connect(running.ws_url, open_timeout=10)
        await _hello(ws)
        await asyncio.wait_for(ws.recv(), 10)  # the question
        await ws.send(json.dumps({"type": "message", "id": "m1", "text": "my secret 4711"}))
        frames = []
        while not any(frame.get("error") for frame in frames):
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
        await ws.close()

    try:
        with caplog.at_level("INFO", logger="bubble.serve"):
            asyncio.run(scenario())
            # the turn's line is written after its frames went out: wait for it, not for a stop
            # that may come first (seen once under load)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and sum(
                    record.getMessage().startswith("turn ") for record in caplog.records) < 2:
                time.sleep(0.02)
    finally:
        running.stop()
    lines = [record.getMessage() for record in caplog.records]
    errors = [line for line in lines if line.startswith("script error")]
    assert len(errors) == 1 and "code=B4" in errors[0] and "serve.bot:3:12 in dialog" in errors[0], lines
    assert "in dialog `main`" in errors[0]
    assert any("outcome=script_error" in line for line in lines), lines
    assert not any("4711" in line for line in lines)
