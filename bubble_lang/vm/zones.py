"""Which time zone names pendulum knows (layer 7), for a `user.timezone` a script or a channel set.

Why cached: the conversation's zone is read by every date builtin and every match with a date
entity; an unknown name (a typo in a script, a client's odd value) falls back to the bot's zone
instead of failing every date call.
"""

from __future__ import annotations

from functools import lru_cache

import pendulum


@lru_cache(maxsize=256)
def known_zone(name: str) -> bool:
    """Whether `name` is a time zone pendulum can load (`Europe/Amsterdam`, `UTC`)."""
    if not name or len(name) > 64:
        return False
    try:
        pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several kinds for a bad name
        return False
    return True
