"""`bubble run` with piped stdin (layer 11): one user message per line, a plain transcript out.

The user's lines are echoed after `> `; every bot message is one line, quick replies are listed
as `  [1] Yes  [2] No`, a widget question is followed by its instructions in words (`  (choose
one: [1] A  [2] B)`, `  (a whole number from 1 to 20; Enter = 1)`; `widget_prompts.py`), content
is plain text (markdown rendered, tables aligned, QR codes in block characters;
`content_text.py`), steps are `Step k of n — Title`, and typing, pauses, events and log lines
appear in parentheses. An empty line answers with the open question's `default:`, and is skipped
otherwise. Lines starting with `/` are commands (`//text` sends `/text`). Lines are read
without blocking the host, so timers that fall due while input is still coming fire in between;
the run ends at the end of the input.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from ..engine.runner import Runner
from ..runtime.values import REDACTED
from .chat_session import ChatSession
from .widget_prompts import default_text


async def run_piped(runner: Runner, conversation_id: str, stdin: TextIO, out: TextIO, errors: TextIO, *,
                    fast: bool = False, bot_dir: Path | None = None) -> int:
    def show(lines: list[str], kind: str) -> None:
        for line in lines:
            out.write(line + "\n")
        out.flush()

    async with runner:
        session = ChatSession(runner, conversation_id, show, errors, fast=fast, bot_dir=bot_dir)
        await session.begin()
        while True:
            raw = await asyncio.to_thread(stdin.readline)
            if not raw:
                break
            line = raw.rstrip("\n")
            if not line.strip() and not session.wants_blank():
                continue
            if not line.strip():
                echo = f"(Enter = {default_text(session.widget)})"
            else:
                echo = REDACTED if session.secret_pending else line  # a secret is never echoed
            show([f"> {echo}"], "user")
            if not await session.user_line(line):
                break
    out.flush()
    return 0
