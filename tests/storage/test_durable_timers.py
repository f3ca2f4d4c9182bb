"""Timers of durable conversations: stored with the state, fired once, across a restart."""

from __future__ import annotations

from pathlib import Path

import pendulum

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.durable import DurableConversation
from bubble_lang.storage import open_store

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")
BOT = """
@ask_timeout "5m"

dialog main do
  emit "reminder", text: "Stretch!", in: "30m"
  name = ask "Name?"
  say "Hi #{name}"
end

dialog event: "reminder", do: say event.payload.text
dialog __ask_timeout__, do: say "Too slow."
"""


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


def test_a_scheduled_emit_fires_once_after_a_restart(tmp_path: Path):
    bot_path = tmp_path / "timers.bot"
    bot_path.write_text(BOT, encoding="utf-8")
    bot = load_bot(bot_path)
    store = open_store("sqlite", tmp_path)
    first = DurableConversation(bot, store, "c1", clock=lambda: NOW)
    assert texts(first.start()) == ["Name?"]
    assert sorted(t.payload["id"] for t in store.timers_of(first.key)) == ["session", "t1", "t2"]  # session, emit, ask
    store.close()

    # A new process: the store is reopened and the conversation loaded from it.
    store = open_store("sqlite", tmp_path)
    again = DurableConversation(load_bot(bot_path), store, "c1", clock=lambda: NOW)
    assert texts(again.advance(6 * 60)) == ["Too slow.", "Hi "]  # the global @ask_timeout
    assert texts(again.advance(25 * 60)) == ["Stretch!"]
    assert texts(again.advance(60 * 60)) == []  # fired once
    store.close()
    store = open_store("sqlite", tmp_path)
    assert "reminder" not in str([t.payload for t in store.timers_of(first.key)])
    store.close()
