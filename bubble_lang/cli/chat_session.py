"""The terminal side of one conversation (layer 11), shared by `bubble run`'s piped and
interactive front ends.

Input: the user's lines (messages, or slash commands) and the host's deliveries. Output: lines
to show, through the `show` function the front end gives (plain text when piped, colour in a
terminal). The conversation runs on the host (`engine.Runner`): the session subscribes to it, so
what the bot says on its own — a scheduled `emit`, a timeout while the user is idle — is shown as
it happens, and every output is shown once. `type` and `pause` really wait, unless `fast`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from ..diagnostics import BubbleError
from ..engine.runner import Runner
from ..render import render_diagnostics
from ..runtime.outputs import Output
from ..runtime.steps import Answer
from ..runtime.values import redacted, to_plain
from .common import stream_color
from .content_text import PLAIN_WIDTH, STYLED_KINDS, content_lines, step_line
from .downloads import save_download
from .widget_prompts import control_lines, default_text, pick_choice, translate_answer, widget_hint

__all__ = ["COMMANDS", "ChatSession", "pick_choice", "render_output"]

COMMANDS = {
    "/quit": "leave",
    "/restart": "start the conversation over",
    "/back [first]": "back to the previous wizard step, variables as they were (first: to its first step)",
    "/state": "show the conversation variables",
    "/stack": "show the dialog stack",
    "/trace": "show the dialogs visited, most recent first",
    "/event NAME [JSON]": "send an event to the bot, with an optional JSON payload",
    "/location LAT LON": "send a location pin",
    "/time +15m": "move the conversation's clock forward (timers fire)",
    "/attachment KIND URL": "send an attachment (image, video, audio, file, voice)",
    "/save [NAME]": "save the latest download to .bubble/downloads/ beside the bot",
    "/upload PATH": "send a file to the waiting upload question",
    "/help": "list these commands",
}

Show = Callable[[list[str], str], "Awaitable[None] | None"]


def render_output(output: Output, *, color: bool = False, interactive: bool = False,
                  timezone: str = "UTC", width: int = PLAIN_WIDTH) -> list[str]:
    """An output record as terminal lines. Questions: the text, then the widget's instructions
    (`widget_prompts`); content: markdown, tables, QR codes, progress bars… (`content_text`);
    steps: `Step k of n — Title`; the rest: `Output.summary()`."""
    data = output.data
    choices = list(data.get("choices") or data.get("quick_replies") or [])
    if output.kind == "ask":
        return ask_lines(output.text, choices, data.get("widget"), interactive=interactive,
                         timezone=timezone) + media_hint(data.get("media"))
    if output.kind == "show":
        lines = content_lines(output, color=color, width=width)
    elif output.kind == "step":
        lines = [step_line(output)]
    else:
        lines = [output.summary()]
    if choices:
        lines.append(choice_line(choices))
    return lines


def ask_lines(text: str, choices: list[dict[str, Any]], widget: dict[str, Any] | None, *,
              interactive: bool = False, timezone: str = "UTC") -> list[str]:
    """A question and what to type under it: the interactive controls' lists, or the plain
    piped instructions (date-times in the bot's `timezone`)."""
    hint = control_lines(widget, choices, timezone) if interactive else widget_hint(widget, choices, timezone)
    return [text, *hint]


def media_hint(media: Any) -> list[str]:
    """`ask …, expecting: :image`: how to send that from a terminal."""
    kinds = [kind for kind in media or [] if isinstance(kind, str)]
    ways = [*(["/location LAT LON"] if "location" in kinds else []),
            *([f"/attachment {'|'.join(k for k in kinds if k != 'location')} URL"]
              if any(k != "location" for k in kinds) else [])]
    return [f"  (send it with {' or '.join(ways)})"] if ways else []


def choice_line(choices: Any) -> str:
    return "  " + "  ".join(f"[{number}] {choice['title']}" for number, choice in enumerate(choices, 1))


class ChatSession:
    """One conversation in the terminal: see the module docstring. `show(lines, kind)` prints
    (`kind` is "bot", "note", or "styled": lines rich rendered with ANSI styles, which only those
    may carry); `errors` gets script errors with position and stack."""

    def __init__(self, runner: Runner, conversation_id: str, show: Show, errors: TextIO, *, fast: bool = False,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, color: bool = False,
                 interactive: bool = False, bot_dir: Path | None = None, width: int = PLAIN_WIDTH):
        self.runner = runner
        self.color = color
        self.width = width  # markdown and tables wrap here (piped: fixed, so transcripts are stable)
        self.timezone = runner.bot.image.config.timezone
        self.interactive = interactive  # questions show the controls' lists, not the piped hints
        self.bot_dir = bot_dir  # `/save` writes to `.bubble/downloads/` here; None: it only says so
        self.widget: dict[str, Any] | None = None  # the open question's widget, while it is open
        self.last_file: dict[str, Any] | None = None  # the latest `download`/`file` content, for /save
        self.conversation_id = conversation_id
        self._show = show
        self.errors = errors
        self.fast = fast
        self.sleep = sleep
        self.last_choices: list[dict[str, Any]] = []
        self.secret_pending = False  # the open question is a `secret` widget: no echo, no history
        self.stack: list[str] = []
        self.resumed = False
        runner.on_error.append(self._report)

    async def show(self, lines: list[str], kind: str = "bot") -> None:
        result = self._show(lines, kind)
        if result is not None:
            await result

    async def begin(self) -> None:
        """Subscribe, then open the conversation — or say that a stored one continues and show
        its pending question with its choices again."""
        state = await self.runner.state(self.conversation_id)
        self.resumed = state is not None and state.started and not state.closed
        await self.runner.subscribe(self.conversation_id, self._deliver)
        if self.resumed:
            await self.show(["(conversation resumed; /restart starts over)"], "note")
            waiting = await self.runner.waiting(self.conversation_id)
            if isinstance(waiting, Answer):
                self.secret_pending = (waiting.widget or {}).get("kind") == "secret"
                self.widget = dict(waiting.widget) if waiting.widget is not None else None
                self.last_choices = list(waiting.choices)
                await self.show(ask_lines(waiting.question, self.last_choices, self.widget,
                                          interactive=self.interactive, timezone=self.timezone)
                                + media_hint(waiting.media))
        else:
            await self.runner.open(self.conversation_id, "terminal")
        await self._refresh_stack()

    async def _deliver(self, output: Output) -> None:
        choices = output.data.get("choices") or output.data.get("quick_replies")
        if output.kind == "ask" or choices:
            self.last_choices = list(choices or [])  # numbers pick from the latest offer only
        if output.kind == "ask":
            widget = output.data.get("widget")
            self.widget = dict(widget) if isinstance(widget, dict) else None
            self.secret_pending = (self.widget or {}).get("kind") == "secret"
        if output.kind == "show" and output.data.get("kind") in ("download", "file"):
            self.last_file = dict(output.data)
        styled = self.color and output.kind == "show" and output.data.get("kind") in STYLED_KINDS
        await self.show(render_output(output, color=self.color, interactive=self.interactive,
                                      timezone=self.timezone, width=self.width), "styled" if styled else "bot")
        if output.kind in ("typing", "pause") and not self.fast:
            await self.sleep(float(output.data.get("seconds", 0) or 0))

    def _report(self, conversation_id: str, error: BubbleError) -> None:
        if conversation_id == self.conversation_id:
            # Script errors go to stderr: the transcript on stdout shows what the user saw.
            self.errors.write(render_diagnostics(error.diagnostics, "full", color=stream_color(self.errors)))

    async def _refresh_stack(self) -> None:
        state = await self.runner.state(self.conversation_id)
        self.stack = [f.name for f in reversed(state.frames) if f.kind == "dialog"] if state else []
        if self.widget is not None and not isinstance(await self.runner.waiting(self.conversation_id), Answer):
            self.widget = None  # answered: the next line is a message again, not the widget's answer
            self.secret_pending = False

    def wants_blank(self) -> bool:
        """Whether an empty line means something now: the open question's `default:`."""
        return default_text(self.widget) is not None

    async def user_line(self, line: str) -> bool:
        """Handle one line; False means quit. An input the bot cannot take (an event payload too
        deep, a location off the globe) is reported, and the conversation goes on."""
        try:
            if line.startswith("//"):
                line = line[1:]
            elif line.startswith("/"):
                return await self.command(line.strip())
            text = translate_answer(line, self.widget, self.last_choices)
            if text is not None:
                await self.runner.send_text(self.conversation_id, text)
            return True
        except BubbleError as error:
            self.errors.write(render_diagnostics(error.diagnostics, "full", color=stream_color(self.errors)))
            return True
        finally:
            await self._refresh_stack()

    async def send_answer(self, text: str) -> None:
        """Send text the interactive controls already put in the server's form (no translation)."""
        try:
            await self.runner.send_text(self.conversation_id, text)
        except BubbleError as error:
            self.errors.write(render_diagnostics(error.diagnostics, "full", color=stream_color(self.errors)))
        finally:
            await self._refresh_stack()

    async def command(self, line: str) -> bool:
        """Run a slash command; False means quit."""
        word, _, rest = line.partition(" ")
        runner, cid = self.runner, self.conversation_id
        if word == "/quit":
            return False
        if word == "/help":
            await self.show([f"{name:<20} {text}" for name, text in COMMANDS.items()], "note")
        elif word == "/restart":
            await self.show(["(conversation restarted)"], "note")
            await runner.restart(cid)
        elif word == "/back":
            await runner.back(cid, first=rest.strip() == "first")
        elif word in ("/state", "/stack", "/trace"):
            state = await runner.state(cid)
            if word == "/state":
                text = json.dumps(to_plain(redacted(state.globals)) if state else {}, ensure_ascii=False,
                                  sort_keys=True)
            elif word == "/stack":
                stack = [f.name for f in state.frames if f.kind == "dialog"] if state else []
                text = "stack: " + (" > ".join(stack) or "(empty)")
            else:
                text = "history: " + (", ".join(state.history) if state and state.history else "(empty)")
            await self.show([text], "note")
        elif word == "/event":
            await self._event(rest)
        elif word == "/time":
            from ..runtime.script_errors import ScriptError
            from ..vm.duration_values import parse_duration

            try:
                seconds = parse_duration(rest.strip().lstrip("+"))
            except ScriptError as error:  # a limit (over 100 years) is a ScriptError too
                await self.show([f"usage: /time +DURATION, like /time +15m or /time +1h30m ({error.message})"],
                                "note")
                return True
            await self.show([f"(time moves {rest.strip().lstrip('+')} forward)"], "note")
            await runner.advance(cid, seconds)
        elif word == "/location":
            try:
                lat, lon = (float(part) for part in rest.replace(",", " ").split())
            except ValueError:
                await self.show(["usage: /location LAT LON, like /location 52.36 4.89"], "note")
                return True
            await runner.send_location(cid, lat, lon)
        elif word == "/save":
            await self.show([save_download(self.last_file, self.bot_dir, rest.strip())], "note")
        elif word == "/attachment":
            parts = rest.split()
            if len(parts) != 2:
                await self.show(["usage: /attachment KIND URL, like /attachment image https://example.com/cat.jpg"],
                                "note")
                return True
            await runner.send_attachment(cid, parts[0], url=parts[1])
        elif word == "/upload":
            await self._upload(rest.strip())
        else:
            await self.show([f"unknown command `{word}`; /help lists the commands"], "note")
        return True

    async def _upload(self, rest: str) -> None:
        """`/upload PATH`: the file goes to `Runner.send_upload`, which checks it against the waiting
        widget before storing it (docs/widgets.md)."""
        import mimetypes
        from pathlib import Path

        from ..runtime.upload_rules import DEFAULT_MAX_BYTES

        path = Path(rest).expanduser()
        if not rest or not path.is_file():
            await self.show(["usage: /upload PATH, like /upload ~/cv.pdf (a file that exists)"], "note")
            return
        if path.stat().st_size > DEFAULT_MAX_BYTES:
            await self.show([f"that file is over {DEFAULT_MAX_BYTES // (1024 * 1024)} MiB; not sent"], "note")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        await self.runner.send_upload(self.conversation_id, path.name, kind, path.read_bytes())

    async def _event(self, rest: str) -> None:
        name, _, payload_text = rest.strip().partition(" ")
        if not name:
            await self.show(["usage: /event NAME [JSON payload]"], "note")
            return
        payload = None
        if payload_text.strip():
            try:
                payload = json.loads(payload_text)
            except json.JSONDecodeError as error:
                await self.show([f"the payload is not JSON: {error.msg.lower()}"], "note")
                return
            except ValueError:  # an integer of over 4,300 digits: Python's own guard
                await self.show(["the payload holds a number too large to read (integers reach 2^53)"], "note")
                return
            except RecursionError:
                await self.show(["the payload is nested too deeply (the limit is 64 levels)"], "note")
                return
        await self.runner.send_event(self.conversation_id, name, payload)
