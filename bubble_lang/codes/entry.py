"""The shape of one registry entry (`CodeInfo`) and the factories the family modules write them with."""

from __future__ import annotations

import attrs

from ..severity import Severity


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


def error_code(code: str, name: str, title: str, what: str, why: str, example: str, fix: str) -> CodeInfo:
    """An error entry, positional in the order every family module writes them."""
    return CodeInfo(code=code, name=name, severity=Severity.ERROR, title=title, what=what, why=why,
                    example=example, fix=fix)


def warning_code(code: str, name: str, title: str, what: str, why: str, example: str, fix: str) -> CodeInfo:
    """A warning entry (lint rules), otherwise like `error_code`."""
    return CodeInfo(code=code, name=name, severity=Severity.WARNING, title=title, what=what, why=why,
                    example=example, fix=fix)
