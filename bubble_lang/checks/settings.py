"""Lint: timeout settings that cannot work as intended (B307).

Input: a resolved `Program`. Output: warnings when the literal `@timeout` is under a minute, when
`@ask_timeout` is zero, or when `@ask_timeout` is not shorter than the session timeout (`@timeout`,
default 15 minutes), so the session would time out first. Malformed values are errors from the
resolver (B211); computed values are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import nodes as n
from ..diagnostics import Diagnostic, Label, make_diagnostic
from .durations import parse_duration

if TYPE_CHECKING:
    from ..program import Program

DEFAULT_SESSION_TIMEOUT = 15 * 60
"""SPEC §6: `@timeout` defaults to "15m"."""
SHORTEST_SESSION_TIMEOUT = 60


def literal_seconds(value: n.Expr) -> float | None:
    """Seconds of a literal duration; None when computed or malformed."""
    if isinstance(value, n.Literal) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    if isinstance(value, n.Str) and value.literal is not None:
        return parse_duration(value.literal)
    return None


def check_timeout_settings(program: Program) -> Iterator[Diagnostic]:
    session_decl = program.constants.get("timeout")
    ask_decl = program.constants.get("ask_timeout")
    session = literal_seconds(session_decl.value) if session_decl else None
    if session_decl is not None and session is not None and session < SHORTEST_SESSION_TIMEOUT:
        yield make_diagnostic("B307", f"`@timeout` of {_seconds(session)} ends conversations while users type",
                              session_decl.value.span, label="session timeout",
                              hint='use minutes, like `@timeout "15m"`')
    if ask_decl is None:
        return
    ask = literal_seconds(ask_decl.value)
    if ask is None:
        return
    if ask == 0:
        yield make_diagnostic("B307", "`@ask_timeout` of 0 seconds fires as soon as a question is asked",
                              ask_decl.value.span, label="ask timeout",
                              hint='give the user time to answer, like `@ask_timeout "5m"`')
        return
    limit = DEFAULT_SESSION_TIMEOUT if session_decl is None else session
    if limit is not None and ask >= limit:
        labels = (Label(session_decl.value.span, "the session timeout"),) if session_decl else ()
        where = "`@timeout`" if session_decl else 'the default session timeout ("15m")'
        yield make_diagnostic("B307", "`@ask_timeout` is not shorter than the session timeout",
                              ask_decl.value.span, label="never fires before the session times out",
                              labels=labels, hint=f"make it shorter than {where}, or raise `@timeout`")


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")
