"""Diagnostics and the error tree (layer 2).

Input: a code, a message and spans. Output: frozen `Diagnostic` records and the `BubbleError`
exceptions that carry them. Every user-facing failure becomes one of these; a Python traceback is
shown only for `InternalError` and only with `BUBBLE_DEBUG=1`.

The code registry (`codes/`) sits beside this module in layer 2 and the dependency runs one way:
`make_diagnostic` reads a code's severity from the registry, and the registry imports nothing from
here (`Severity`, which both need, is in `severity.py` and re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .severity import Severity
from .source import Span


@attrs.frozen
class Label:
    """A secondary place shown with its own caret line ("first defined here")."""

    span: Span
    message: str = ""


@attrs.frozen(kw_only=True)
class Diagnostic:
    """One finding at one place; renderers in `render/` turn it into text, JSON or SARIF."""

    code: str
    severity: Severity
    message: str
    span: Span | None
    label: str = ""
    labels: tuple[Label, ...] = ()
    hint: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, str]:
        if self.span is None:
            return ("", 0, self.code)
        return (self.span.file.name, self.span.start, self.code)


def make_diagnostic(
    code: str,
    message: str,
    span: Span | None,
    *,
    label: str = "",
    hint: str | None = None,
    labels: Iterable[Label] = (),
    notes: Iterable[str] = (),
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a diagnostic whose severity comes from the code registry unless given."""
    from .codes import code_info  # on first use: a bot that reports nothing never loads the registry

    return Diagnostic(
        code=code,
        severity=severity or code_info(code).severity,
        message=message,
        span=span,
        label=label,
        labels=tuple(labels),
        hint=hint,
        notes=tuple(notes),
    )


class BubbleError(Exception):
    """A user error: carries diagnostics, is rendered, never shown as a traceback."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        summary = f"{first.code} {first.message}" if first else "error"
        super().__init__(summary)

    @classmethod
    def single(cls, code: str, message: str, span: Span | None, **kwargs: object) -> BubbleError:
        return cls([make_diagnostic(code, message, span, **kwargs)])  # type: ignore[arg-type]


class BubbleSyntaxError(BubbleError):
    """The parser or the AST builder rejected the text."""


class BubbleCompileError(BubbleError):
    """Resolution and checks found errors."""


class BubbleRuntimeError(BubbleError):
    """A script failed while running; carries the bubble dialog stack."""

    def __init__(self, diagnostics: Iterable[Diagnostic], stack: tuple[str, ...] = ()):
        super().__init__(diagnostics)
        self.stack = stack


class LimitExceeded(BubbleRuntimeError):
    """A SPEC §13 budget ran out."""


class ExtensionError(BubbleRuntimeError):
    """An extension server failed."""


class BubbleUsageError(BubbleError):
    """Bad command-line options, configuration or data files."""


class InternalError(Exception):
    """A bug in bubble itself; edges report it with a pointer to BUBBLE_DEBUG=1."""


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
