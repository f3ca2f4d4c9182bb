"""Locale names (layer 1): which locales dates can be written in — the ones pendulum ships.

Input: a locale name as an author writes it (`"nl"`, `"nl-NL"`, `"en_GB"`). Output: the shipped
locale it stands for, or None. `bubble.toml`'s `[bot] locale` is checked with this at lint time,
so a locale that the date builtins (`stdlib_impl/date_text.py`, which reads the same list) would
not know is an error before the bot runs, not a surprise in a conversation. Nothing here imports
a locale module: the names come from the package's folder listing.
"""

from __future__ import annotations

import functools
import importlib.resources


@functools.cache
def available_locales() -> frozenset[str]:
    """The locales pendulum ships (each is a sub-package of `pendulum.locales`), read once."""
    folder = importlib.resources.files("pendulum.locales")
    return frozenset(entry.name for entry in folder.iterdir()
                     if entry.is_dir() and not entry.name.startswith("_"))


def shipped_locale(requested: str) -> str | None:
    """The shipped locale for `requested`: the exact one, else its language (`nl_be` -> `nl`);
    None when neither exists. The same rule as the date builtins' `resolve_locale`."""
    name = requested.strip().lower().replace("-", "_")
    locales = available_locales()
    if name in locales:
        return name
    language = name.split("_", 1)[0]
    return language if language in locales else None
