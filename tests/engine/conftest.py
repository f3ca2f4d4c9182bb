"""Fixtures of the host tests: a bot from inline text, a clock the test moves, and each store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from bubble_lang.engine.bot import load_bot
from bubble_lang.storage import open_store

from tests.bot_folders import write_bot

START = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")


class MovingClock:
    """The host's clock, moved by the test (`move(seconds)`): timers fall due without sleeping."""

    def __init__(self, start: pendulum.DateTime = START):
        self.now = start

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def move(self, seconds: float) -> None:
        self.now = self.now.add(seconds=seconds)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def make_bot(tmp_path: Path):
    def make(text: str, name: str = "bot"):
        return load_bot(write_bot(tmp_path, name, text))

    return make


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """Each store kind, empty."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        import redis

        with redis.Redis.from_url(url) as client:
            client.flushdb()
        opened = open_store(url, tmp_path, environ={})
    else:
        opened = open_store("memory" if request.param == "memory" else f"sqlite://{tmp_path / 's.sqlite'}",
                            tmp_path, environ={})
    yield opened
    opened.close()
