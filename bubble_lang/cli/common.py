"""What several `bubble` commands share (layer 11): the tool's version, the colour choice and
the exit code of a bot that cannot be loaded.

Its own module so the commands and the entry point that registers them (`cli/main.py`) depend on
it and never on each other: `main` imports every command, so a command that needed `main.version`
imported `main` back (an import cycle).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from ..diagnostics import Diagnostic


def version() -> str:
    try:
        from importlib.metadata import version as package_version

        return package_version("bubble-lang")
    except Exception:  # not installed as a distribution (a source checkout)
        return "0.1.0"


def front_end_kind() -> str:
    """Which front end runs, for `bubble --version`: a slow lint or start is explained here."""
    from ..accel import ACCEL

    if ACCEL is not None:
        return "front end: C accelerator"
    if os.environ.get("BUBBLE_NO_ACCEL") == "1":
        return "front end: Python (BUBBLE_NO_ACCEL=1)"
    return "front end: Python; reinstall with a C compiler for the faster one"


def use_color(choice: str) -> bool:
    """`--color auto|always|never`: auto colours a terminal unless `NO_COLOR` is set."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def stream_color(stream: object) -> bool:
    """Colour on a stream only when it is a terminal and `NO_COLOR` is not set."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


#: Diagnostics that mean the tool could not run at all (a path that cannot be read, no bot in it).
TOOL_FAILURES = frozenset({"B500", "B504"})


def load_failure_code(diagnostics: Iterable[Diagnostic]) -> int:
    """The exit code when a bot cannot be loaded: 2 when the tool could not run (a missing or
    unreadable path, as `bubble lint` and `bubble test` say), 1 when the bot has errors."""
    return 2 if any(d.code in TOOL_FAILURES for d in diagnostics) else 1
