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
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

from ..diagnostics import BubbleError
from ..engine.runner import Runner
from ..render import render_diagnostics
from ..runtime.outputs import Output
from ..runtime.steps import Answer
from ..runtime.values import redacted, to_plain
from .common import stream_color

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
    "/help": "list these commands",
}

Show = Callable[[list[str], str], "Awaitable[None] | None"]


def render_output(output: Output) -> list[str]:
    """An output record as plain transcript lines: its summary, then its numbered choices."""
    lines = [output.summary()]
    choices = output.data.get("choices") or output.data.get("quick_replies")
    if choices:
        lines.append(choice_line(choices))
    return lines


def choice_line(choices: Any) -> str:
    return "  " + "  ".join(f"[{number}] {choice['title']}" for number, choice in enumerate(choices, 1))


def pick_choice(text: str, last_choices: list[dict[str, Any]]) -> str:
    """A number picks the n-th offered choice; anything else is sent as typed."""
    stripped = text.strip()
    if stripped.isdigit() and last_choices:
        number = int(stripped)
        if 1 <= number <= len(last_choices):
            return str(last_choices[number - 1]["value"])
    return text


class ChatSession:
    """One conversation in the terminal: see the module docstring. `show(lines, kind)` prints
    (`kind` is "bot" or "note"); `errors` gets script errors with position and stack."""

    def __init__(self, runner: Runner, conversation_id: str, show: Show, errors: TextIO, *, fast: bool = False,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.runner = runner
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
                lines = [waiting.question]
                if waiting.choices:
                    lines.append(choice_line(waiting.choices))
                self.last_choices = list(waiting.choices)
                await self.show(lines)
        else:
            await self.runner.open(self.conversation_id)
        await self._refresh_stack()

    async def _deliver(self, output: Output) -> None:
        choices = output.data.get("choices") or output.data.get("quick_replies")
        if output.kind == "ask" or choices:
            self.last_choices = list(choices or [])  # numbers pick from the latest offer only
        if output.kind == "ask":
            self.secret_pending = (output.data.get("widget") or {}).get("kind") == "secret"
        await self.show(render_output(output))
        if output.kind in ("typing", "pause") and not self.fast:
            await self.sleep(float(output.data.get("seconds", 0) or 0))

    def _report(self, conversation_id: str, error: BubbleError) -> None:
        if conversation_id == self.conversation_id:
            # Script errors go to stderr: the transcript on stdout shows what the user saw.
            self.errors.write(render_diagnostics(error.diagnostics, "full", color=stream_color(self.errors)))

    async def _refresh_stack(self) -> None:
        state = await self.runner.state(self.conversation_id)
        self.stack = [f.name for f in reversed(state.frames) if f.kind == "dialog"] if state else []

    async def user_line(self, line: str) -> bool:
        """Handle one line; False means quit. An input the bot cannot take (an event payload too
        deep, a location off the globe) is reported, and the conversation goes on."""
        try:
            if line.startswith("//"):
                line = line[1:]
            elif line.startswith("/"):
                return await self.command(line.strip())
            await self.runner.send_text(self.conversation_id, pick_choice(line, self.last_choices))
            return True
        except BubbleError as error:
            self.errors.write(render_diagnostics(error.diagnostics, "full", color=stream_color(self.errors)))
            return True
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
        elif word == "/attachment":
            parts = rest.split()
            if len(parts) != 2:
                await self.show(["usage: /attachment KIND URL, like /attachment image https://example.com/cat.jpg"],
                                "note")
                return True
            await runner.send_attachment(cid, parts[0], url=parts[1])
        else:
            await self.show([f"unknown command `{word}`; /help lists the commands"], "note")
        return True

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
            except RecursionError:
                await self.show(["the payload is nested too deeply (the limit is 64 levels)"], "note")
                return
        await self.runner.send_event(self.conversation_id, name, payload)
