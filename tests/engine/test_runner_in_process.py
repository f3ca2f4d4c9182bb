"""An in-process store's turns run on the event loop (no worker-thread hop: it cost half of a
server's CPU per turn), and a lease held elsewhere still makes the turn wait off the loop."""

from __future__ import annotations

import asyncio
import threading
import time

from bubble_lang.engine.runner import Runner
from bubble_lang.storage import MemoryStore

ECHO = '''
dialog main do
  say "hello"
end

dialog __unknown__ do
  say "got #{message}"
end
'''


def test_memory_store_turns_make_no_thread_hop(make_bot, monkeypatch):
    bot = make_bot(ECHO)
    hops: list[object] = []
    real = asyncio.to_thread

    async def counted(fn, *args, **kwargs):
        hops.append(fn)
        return await real(fn, *args, **kwargs)

    async def main() -> None:
        runner = Runner(bot, MemoryStore())
        await runner.open("a")
        monkeypatch.setattr(asyncio, "to_thread", counted)
        outputs = await runner.send_text("a", "hi")
        assert [o.text for o in outputs] == ["got hi"]

    asyncio.run(main())
    assert hops == []


def test_a_lease_held_elsewhere_is_waited_for_off_the_loop(make_bot):
    bot = make_bot(ECHO)
    store = MemoryStore()

    async def main() -> None:
        runner = Runner(bot, store)
        await runner.open("a")
        held = threading.Event()

        def hold() -> None:  # another runner of this process, mid-turn
            with store.begin_turn(runner.key("a")):
                held.set()
                time.sleep(0.3)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        beat = asyncio.create_task(ticker())
        outputs = await runner.send_text("a", "hi")
        beat.cancel()
        holder.join()
        assert [o.text for o in outputs] == ["got hi"]
        assert ticks >= 10  # the loop went on while the turn waited for the lease

    asyncio.run(main())
