"""Renderers (layer 2): the same `Diagnostic`s as text for people or data for tools.

Input: diagnostics from any stage and a format name. Output: one string to write. Every format
sorts by (file, offset, code) so they agree with each other and snapshots stay stable. Renderers
never decide about colour or exit codes: the CLI checks the TTY and `NO_COLOR` and passes
`color`, and counts severities itself (`summary_line` helps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from ..diagnostics import Diagnostic, Severity
from .concise import concise_line, render_concise
from .full import render_full
from .structured import render_github, render_json, render_sarif
from .ordering import count_phrase, sort_diagnostics
from .runtime import render_stack

FORMATS: tuple[str, ...] = ("full", "concise", "json", "github", "sarif")


def render_diagnostics(
    diagnostics: Iterable[Diagnostic],
    fmt: str,
    *,
    color: bool = False,
    tool_version: str = "0",
) -> str:
    """Render in one of `FORMATS`; `color` matters only to "full", `tool_version` to "sarif".

    An unknown format is a bug in the caller (the CLI validates against `FORMATS`).
    """
    ordered = sort_diagnostics(diagnostics)
    renderers: dict[str, Callable[[list[Diagnostic]], str]] = {
        "full": lambda ds: render_full(ds, color=color),
        "concise": render_concise,
        "json": render_json,
        "github": render_github,
        "sarif": lambda ds: render_sarif(ds, tool_version=tool_version),
    }
    try:
        renderer = renderers[fmt]
    except KeyError:
        raise ValueError(f"unknown diagnostic format {fmt!r}; expected one of {FORMATS}") from None
    return renderer(ordered)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    """`2 errors, 1 warning`, or `no problems found`; the last line of the text formats."""
    counts = Counter(d.severity for d in diagnostics)
    parts = [
        count_phrase(counts[severity], severity)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
        if counts[severity]
    ]
    return ", ".join(parts) if parts else "no problems found"


__all__ = [
    "FORMATS",
    "concise_line",
    "render_concise",
    "render_diagnostics",
    "render_full",
    "render_github",
    "render_json",
    "render_sarif",
    "render_stack",
    "sort_diagnostics",
    "summary_line",
]
