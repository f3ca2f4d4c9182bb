"""Literal durations (layer 4): the reading of "90s", "15m", "1h30m", kept under this name for the
modules that import it from here; it lives in `duration_text.py` (layer 1) so that `bubble.toml`
(layer 2) reads durations the same way.
"""

from __future__ import annotations

from ..duration_text import DURATION_HINT, parse_duration

__all__ = ["DURATION_HINT", "parse_duration"]
