"""The host: an asyncio `Runner` owning the turns of many conversations, on every store.

Turns of one conversation never interleave, other conversations go on meanwhile; store calls
never block the event loop; the lease is renewed while an extension call runs; the scheduler plays
timers while nobody types; outputs are committed before anyone sees them and wait in the store
for a channel that is not there (the outbox).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bubble_lang.engine.runner import Runner
from bubble_lang.runtime.inputs import ExtensionRequest, ExtensionResult
from bubble_lang.runtime.steps import Answer
from bubble_lang.storage import StoreBusy

PIZZA_LINES = ["hi", "pepperoni", "2"]

COUNTER = '''
dialog main do
  count = 0
end

dialog trigger: "tick" do
  count = count + 1
  extension "slow", server: "s"
  say "tick #{count}"
end
'''

TIMERS = '''
@timeout "10m"

dialog main do
  say "Hello"
  emit "ping", in: "2s"
end

dialog event: "ping" do
  say "pong"
end

dialog __timeout__ do
  say "Are you still there?"
end
'''


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


class Gate:
    """An extension adapter that answers only when the test opens the gate."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.calls: list[ExtensionRequest] = []
        self.entered = asyncio.Event()

    async def call(self, request: ExtensionRequest) -> ExtensionResult:
        self.calls.append(request)
        self.entered.set()
        await self.opened.wait()
        return ExtensionResult(request_id=request.id, ok=True)

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult:  # pragma: no cover - async host only
        raise AssertionError("the runner calls extensions asynchronously")


def test_a_conversation_plays_and_waits(make_bot, store):
    bot = make_bot(open("samples/pizza.bot", encoding="utf-8").read(), "pizza")

    async def main() -> None:
        async with Runner(bot, store) as runner:
            replies = [texts(await runner.send_text("u1", line)) for line in PIZZA_LINES]
            assert replies[-1] == ["So that is 2 x pepperoni. Shall I place the order? (yes/no)"]
            waiting = await runner.waiting("u1")
            assert isinstance(waiting, Answer) and [c["title"] for c in waiting.choices] == ["yes", "no"]
        async with Runner(bot, store) as again:  # a restarted host reads the same from the store
            assert (await again.waiting("u1")) == waiting
            assert texts(await again.send_text("u1", "yes")) == ["Your order is placed. Goodbye!"]

    asyncio.run(main())


def test_turns_of_one_conversation_wait_for_each_other_and_other_conversations_do_not(make_bot, store):
    bot = make_bot(COUNTER)

    async def main() -> None:
        gate = Gate()
        async with Runner(bot, store, extensions=gate) as runner:
            first = asyncio.create_task(runner.send_text("a", "tick"))
            await gate.entered.wait()  # a's first turn waits on its extension call
            second = asyncio.create_task(runner.send_text("a", "tick"))
            other = asyncio.create_task(runner.send_text("b", "tick"))
            await asyncio.sleep(0.2)
            assert len(gate.calls) == 2  # b got in; a's second turn did not
            assert [call.slots["count"] for call in gate.calls] == ["1", "1"]
            gate.opened.set()
            assert texts(await first) == ["tick 1"]
            assert texts(await second) == ["tick 2"]
            assert texts(await other) == ["tick 1"]

    asyncio.run(main())


def test_store_calls_never_block_the_event_loop(make_bot, store):
    bot = make_bot(COUNTER)
    slow = _SlowStore(store, 0.3)

    async def main() -> None:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        runner = Runner(bot, slow, extensions=_Instant())
        beat = asyncio.create_task(ticker())
        await runner.send_text("a", "tick")
        beat.cancel()
        assert slow.slept >= 0.3 and ticks >= 15  # the loop went on while the store call blocked

    asyncio.run(main())


def test_the_lease_is_renewed_while_an_extension_call_runs(make_bot, tmp_path):
    from bubble_lang.storage import open_store

    store = open_store(f"sqlite://{tmp_path / 'lease.sqlite'}", tmp_path, environ={}, lock_seconds=0.3)
    bot = make_bot(COUNTER)

    async def main() -> None:
        gate = Gate()
        async with Runner(bot, store, extensions=gate) as runner:
            turn = asyncio.create_task(runner.send_text("a", "tick"))
            await gate.entered.wait()
            await asyncio.sleep(1.0)  # three lease lifetimes

            def try_lock() -> None:
                with store.begin_turn(runner.key("a"), wait_seconds=0.05):
                    pass

            with pytest.raises(StoreBusy):
                await asyncio.to_thread(try_lock)
            gate.opened.set()
            assert texts(await turn) == ["tick 1"]  # committed: the lease was never lost

    asyncio.run(main())
    store.close()


