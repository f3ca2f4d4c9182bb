"""The interactive terminal of `bubble run` (prompt-toolkit).

Bot turns are printed in colour (unless `NO_COLOR`), the offered choices are numbered and Tab
completes their labels, input history persists in `.bubble/history` beside the bot, and the
bottom toolbar shows the current dialog and the stack.
"""

from __future__ import annotations

import os
from pathlib import Path

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.styles import Style

from .run import COMMANDS, Session, opening_lines

STYLE = Style.from_dict({"bot": "ansicyan", "user": "ansigreen bold", "toolbar": "reverse", "note": "ansigray"})


class ChoiceCompleter(Completer):
    """Completes the labels of the choices the bot offered last, and the slash commands."""

    def __init__(self, session: Session):
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


def history_for(bot_path: Path):
    folder = (bot_path if bot_path.is_dir() else bot_path.parent) / ".bubble"
    try:
        folder.mkdir(exist_ok=True)
        return FileHistory(str(folder / "history"))
    except OSError:
        return InMemoryHistory()


def run_interactive(session: Session, bot_path: Path) -> int:
    color = not os.environ.get("NO_COLOR")

    def say(lines: list[str], style: str = "class:bot") -> None:
        for line in lines:
            if color:
                print_formatted_text(FormattedText([(style, line)]), style=STYLE)
            else:
                print(line)

    def toolbar():  # type: ignore[no-untyped-def]
        stack = session.conversation.stack
        current = stack[0] if stack else "(idle)"
        kept = " (continued)" if getattr(session.conversation, "resumed", False) else ""
        return f" dialog: {current}   stack: {' > '.join(reversed(stack)) or '-'}{kept}   /help for commands "

    prompt = PromptSession(history=history_for(bot_path), completer=ChoiceCompleter(session),
                           bottom_toolbar=toolbar, style=STYLE if color else None)
    say(opening_lines(session))
    while True:
        try:
            line = prompt.prompt([("class:user", "you> ")] if color else "you> ")
        except (EOFError, KeyboardInterrupt):
            return 0
        if not line.strip():
            continue
        reply = session.user_line(line)
        if reply is None:
            return 0
        say(reply, "class:bot" if not line.startswith("/") or line.startswith("//") else "class:note")
