"""A host process for the kill test (run as `python tests/extensions/kill_worker.py BOT STORE_URL`).

It opens conversation `c` on the `Runner` with a SQLite store whose lease lasts 1.5 s, then plays
one stdin line per turn, printing `ACK` and the bot's texts after each turn is committed — what a
channel would acknowledge to its user."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.storage import open_store


def say(outputs) -> None:
    texts = [output.summary() for output in outputs if output.kind == "text"]
    print("ACK " + " | ".join(texts), flush=True)


async def main(bot_path: str, store_url: str) -> None:
    store = open_store(store_url, Path(bot_path), environ={}, lock_seconds=1.5)
    async with Runner(load_bot(bot_path), store) as runner:
        say(await runner.open("c"))
        for line in sys.stdin:
            say(await runner.send_text("c", line.rstrip("\n")))
    store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