def test_timers_fire_while_nobody_types_and_reach_the_channel(make_bot, store, clock):
    bot = make_bot(TIMERS)

    async def main() -> None:
        seen: list[str] = []
        async with Runner(bot, store, clock=clock, poll_seconds=0.05) as runner:
            await runner.subscribe("a", lambda output: seen.append(output.text))
            await runner.open("a")
            assert seen == ["Hello"]
            clock.move(3)
            await _until(lambda: "pong" in seen)
            clock.move(11 * 60)
            await _until(lambda: "Are you still there?" in seen)
        assert seen == ["Hello", "pong", "Are you still there?"]  # each once

    asyncio.run(main())


def test_outputs_wait_in_the_store_for_a_channel_and_are_delivered_once(make_bot, store, clock):
    bot = make_bot(TIMERS)

    async def main() -> None:
        async with Runner(bot, store, clock=clock, poll_seconds=0.05) as runner:
            await runner.open("a")  # nobody listens
            clock.move(3)
            await _until_stored(runner, "a", "pong")
            seen: list[tuple[int, str]] = []
            subscription = await runner.subscribe("a", lambda o: seen.append((o.seq, o.text)))
            assert seen == [(1, "Hello"), (2, "pong")]  # committed while away, in order
            subscription.close()
            again: list[int] = []
            await runner.subscribe("a", lambda o: again.append(o.seq))
            assert again == []  # already delivered
            replay: list[int] = []
            await runner.subscribe("a", lambda o: replay.append(o.seq), after_seq=1)
            assert replay == [2]  # a channel that says what it has gets the rest

    asyncio.run(main())


def test_a_message_id_is_played_once(make_bot, store):
    bot = make_bot(COUNTER)

    async def main() -> None:
        async with Runner(bot, store, extensions=_Instant()) as runner:
            first = await runner.send_text("a", "tick", message_id="m1")
            again = await runner.send_text("a", "tick", message_id="m1")
            assert texts(first) == texts(again) == ["tick 1"]
            assert [o.seq for o in first] == [o.seq for o in again]
            assert texts(await runner.send_text("a", "tick", message_id="m2")) == ["tick 2"]

    asyncio.run(main())


def test_a_failing_channel_is_dropped_and_the_conversation_goes_on(make_bot, store):
    bot = make_bot(COUNTER)

    async def main() -> None:
        async with Runner(bot, store, extensions=_Instant()) as runner:
            def broken(output) -> None:
                raise RuntimeError("socket gone")

            good: list[str] = []
            await runner.subscribe("a", broken)
            await runner.subscribe("a", lambda o: good.append(o.text))
            assert texts(await runner.send_text("a", "tick")) == ["tick 1"]
            assert texts(await runner.send_text("a", "tick")) == ["tick 2"]
            assert good == ["tick 1", "tick 2"]

    asyncio.run(main())


# ---------------------------------------------------------------------------------- helpers
class _Instant:
    async def call(self, request: ExtensionRequest) -> ExtensionResult:
        return ExtensionResult(request_id=request.id, ok=True)

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult:
        return ExtensionResult(request_id=request.id, ok=True)


class _SlowStore:
    """A store whose turns take long to begin (as a slow disk or network would)."""

    def __init__(self, inner, seconds: float):
        self.inner = inner
        self.seconds = seconds
        self.slept = 0.0

    def begin_turn(self, conversation_id, **options):
        time.sleep(self.seconds)
        self.slept += self.seconds
        return self.inner.begin_turn(conversation_id, **options)

    def __getattr__(self, name):
        return getattr(self.inner, name)


async def _until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def _until_stored(runner: Runner, conversation_id: str, text: str) -> None:
    deadline = time.monotonic() + 5
    while True:
        missed = await asyncio.to_thread(runner.store.outputs_since, runner.key(conversation_id), 0)
        if any(o.get("text") == text for o in missed):
            return
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
