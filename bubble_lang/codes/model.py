"""The shape of one registry entry."""

from __future__ import annotations

import attrs

from ..diagnostics import Severity


@attrs.frozen(kw_only=True)
class CodeInfo:
    """Documentation of one diagnostic code: what it means, why it matters, and how to fix it."""

    code: str
    name: str
    severity: Severity
    title: str
    what: str
    why: str
    example: str
    fix: str
