"""Diagnostic codes: context family."""

from __future__ import annotations

from ..diagnostics import Severity
from .model import CodeInfo

E = Severity.ERROR
W = Severity.WARNING

CODES: tuple[CodeInfo, ...] = ()
