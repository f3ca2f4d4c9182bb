"""A failing turn of a stored conversation rolls back to what was committed, whether the host
had the state in memory (its cache) or read it from the store, and the conversation goes on."""

from __future__ import annotations

import asyncio

import pytest

from bubble_lang.engine.durable import DurableConversation
from bubble_lang.engine.runner import Runner

BOT = '''
dialog main do
  count = 0
  user.visits = 1
end

dialog trigger: "up" do
  count = count + 1
  say "count #{count}"
end

dialog trigger: "boom" do
  count = count + 100
  user.visits = 99
  x = 1 / 0
end
'''


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


@pytest.mark.parametrize("warm", [True, False])
def test_a_durable_turn_that_fails_leaves_the_committed_state(make_bot, store, warm):
    bot = make_bot(BOT)
    conversation = DurableConversation(bot, store, "c")
    conversation.start()
    assert texts(conversation.send_text("up")) == ["count 1"]
    if not warm:  # a new object: nothing in memory, the state is read from the store
        conversation = DurableConversation(bot, store, "c")
    assert texts(conversation.send_text("boom")) == ["Sorry, something went wrong on my side."]
    assert conversation.last_errors[0].diagnostics[0].code == "B402"
    assert conversation.state.globals["count"] == 1 and conversation.state.user["visits"] == 1
    assert texts(conversation.send_text("up")) == ["count 2"]
    again = DurableConversation(bot, store, "c")
    assert again.state.globals["count"] == 2 and again.state.user == {"visits": 1}


def test_a_runner_turn_that_fails_leaves_the_committed_state(make_bot, store):
    bot = make_bot(BOT)

    async def main() -> None:
        async with Runner(bot, store) as runner:
            await runner.open("c")
            assert texts(await runner.send_text("c", "up")) == ["count 1"]
            assert texts(await runner.send_text("c", "boom")) == ["Sorry, something went wrong on my side."]
            assert texts(await runner.send_text("c", "up")) == ["count 2"]
            runner.cache = type(runner.cache)()  # forget what is in memory: read from the store
            assert texts(await runner.send_text("c", "boom")) == ["Sorry, something went wrong on my side."]
            state = await runner.state("c")
            assert state.globals["count"] == 2 and state.user == {"visits": 1}

    asyncio.run(main())
