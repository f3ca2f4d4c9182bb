"""Back through the asynchronous host (SPEC §9): `Runner.back` is a committed turn like a
message, on every store; the checkpoints it needs come back from the store after a restart."""

from __future__ import annotations

import asyncio

from bubble_lang.engine.runner import Runner

WIZARD = '''
dialog main do
  step "Name"
  name = ask "Your name?"
  step "City"
  city = ask "Your city?"
  step "Done", final: true
  say "Thanks #{name} from #{city}"
end
'''


def summaries(outputs) -> list[str]:
    return [o.summary() for o in outputs]


def test_runner_back_rolls_back_and_survives_a_restart(make_bot, store):
    bot = make_bot(WIZARD)

    async def main() -> None:
        async with Runner(bot, store) as runner:
            await runner.open("u1")
            await runner.send_text("u1", "ada")
            assert summaries(await runner.back("u1")) == ["Step 1 of 3 — Name", "Your name?"]
            state = await runner.state("u1")
            assert state is not None and "name" not in state.globals
            await runner.send_text("u1", "bob")
        async with Runner(bot, store) as again:  # a restarted host: the checkpoints come from the store
            assert summaries(await again.back("u1")) == ["Step 1 of 3 — Name", "Your name?"]
            await again.send_text("u1", "cy")
            out = await again.send_text("u1", "Oslo")
            assert summaries(out)[-1] == "Thanks cy from Oslo"
            assert summaries(await again.back("u1")) == ["There is no step to go back to."]
            assert again.errors == []

    asyncio.run(main())


def test_runner_back_with_a_message_id_is_played_once(make_bot, store):
    bot = make_bot(WIZARD)

    async def main() -> None:
        async with Runner(bot, store) as runner:
            await runner.open("u1")
            await runner.send_text("u1", "ada")
            first = await runner.back("u1", message_id="b1")
            again = await runner.back("u1", message_id="b1")  # a client retry: the same outputs, nothing played
            assert summaries(first) == summaries(again) == ["Step 1 of 3 — Name", "Your name?"]
            assert summaries(await runner.back("u1")) == [
                "You are at the first step: there is no step before it.", "Your name?"]
            # `first` always starts the wizard over from its first step, even from there
            assert summaries(await runner.back("u1", first=True)) == ["Step 1 of 3 — Name", "Your name?"]

    asyncio.run(main())
