"""`bubble lint PATH…`: every front-end check, in five output formats (SPEC §16).

Exit codes: 0 clean (warnings allowed unless `--fail-on-warnings`), 1 errors found, 2 the tool
could not run (unreadable path, no scripts, bad option). `--exit-zero` reports and exits 0 even
with errors (as ruff's: adopting lint in CI before the bot is clean); 2 stays 2, since then
nothing was checked. `# bubble: ignore[CODE]` on a line hides
that code on that line; an ignore that hides nothing is itself a warning (B501).
`--check-extensions` also asks each configured extension server which extensions it has
(`GET /extensions`, SPEC §11): a name it lacks is an error at its `extension` (B109), a server that
cannot be asked an error at its first use (B110). Without the flag lint makes no network calls.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..frontend import BotCheck, bots_under, check_bot
from ..render import FORMATS, render_diagnostics, summary_line
from .common import TOOL_FAILURES, use_color, version
from .lint_ignores import apply_ignores



def add_parser(commands: Any) -> None:
    parser = commands.add_parser("lint", help="check scripts for errors and likely mistakes")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="bot files or directories")
    parser.add_argument("--format", choices=FORMATS, default="full", help="output format (default: full)")
    exits = parser.add_mutually_exclusive_group()
    exits.add_argument("--fail-on-warnings", action="store_true", help="exit 1 on warnings too")
    exits.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when errors are found (2 still means nothing could be checked)")
    parser.add_argument("--check-extensions", action="store_true",
                        help="ask each extension server (GET /extensions) whether it has the extensions the bot calls")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.set_defaults(handler=run_lint)


def run_lint(args: argparse.Namespace) -> int:
    found, problems = bots_under(args.paths)
    diagnostics: list[Diagnostic] = list(problems)
    for files in found:
        check: BotCheck = check_bot(files)
        reported = list(check.diagnostics)
        if args.check_extensions:
            from ..engine.extension_names import check_extension_names

            reported.extend(check_extension_names(check))
        diagnostics.extend(apply_ignores(check.sources, reported))
    tool_failed = any(d.code in TOOL_FAILURES for d in diagnostics)
    output = render_diagnostics(diagnostics, args.format, color=use_color(args.color), tool_version=version())
    sys.stdout.write(output)
    if args.format in ("full", "concise"):
        sys.stderr.write(summary_line(diagnostics) + "\n")
    if tool_failed:
        return 2
    errors = any(d.severity is Severity.ERROR for d in diagnostics)
    warnings = any(d.severity is Severity.WARNING for d in diagnostics)
    if args.exit_zero:
        return 0
    return 1 if errors or (warnings and args.fail_on_warnings) else 0
