"""Builtin implementations (layer 6): what each registry entry of `stdlib` does at run time.

Input: a `Context` (the conversation's clock, timezone, locale, seeded generator, limits,
translation and matcher), positional arguments and options. Output: a value of the value model
(`runtime.values`), or a `ScriptError`/`LimitError` with a message and a hint, never another
exception for anything a script can pass. Implementations bind to the declarations by name
(`@builtin("length")`, one module per category); `IMPLEMENTATIONS` maps every registry name to
its callable `(ctx, args, kwargs) -> value` and a test checks both directions and the arity.

The public API: `Context`, `IMPLEMENTATIONS`, `call_builtin`, `validate_value`, `Implementation`.
Builtins never read the system clock or the global `random`, never `eval`, and never reach a
Python attribute by a name a script supplied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..runtime.script_errors import ScriptError
from ..spelling import nearest_name
from . import (  # noqa: F401 - importing a category module registers its builtins
    content,
    dates,
    events,
    i18n,
    lists,
    maps,
    matching,
    numbers,
    text,
    text_numbers,
    widgets,
)
from .args import BAD_ARGUMENT
from .binding import REGISTERED, Implementation
from .context import Context
from .guards import validate_value
from .literal import render_text

#: Every builtin implementation by registry name: `IMPLEMENTATIONS[name](ctx, args, kwargs)`.
IMPLEMENTATIONS: dict[str, Implementation] = dict(REGISTERED)


def call_builtin(ctx: Context, name: str, args: list[Any], kwargs: Mapping[str, Any]) -> Any:
    """Run the builtin `name` with positional `args` and options `kwargs`.

    The call is checked against the declaration first (number of arguments, option names), so
    the VM can pass what the script wrote; a message, answer or capture is read as its text
    wherever a builtin wants a text. Raises `ScriptError` (B401 type, B402 division by zero,
    B403 bad argument) or `LimitError` (B450); the VM adds the script position.
    """
    implementation = IMPLEMENTATIONS.get(name)
    if implementation is None:
        guess = nearest_name(name, IMPLEMENTATIONS)
        raise ScriptError(f"unknown function `{name}`",
                          f"did you mean `{guess}`?" if guess else "check the spelling in `docs/builtins.md`",
                          code=BAD_ARGUMENT)
    return implementation(ctx, list(args), dict(kwargs))


__all__ = [
    "IMPLEMENTATIONS",
    "Context",
    "Implementation",
    "call_builtin",
    "render_text",
    "validate_value",
]
