"""`bubble` entry point (layer 11).

Input: argv. Output: an exit code — 0 success, 1 findings or failures, 2 the tool could not run
(SPEC §16). Any exception that is not a `BubbleError` is a bug in bubble: it is reported as an
internal error with a pointer to `BUBBLE_DEBUG=1`, which shows the Python frames, and exits 2 like
any other reason the tool could not run (SPEC §17: exit code 3 is never used).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from ..diagnostics import BubbleError
from . import explain, lint
from . import disasm as disasm_command
from . import fmt as fmt_command
from . import init as init_command
from . import lsp as lsp_command
from . import run as run_command
from . import serve as serve_command
from . import test as test_command
from .common import front_end_kind, version

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# Commands of SPEC §16 that later issues build; they say so instead of failing obscurely.
PLANNED: dict[str, str] = {}


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a hint on bad options (its default is 2 already)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"bubble: error: {message}\nhelp: run `{self.prog} --help` to see the options\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bubble", description="Compile, check and run Bubblescript-style chatbot scripts.")
    parser.add_argument("--version", action="version", version=f"bubble {version()} ({front_end_kind()})")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    lint.add_parser(commands)
    explain.add_parser(commands)
    run_command.add_parser(commands)
    serve_command.add_parser(commands)
    disasm_command.add_parser(commands)
    test_command.add_parser(commands)
    init_command.add_parser(commands)
    fmt_command.add_parser(commands)
    lsp_command.add_parser(commands)
    for name, summary in PLANNED.items():
        planned = commands.add_parser(name, help=f"{summary} (not built yet)")
        planned.add_argument("args", nargs="*")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command in PLANNED:
            sys.stderr.write(f"bubble {args.command}: not built yet — {PLANNED[args.command]} arrives in a later "
                             "release (see README, \"What is not built yet\")\n")
            return EXIT_USAGE
        return int(args.handler(args))
    except BubbleError as error:
        from ..render import render_diagnostics

        sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=False))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `bubble run bot | head`: the reader left; that is not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as error:  # noqa: BLE001 - the last edge: never show a traceback to a user
        if os.environ.get("BUBBLE_DEBUG") == "1":
            traceback.print_exc()
        sys.stderr.write(f"internal error in bubble (this is a bug): {type(error).__name__}: {error}\n"
                         "help: run again with BUBBLE_DEBUG=1 to see the internal frames, and report it\n")
        return EXIT_USAGE


def run() -> None:
    """Console-script entry."""
    sys.exit(main())
