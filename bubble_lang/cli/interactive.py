"""The interactive terminal of `bubble run` (prompt-toolkit), on the host.

Bot turns are printed in colour (unless `NO_COLOR`), the offered choices are numbered and Tab
completes their labels, input history persists in `.bubble/history` beside the bot, and the
bottom toolbar shows the current dialog and the stack. While a widget question is open the
prompt is that widget's control (`widget_controls.py`): a radio or checkbox list, validation
before sending, the default filled in, a multi-line editor, a form field by field. The prompt is asynchronous, so what the
bot says while the user is idle (a timer) is printed above the prompt as it happens.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text import ANSI, FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.styles import Style

from ..engine.runner import Runner
from .chat_session import COMMANDS, ChatSession
from .widget_controls import ask_widget

STYLE = Style.from_dict({"bot": "ansicyan", "user": "ansigreen bold", "toolbar": "reverse", "note": "ansigray"})


class ChoiceCompleter(Completer):
    """Completes the labels of the choices the bot offered last, and the slash commands."""

    def __init__(self, session: ChatSession):
        self.session = session

    def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]
        text = document.text_before_cursor
        if text.startswith("/"):
            for command in COMMANDS:
                name = command.split()[0]
                if name.startswith(text):
                    yield Completion(name, start_position=-len(text))
            return
        for number, choice in enumerate(self.session.last_choices, 1):
            title = str(choice["title"])
            if title.lower().startswith(text.lower()) or str(number) == text:
                yield Completion(title, start_position=-len(text), display=f"{number}. {title}")


def history_for(bot_path: Path) -> History:
    folder = (bot_path if bot_path.is_dir() else bot_path.parent) / ".bubble"
    try:
        folder.mkdir(exist_ok=True)
        return FileHistory(str(folder / "history"))
    except OSError:
        return InMemoryHistory()


async def run_interactive(runner: Runner, conversation_id: str, bot_path: Path, *, fast: bool = False,
                          errors: Any = None) -> int:
    import sys

    color = not os.environ.get("NO_COLOR")

    def show(lines: list[str], kind: str) -> None:
        style = "class:note" if kind == "note" else "class:bot"
        for line in lines:
            if kind == "styled":  # rich's markdown and tables; a script's own text is never read as ANSI
                print_formatted_text(ANSI(line))
            elif color:
                print_formatted_text(FormattedText([(style, line)]), style=STYLE)
            else:
                print_formatted_text(line)

    async with runner:
        bot_dir = bot_path if bot_path.is_dir() else bot_path.parent
        session = ChatSession(runner, conversation_id, show, errors or sys.stderr, fast=fast, color=color,
                              interactive=True, bot_dir=bot_dir, width=min(shutil.get_terminal_size().columns, 100))

        def toolbar() -> str:
            stack = session.stack
            current = stack[0] if stack else "(idle)"
            kept = " (continued)" if session.resumed else ""
            return f" dialog: {current}   stack: {' > '.join(reversed(stack)) or '-'}{kept}   /help for commands "

        prompt: PromptSession[str] = PromptSession(history=history_for(bot_path), completer=ChoiceCompleter(session),
                                                   bottom_toolbar=toolbar, style=STYLE if color else None)
        # A `secret` answer is typed masked and kept in no history (SPEC §8).
        secret: PromptSession[str] = PromptSession(history=InMemoryHistory(), bottom_toolbar=toolbar,
                                                   style=STYLE if color else None)
        # Widget questions: their own session, every option given on each prompt.
        controls: PromptSession[str] = PromptSession(history=prompt.history, style=STYLE if color else None)
        you = [("class:user", "you> ")] if color else "you> "

        async def ask_control(message: Any, **options: Any) -> str:
            chosen = secret if options.get("is_password") else controls
            options.setdefault("bottom_toolbar", toolbar)
            return await chosen.prompt_async(message, **options)

        await session.begin()
        while True:
            try:
                if session.widget is not None:
                    reply = await ask_widget(ask_control, session.show, session.widget, session.last_choices,
                                             runner.clock(), session.timezone, message=you)
                    if reply is None:
                        continue
                    if reply.ready:
                        await session.send_answer(reply.text)
                        continue
                    line = reply.text
                else:
                    line = await prompt.prompt_async(you)
            except (EOFError, KeyboardInterrupt):
                return 0
            if not line.strip():
                continue
            if not await session.user_line(line):
                return 0
