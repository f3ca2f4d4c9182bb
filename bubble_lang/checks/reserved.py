"""Names with a fixed meaning in every bot (layer 4): entry and special dialogs, settings.

Input: nothing. Output: the name tables the resolver (`resolve.py` and its header checks in
`checks/headers.py`) and the lint rules (`checks/constants.py`, `checks/specials.py`) judge names
against. They live here rather than in `resolve.py` because `resolve.py` imports this package's
helpers: had the tables stayed there, the helpers would import `resolve` back (an import cycle).
"""

from __future__ import annotations

ENTRY_NAMES = ("__main__", "main")
"""Where a new conversation starts: `__main__` if defined, else `main` (SPEC §1)."""

SPECIAL_DIALOGS = frozenset({
    "__main__", "__root__", "__unknown__", "__unknown_event__", "__unknown_location__",
    "__unknown_attachment__", "__returning__", "__timeout__", "__resume__", "__ask_timeout__",
    "__closed__", "__error__",
})
"""Dialogs the runtime runs by name (SPEC §6)."""

BEFORE_SPECIALS = ("__user_message__", "__resolve__")
"""`task before:` targets that are moments of message handling, not dialogs."""

SETTINGS = ("timeout", "ask_timeout")
"""Constants the runtime reads as settings; they exist only when a script defines them."""
