"""`bubble run BOT`: chat with a bot in the terminal (SPEC §15).

The conversation runs on the host (`engine.Runner`) with its scheduler, so timers fire while the
user is idle and their output appears as it happens. With a terminal: prompt-toolkit with
coloured turns, numbered quick replies, history, a toolbar and slash commands
(`cli/interactive.py`). With piped stdin: one user message per line and a plain transcript on
stdout (`cli/piped.py`), so it works in CI and docs. The conversation is kept in SQLite beside
the bot unless `--store` says otherwise; running the bot again continues it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pendulum

from ..diagnostics import BubbleError
from ..engine.bot import Bot, load_bot
from ..engine.runner import Runner
from ..render import render_diagnostics
from .common import load_failure_code, stream_color


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("run", help="chat with a bot in the terminal")
    parser.add_argument("bot", metavar="BOT", help="a .bot file or a bot directory")
    parser.add_argument("--fast", action="store_true",
                        help="show `type`/`pause` as lines instead of waiting for them")
    parser.add_argument("--seed", type=int, default=None, help="seed for `random` (default: from the id)")
    parser.add_argument("--conversation", default="terminal", help="conversation id (default: terminal)")
    parser.add_argument("--store", metavar="URL", default=None,
                        help="where the conversation is kept: sqlite (default: .bubble/state.sqlite beside the bot), "
                             "sqlite:///path, redis://host:port/db, or memory (gone on exit); also $BUBBLE_STORE")
    parser.add_argument("--now", metavar="ISO", help="pretend it is always this moment, e.g. "
                        "2024-03-05T10:00:00+01:00 (reproducible transcripts; timers then fire only on /time)")
    parser.set_defaults(handler=run_bot)


def run_bot(args: argparse.Namespace) -> int:
    try:
        bot = load_bot(args.bot)
    except BubbleError as error:
        sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=stream_color(sys.stderr)))
        return load_failure_code(error.diagnostics)
    clock = None
    if args.now:
        try:
            zone = bot.image.config.timezone  # a moment without an offset is in the bot's time zone
            fixed = pendulum.parse(args.now, tz=zone).in_timezone(zone)
        except (ValueError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
            sys.stderr.write(f"bubble run: --now needs an ISO date-time, got `{args.now}`\n")
            return 2
        clock = lambda: fixed  # noqa: E731
    warn_unknown_extensions(bot)
    try:
        store = open_bot_store(bot, Path(args.bot), args.store)
    except BubbleError as error:
        sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=stream_color(sys.stderr)))
        return 2
    runner = Runner(bot, store, clock=clock, channel="terminal")
    if args.seed is not None:
        runner.seed(args.conversation, args.seed)
    try:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from .interactive import run_interactive

            return asyncio.run(run_interactive(runner, args.conversation, Path(args.bot), fast=args.fast))
        from .piped import run_piped

        bot_path = Path(args.bot)
        return asyncio.run(run_piped(runner, args.conversation, sys.stdin, sys.stdout, sys.stderr, fast=args.fast,
                                     bot_dir=bot_path if bot_path.is_dir() else bot_path.parent))
    finally:
        for problem in runner.problems:
            sys.stderr.write(render_diagnostics(problem.diagnostics, "full", color=stream_color(sys.stderr)))
        store.close()


def warn_unknown_extensions(bot: Bot) -> None:
    """SPEC §11: at start, a warning for each extension the bot calls that its server does not
    list (or a server that cannot be asked); the bot runs anyway, a server may come up later."""
    if not bot.image.config.extensions:
        return
    from ..engine.extension_names import START_SECONDS, check_extension_names
    from ..severity import Severity

    found = list(check_extension_names(bot.check, severity=Severity.WARNING, seconds=START_SECONDS))
    if found:
        sys.stderr.write(render_diagnostics(found, "full", color=stream_color(sys.stderr)))


def store_url_for(bot: Bot, url: str | None) -> str:
    """Which store a command uses: `--store`, else `$BUBBLE_STORE`, else `[storage] url` of the
    bot's bubble.toml, else SQLite beside the bot (the machine's choice beats the bot's)."""
    return url or os.environ.get("BUBBLE_STORE") or bot.image.config.store or "sqlite"


def open_bot_store(bot: Bot, bot_path: Path, url: str | None) -> Any:
    """The store `store_url_for` names, opened (a relative SQLite path is beside the bot)."""
    from ..storage import open_store

    return open_store(store_url_for(bot, url), bot_path if bot_path.is_dir() else bot_path.parent)
