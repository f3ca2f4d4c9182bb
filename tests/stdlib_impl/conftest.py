"""Fixtures of the builtin implementation tests."""

from __future__ import annotations

import pytest

from bubble_lang.stdlib_impl import Context

from .helpers import make_ctx


@pytest.fixture
def ctx() -> Context:
    """A conversation at 2024-03-05 10:00 in Europe/Amsterdam, English, seed 7."""
    return make_ctx()
