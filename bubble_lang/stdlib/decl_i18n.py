"""Declarations of the translation builtin (layer 4): data for the registry, no implementation."""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_i18n = partial(declare, category="i18n")

DECLARATIONS: tuple[Builtin, ...] = (
    _i18n(
        "_", "text", "text",
        """Looks the text up in the bot's translations for the conversation's language and
        gives the translation, or the text itself when there is none; `_"…"` is the same
        call. It depends on the conversation's language, so constant definitions may not use
        it; guards may.""",
        '_("Hello") -> "Hallo" (in a Dutch conversation)',
        pure=False,
    ),
)
