"""Fixtures of the store tests: one `backend` fixture parametrized over memory, SQLite and Redis
(a real `redis-server`, from the root conftest) so every contract test runs on all three."""

from __future__ import annotations

import sys
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
