"""`bubble lsp`: the language server for editors, over stdin/stdout (docs/editors.md).

pygls comes with the optional extra `lsp`; without it the command says how to install it and
exits 2 (the tool could not run) instead of failing with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import version

INSTALL_HINT = "bubble lsp needs pygls: install it with `pip install 'bubble-lang[lsp]'`\n"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("lsp", help="run the language server (for editors; speaks LSP on stdin/stdout)")
    parser.add_argument("--stdio", action="store_true", help="use stdin/stdout (the default and only transport)")
    parser.set_defaults(handler=run_lsp)


def run_lsp(args: argparse.Namespace) -> int:
    try:
        import pygls  # noqa: F401
        import lsprotocol  # noqa: F401
    except ImportError:
        sys.stderr.write(INSTALL_HINT)
        return 2
    from ..lsp.server_main import serve_stdio

    return serve_stdio(version())
