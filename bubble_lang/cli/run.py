"""`bubble run BOT`: chat with a bot in the terminal (SPEC §15).

With a terminal: prompt-toolkit with coloured turns, numbered quick replies (type the number or
the label; Tab completes labels), persistent input history, a bottom toolbar with the current
dialog and stack, and slash commands. With piped stdin: one user message per line, a plain
transcript on stdout (`> ` before the user's lines), so it works in CI and docs. `NO_COLOR` is
honoured. Lines starting with `/` are commands in both modes; `//text` sends `/text`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

import pendulum

from ..diagnostics import BubbleError
from ..engine.bot import Conversation, load_bot
from ..render import render_diagnostics
from ..runtime.outputs import Output
from ..runtime.values import to_plain

COMMANDS = {
    "/quit": "leave",
    "/restart": "start the conversation over",
    "/state": "show the conversation variables",
    "/stack": "show the dialog stack",
    "/trace": "show the dialogs visited, most recent first",
    "/event NAME [JSON]": "send an event to the bot, with an optional JSON payload",
    "/location LAT LON": "send a location pin",
    "/time +15m": "move the conversation's clock forward (timers fire)",
    "/attachment KIND URL": "send an attachment (image, video, audio, file, voice)",
    "/help": "list these commands",
}


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("run", help="chat with a bot in the terminal")
    parser.add_argument("bot", metavar="BOT", help="a .bot file or a bot directory")
    parser.add_argument("--fast", action="store_true", help="record `type`/`pause` instead of waiting")
    parser.add_argument("--seed", type=int, default=None, help="seed for `random` (default: from the id)")
    parser.add_argument("--conversation", default="terminal", help="conversation id (default: terminal)")
    parser.add_argument("--store", metavar="URL", default=None,
                        help="where the conversation is kept: sqlite (default: .bubble/state.sqlite beside the bot), "
                             "sqlite:///path, redis://host:port/db, or memory (gone on exit); also $BUBBLE_STORE")
    parser.add_argument("--now", metavar="ISO", help="pretend it is this moment, e.g. 2024-03-05T10:00:00+01:00 "
                        "(for reproducible transcripts)")
    parser.set_defaults(handler=run_bot)


def render_output(output: Output) -> list[str]:
    """An output record as plain transcript lines: its summary, then its numbered choices."""
    lines = [output.summary()]
    choices = output.data.get("choices") or output.data.get("quick_replies")
    if choices:
        lines.append("  " + "  ".join(f"[{number}] {choice['title']}" for number, choice in enumerate(choices, 1)))
    return lines


def pick_choice(text: str, last_choices: list[dict[str, Any]]) -> str:
    """A number picks the n-th offered choice; anything else is sent as typed."""
    stripped = text.strip()
    if stripped.isdigit() and last_choices:
        number = int(stripped)
        if 1 <= number <= len(last_choices):
            return str(last_choices[number - 1]["value"])
    return text


class Session:
    """The terminal side of one conversation, shared by the piped and interactive front ends."""

    def __init__(self, conversation: Conversation, out: TextIO, errors: TextIO | None = None):
        self.conversation = conversation
        self.out = out
        self.errors = errors if errors is not None else sys.stderr
        self.last_choices: list[dict[str, Any]] = []

    def show(self, outputs: list[Output]) -> list[str]:
        lines: list[str] = []
        for output in outputs:
            choices = output.data.get("choices") or output.data.get("quick_replies")
            if output.kind == "ask" or choices:
                self.last_choices = list(choices or [])  # numbers pick from the latest offer only
            lines.extend(render_output(output))
        for error in self.conversation.last_errors or ():
            # Script errors go to stderr: the transcript on stdout shows what the user saw.
            self.errors.write(render_diagnostics(error.diagnostics, "full", color=_color(self.errors)))
        return lines

    def command(self, line: str) -> list[str] | None:
        """Run a slash command; None means quit."""
        word, _, rest = line.partition(" ")
        conversation = self.conversation
        if word == "/quit":
            return None
        if word == "/help":
            return [f"{name:<12} {text}" for name, text in COMMANDS.items()]
        if word == "/restart":
            if hasattr(conversation, "restart"):
                return ["(conversation restarted)"] + self.show(conversation.restart())
            bot = conversation.bot
            self.conversation = bot.conversation(conversation.state.conversation_id, clock=conversation.clock,
                                                 seed=conversation.state.seed)
            return ["(conversation restarted)"] + self.show(self.conversation.start())
        if word == "/state":
            return [json.dumps(to_plain(conversation.state.globals), ensure_ascii=False, sort_keys=True)]
        if word == "/stack":
            return ["stack: " + (" > ".join(reversed(conversation.stack)) or "(empty)")]
        if word == "/trace":
            return ["history: " + (", ".join(conversation.state.history) or "(empty)")]
        if word == "/event":
            name, _, payload_text = rest.strip().partition(" ")
            if not name:
                return ["usage: /event NAME [JSON payload]"]
            payload = None
            if payload_text.strip():
                try:
                    payload = json.loads(payload_text)
                except json.JSONDecodeError as error:
                    return [f"the payload is not JSON: {error.msg.lower()}"]
            return self.show(conversation.send_event(name, payload))
        if word == "/time":
            from ..vm.duration_values import parse_duration
            from ..runtime.script_errors import ScriptError

            try:
                seconds = parse_duration(rest.strip().lstrip("+"))
            except ScriptError:
                return ["usage: /time +DURATION, like /time +15m or /time +1h30m"]
            lines = [f"(time moves {rest.strip().lstrip('+')} forward)"]
            return lines + self.show(conversation.advance(seconds))
        if word == "/location":
            try:
                lat, lon = (float(part) for part in rest.replace(",", " ").split())
            except ValueError:
                return ["usage: /location LAT LON, like /location 52.36 4.89"]
            return self.show(conversation.send_location(lat, lon))
        if word == "/attachment":
            parts = rest.split()
            if len(parts) != 2:
                return ["usage: /attachment KIND URL, like /attachment image https://example.com/cat.jpg"]
            return self.show(conversation.send_attachment(parts[0], url=parts[1]))
        return [f"unknown command `{word}`; /help lists the commands"]

    def user_line(self, line: str) -> list[str] | None:
        if line.startswith("//"):
            line = line[1:]
        elif line.startswith("/"):
            return self.command(line.strip())
        return self.show(self.conversation.send_text(pick_choice(line, self.last_choices)))


def run_bot(args: argparse.Namespace) -> int:
    try:
        bot = load_bot(args.bot)
    except BubbleError as error:
        sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=_color(sys.stderr)))
        return 1
    fixed = pendulum.now(bot.image.config.timezone)
    if args.now:
        try:
            fixed = pendulum.parse(args.now).in_timezone(bot.image.config.timezone)
        except (ValueError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
            sys.stderr.write(f"bubble run: --now needs an ISO date-time, got `{args.now}`\n")
            return 2
    clock = (lambda: fixed) if (args.fast or args.now) else None
    store_url = args.store or os.environ.get("BUBBLE_STORE") or "sqlite"
    if store_url == "memory":
        conversation = bot.conversation(args.conversation, seed=args.seed, clock=clock)
    else:
        from ..engine.durable import DurableConversation
        from ..storage import open_store

        bot_path = Path(args.bot)
        try:
            store = open_store(store_url, bot_path if bot_path.is_dir() else bot_path.parent)
            conversation = DurableConversation(bot, store, args.conversation, seed=args.seed, clock=clock,
                                               bot_id=bot_path.stem)
        except BubbleError as error:
            sys.stderr.write(render_diagnostics(error.diagnostics, "full", color=_color(sys.stderr)))
            return 2
        for problem in conversation.problems:
            sys.stderr.write(render_diagnostics(problem.diagnostics, "full", color=_color(sys.stderr)))
    if sys.stdin.isatty() and sys.stdout.isatty():
        from .interactive import run_interactive

        return run_interactive(Session(conversation, sys.stdout), Path(args.bot))
    return run_piped(Session(conversation, sys.stdout), sys.stdin)


def opening_lines(session: Session) -> list[str]:
    """Start the conversation, or say that a stored one continues (and what it last asked)."""
    conversation = session.conversation
    if getattr(conversation, "resumed", False) and not conversation.state.closed:
        last = conversation.state.bot_utterances[:1]
        return ["(conversation resumed; /restart starts over)"] + last + session.show(conversation.start())
    return session.show(conversation.start())


def run_piped(session: Session, stdin: TextIO) -> int:
    out = session.out
    for line in opening_lines(session):
        out.write(line + "\n")
    for raw in stdin:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        out.write(f"> {line}\n")
        reply = session.user_line(line)
        if reply is None:
            break
        for text in reply:
            out.write(text + "\n")
    out.flush()
    return 0


def _color(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")
