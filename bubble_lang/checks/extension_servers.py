"""Every `extension` call names a configured server (layer 4, SPEC §11): B108.

Input: a resolved `Program` (its `extension` statements) and the bot's `Config`. Output: an error
for each call whose `server:` is missing or names no `[extensions.NAME]` table of `bubble.toml`,
with "did you mean" over the configured names. A call whose server is an expression (not plain
text) is left to run time. The calls themselves (`extension_calls`) are also what `bubble lint
--check-extensions` and the start-up warning of `bubble run` ask the servers about.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from .. import nodes as n
from ..diagnostics import Diagnostic, make_diagnostic
from ..source import Span
from .suggest import nearest

if TYPE_CHECKING:
    from ..config import Config
    from ..program import Program


@attrs.frozen
class ExtensionUse:
    """One `extension "name", server: "srv"` with plain-text name and server, and where each is."""

    name: str
    name_span: Span
    server: str
    server_span: Span


def extension_calls(program: Program) -> Iterator[ExtensionUse]:
    """The calls whose extension name and server are plain text, in source order."""
    for command in program.usage.extensions:
        name, server = _literal(command.args[0] if command.args else None), _literal(command.option("server"))
        if name is not None and server is not None:
            yield ExtensionUse(name[0], name[1], server[0], server[1])


def check_extension_servers(program: Program, config: Config, *, has_file: bool) -> Iterator[Diagnostic]:
    """B108 for each call without a configured server; `has_file` says whether the bot has a
    bubble.toml at all (a single-file bot has none), for the hint."""
    configured = {server.name for server in config.extensions}
    for command in program.usage.extensions:
        value = command.option("server")
        if value is None:
            yield make_diagnostic("B108", "`extension` without `server:`", command.span,
                                  label="which server should answer?",
                                  hint=_hint(configured, 'add `, server: "{}"`', has_file))
            continue
        server = _literal(value)
        if server is None or server[0] in configured:
            continue
        guess = nearest(server[0], configured)
        if guess is not None:
            hint = f"did you mean `{guess}`?"
        else:
            hint = _hint(configured, 'use `server: "{}"`', has_file, server[0])
        yield make_diagnostic("B108", f"no extension server `{server[0]}` in bubble.toml", server[1],
                              label="not configured", hint=hint)


def _hint(configured: set[str], template: str, has_file: bool, name: str = "NAME") -> str:
    if len(configured) == 1:
        return template.format(next(iter(configured)))
    if configured:
        return "configured servers: " + ", ".join(f"`{name}`" for name in sorted(configured))
    table = f'`[extensions.{name}]` with `url = "http://127.0.0.1:8770"`'
    if not has_file:
        return f"a single-file bot has no bubble.toml: put the bot in a folder with a bubble.toml that has {table}"
    return f"add {table} to the bot's bubble.toml (see docs/extensions.md)"


def _literal(expr: n.Expr | None) -> tuple[str, Span] | None:
    if isinstance(expr, n.Str) and expr.literal is not None:
        return expr.literal, expr.span
    return None
