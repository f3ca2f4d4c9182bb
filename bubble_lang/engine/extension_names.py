"""Do the extension servers have the extensions a bot calls? (layer 9, SPEC §11)

Input: a checked bot (`BotCheck`). Output: diagnostics — B109 at each `extension "name"` whose
server's `GET /extensions` does not list the name (with the nearest listed name as the hint), B110
at a server's first use when it cannot be asked. `bubble lint --check-extensions` reports them as
errors; `bubble run` (and `bubble serve`) print them as warnings at start, since a server may come
up after the bot. Chatto itself asks at start but throws the names away (research/serving.md §2.2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ..checks.extension_servers import ExtensionUse, extension_calls
from ..checks.suggest import nearest
from ..diagnostics import Diagnostic, Severity, make_diagnostic
from ..extensions import list_extensions
from ..frontend import BotCheck

START_SECONDS = 3.0  # the start-up check of `bubble run` waits at most this long per server


def check_extension_names(check: BotCheck, *, severity: Severity = Severity.ERROR,
                          seconds: float | None = None, transport: Any = None) -> Iterator[Diagnostic]:
    """Ask each configured server the bot calls for its names once (see the module docstring);
    `seconds` caps each server's wait (default: its own timeout)."""
    if check.program is None:
        return
    servers = {server.name: server for server in check.config.extensions}
    uses: dict[str, list[ExtensionUse]] = {}
    for use in extension_calls(check.program):
        if use.server in servers:
            uses.setdefault(use.server, []).append(use)
    for name, calls in uses.items():
        server = servers[name]
        wait = check.config.limits.extension_seconds if server.timeout is None else server.timeout
        if seconds is not None:
            server = attrs.evolve(server, timeout=min(wait, seconds))
        names = list_extensions(server, wait, transport=transport)
        if isinstance(names, str):
            yield make_diagnostic("B110", f"cannot check the extensions of server `{name}`: {names}",
                                  calls[0].server_span, label="its extensions are unknown",
                                  hint=f"start the server, or fix `url` in [extensions.{name}] of bubble.toml",
                                  severity=severity)
            continue
        known = set(names)
        for call in calls:
            if call.name in known:
                continue
            guess = nearest(call.name, known)
            hint = f"did you mean `{guess}`?" if guess else (
                "it lists " + ", ".join(f"`{n}`" for n in sorted(known)[:10]) if known else "it lists no extensions")
            yield make_diagnostic("B109", f"extension server `{name}` has no extension `{call.name}`",
                                  call.name_span, label="not listed by `GET /extensions`", hint=hint,
                                  severity=severity)
