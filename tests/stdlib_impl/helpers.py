"""Shared helpers for the builtin implementation tests: contexts with a fixed clock, calls."""

from __future__ import annotations

import random
import re
from typing import Any

import pendulum
import pytest

from bubble_lang.limits import Limits
from bubble_lang.runtime.script_errors import ScriptError
from bubble_lang.stdlib_impl import Context, call_builtin

ZONE = "Europe/Amsterdam"

#: The clock of the date tests (the brief's fixed "now").
NOW = pendulum.datetime(2024, 3, 5, 10, 0, 0, tz=ZONE)

HINT_START = re.compile(r"^(did you mean |[a-z]+[ ,:])")


def make_ctx(now: pendulum.DateTime = NOW, *, seed: int = 7, limits: Limits | None = None, **fields: Any) -> Context:
    """A conversation context with a fixed clock and a seeded generator."""
    extra = {"limits": limits} if limits is not None else {}
    return Context(now=now, timezone=fields.pop("timezone", ZONE), rng=random.Random(seed), **extra, **fields)


def call(ctx: Context, name: str, /, *args: Any, **kwargs: Any) -> Any:
    """`name(args…, key: value…)` as the VM would call it."""
    return call_builtin(ctx, name, list(args), kwargs)


def fails(ctx: Context, name: str, /, *args: Any, code: str | None = None, **kwargs: Any) -> ScriptError:
    """The error a call raises, checked for house style (and for its code when given)."""
    with pytest.raises(ScriptError) as caught:
        call_builtin(ctx, name, list(args), kwargs)
    error = caught.value
    assert_house_style(error)
    if code is not None:
        assert error.code == code, (error.code, error.message)
    return error


def assert_house_style(error: ScriptError) -> None:
    """One lowercase clause without a final period, names in backticks; a hint that starts
    with a verb or "did you mean"."""
    message = error.message
    assert message and (message[0].islower() or message[0] in "`\""), message
    assert not message.endswith("."), message
    assert "\n" not in message
    assert error.hint, message
    assert HINT_START.match(error.hint), error.hint
    assert not error.hint.endswith("."), error.hint
    assert "Traceback" not in message and "TypeError" not in message
