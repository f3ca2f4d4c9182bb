"""The front end's optional C accelerator, when it was built (layer 3).

`_accel.c` scans tokens, runs the LALR loop and makes built nodes' spans exactly as `lexer.py`,
`lalr_run.py` and `build.py` do, several times faster; it is compiled at install time when a C compiler is present (`hatch_build.py`).
Without it, or with `BUBBLE_NO_ACCEL=1`, bubble runs the Python code: same tokens, same trees, same
diagnostics, only slower (tests/syntax/test_accel.py checks both agree).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import ModuleType

_SOURCE = Path(__file__).with_name("_accel.c")


def _load() -> ModuleType | None:
    if os.environ.get("BUBBLE_NO_ACCEL") == "1":
        return None
    try:
        from . import _accel
    except ImportError:  # not built here (no C compiler at install, or a plain checkout)
        return None
    if _stale(_accel.SOURCE_SHA256):
        return None
    return _accel


def _stale(built_from: str) -> bool:
    """True when the checkout's `_accel.c` is not the one the module was compiled from (an editable
    install whose C source changed since: reinstall to rebuild). A wheel ships no source: trusted."""
    try:
        current = _SOURCE.read_bytes()
    except OSError:
        return False
    return hashlib.sha256(current).hexdigest() != built_from


#: The compiled module, or None when the Python code runs alone.
ACCEL: ModuleType | None = _load()
