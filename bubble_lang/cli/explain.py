"""`bubble explain CODE | fn:NAME`: the documentation of a diagnostic code or a builtin."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from ..codes import CODES, CodeInfo
from ..stdlib.registry import BUILTINS, explain_builtin
from ..spelling import nearest_name


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("explain", help="explain a diagnostic code (B012) or a builtin (fn:join)")
    parser.add_argument("topic", help="a code like B012, or fn:NAME for a builtin function")
    parser.set_defaults(handler=run_explain)


def render_code(info: CodeInfo) -> str:
    """The text for one code: the same sections as docs/diagnostics.md."""
    example = textwrap.indent(info.example, "    ")
    return (f"{info.code} ({info.name}, {info.severity.value}): {info.title}\n\n"
            f"What: {info.what}\n\nWhy: {info.why}\n\nExample:\n\n{example}\n\nFix: {info.fix}\n")


def run_explain(args: argparse.Namespace) -> int:
    topic: str = args.topic.strip()
    if topic.startswith("fn:"):
        name = topic[3:]
        if name not in BUILTINS:
            guess = nearest_name(name, BUILTINS)
            hint = f"did you mean `fn:{guess}`?" if guess else "see docs/builtins.md for the list"
            sys.stderr.write(f"bubble explain: no builtin function `{name}`\nhelp: {hint}\n")
            return 2
        sys.stdout.write(explain_builtin(name).rstrip("\n") + "\n")
        return 0
    code = topic.upper()
    if code not in CODES:
        guess = nearest_name(code, CODES)
        hint = f"did you mean `{guess}`?" if guess else "see docs/diagnostics.md for the list of codes"
        sys.stderr.write(f"bubble explain: no diagnostic code `{topic}`\nhelp: {hint}\n")
        return 2
    sys.stdout.write(render_code(CODES[code]))
    return 0
