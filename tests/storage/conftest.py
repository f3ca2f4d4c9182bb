"""Fixtures of the store tests: a real `redis-server` on a free port, and one `backend` fixture
parametrized over memory, SQLite and Redis so every contract test runs on all three."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from bubble_lang.storage import BaseStore, open_store

ROOT = Path(__file__).resolve().parents[2]
WORKERS = Path(__file__).resolve().parent / "workers.py"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stress: kill -9 and multi-process store tests (run in the normal run)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server (no persistence) on 127.0.0.1; stopped after the session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed; the Redis store tests run a real one. "
                    "Install it with `apt-get install -y redis-server` (Debian/Ubuntu) "
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
                    pytest.fail(f"redis-server did not start on port {port}", pytrace=False)
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


@attrs.define
class Backend:
    """One store kind under test. `open()` gives another handle on the same data (for memory,
    the one instance), as a second process or a restart would."""

    name: str
    url: str
    durable: bool
    opened: list[BaseStore] = attrs.field(factory=list)

    def open(self, **options: Any) -> BaseStore:
        if self.name == "memory" and self.opened:
            return self.opened[0]
        store = open_store(self.url, ROOT, environ={}, **options)
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()


def make_backend(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if name == "memory":
        return Backend("memory", "memory", durable=False)
    if name == "sqlite":
        return Backend("sqlite", f"sqlite://{tmp_path / 'state.sqlite'}", durable=True)
    url = request.getfixturevalue("redis_url")
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return Backend("redis", url, durable=True)


@pytest.fixture(params=["memory", "sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each store kind in turn, empty."""
    found = make_backend(request.param, request, tmp_path)
    yield found
    found.close()


@pytest.fixture(params=["sqlite", "redis"])
def shared_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The store kinds that several processes can share."""
    found = make_backend(request.param, request, tmp_path)
    yield found
    found.close()


@pytest.fixture
def store(backend: Backend) -> BaseStore:
    return backend.open()


def worker_command(*args: str) -> list[str]:
    """`python tests/storage/workers.py ARGS`: the child processes of the multi-process tests."""
    return [sys.executable, str(WORKERS), *args]


def worker_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("BUBBLE_STORE", None)
    return env
