"""`bubble disasm BOT [DIALOG]`: the compiled code of a bot, for the curious and for bug reports."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..diagnostics import BubbleError
from ..disassembler import disassemble
from ..engine.bot import load_bot
from ..render import render_diagnostics
from .common import load_failure_code


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("disasm", help="show the compiled code of a bot")
    parser.add_argument("bot", metavar="BOT")
    parser.add_argument("dialog", nargs="?", help="only this dialog (or task) name")
    parser.set_defaults(handler=run_disasm)


def run_disasm(args: argparse.Namespace) -> int:
    try:
        bot = load_bot(args.bot)
    except BubbleError as error:
        sys.stderr.write(render_diagnostics(error.diagnostics, "full"))
        return load_failure_code(error.diagnostics)
    codes = bot.image.codes
    chosen = [code for key, code in codes.items()
              if args.dialog is None or _names(key, args.dialog)]
    if not chosen:
        sys.stderr.write(f"bubble disasm: no dialog or task named `{args.dialog}`\n")
        return 2
    sys.stdout.write("\n".join(disassemble(code) for code in chosen))
    return 0


def _names(key: str, name: str) -> bool:
    """Whether a code key (`dialog:main#0`, `dialog:main#0/greet#0:guard`, `task:save#1`) is
    of the dialog or task called `name`."""
    kind, _, rest = key.partition(":")
    label = rest.rsplit("/", 1)[-1].split("#")[0]
    return label == name and kind in ("dialog", "task")
