"""Child process of `test_kill_bot.py`: plays a real bot through durable conversations.

    python bot_worker.py BOT DB CONVERSATIONS TURNS

For each conversation it continues from the stored state (the bot's `count`), sends `tick` until
TURNS turns are done, and prints `ACK <conversation> <n> <reply>` after each turn returned — that
is, after its commit. Prints DONE at the end.
"""

from __future__ import annotations

import sys

import pendulum

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.durable import DurableConversation
from bubble_lang.storage import open_store

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")


def main() -> None:
    bot_path, db, conversations, turns = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    bot = load_bot(bot_path)
    store = open_store(f"sqlite:///{db}", None)
    for number in range(conversations):
        cid = f"c{number:03d}"
        conversation = DurableConversation(bot, store, cid, clock=lambda: NOW, seed=number)
        done = conversation.state.globals.get("count") or 0
        for turn in range(done + 1, turns + 1):
            outputs = conversation.send_text("tick", message_id=f"{cid}:{turn}")
            reply = [o.text for o in outputs if o.kind == "text"]
            print(f"ACK {cid} {turn} {'|'.join(reply)}", flush=True)
    print("DONE", flush=True)
    store.close()


if __name__ == "__main__":
    main()
