"""How bad a finding is (layer 2): the `Severity` of diagnostics and of registry entries.

Its own module because two layer-2 modules need it and neither may import the other for it: the
code registry (`codes/`) declares the severity of every code, and `diagnostics.py` builds
diagnostics whose severity defaults to the registry's. `diagnostics` re-exports it, so
`from bubble_lang.diagnostics import Severity` is the usual spelling.
"""

from __future__ import annotations

import enum


class Severity(enum.Enum):
    """How bad a finding is; errors stop the pipeline, warnings do not."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    def __str__(self) -> str:
        return self.value
