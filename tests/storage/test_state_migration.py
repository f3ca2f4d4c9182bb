"""Stored state of an older bubble is migrated, never thrown away (reliability.md DUR-5).

`golden/state_v1_pizza.json` was written by bubble's first release (state version 1, frames named
by source position): a pizza order waiting for the quantity. Version 2 names frames by stable
identity and code hash, so the migrated frame has no hash and starts its dialog again from the
top, the conversation's variables kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pendulum

from bubble_lang.engine.bot import load_bot
from bubble_lang.runtime.session import STATE_VERSION, SessionState
from bubble_lang.storage.codec import migrate_state

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden" / "state_v1_pizza.json"


def test_a_version_1_conversation_is_read_and_goes_on():
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["frames"][0]["code"].startswith("dialog:order@")
    migrated = migrate_state(data)
    assert migrated["version"] == STATE_VERSION
    state = SessionState.from_plain(migrated)
    assert [(f.code, f.hash) for f in state.frames] == [("dialog:order#0", "")]
    bot = load_bot(ROOT / "samples" / "pizza.bot")
    conversation = bot.conversation("golden", clock=lambda: pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC"))
    conversation.state = state
    outputs = conversation.send_text("2")
    assert not conversation.last_errors
    # `order` starts again: it asks for the pizza again ("2" was the answer to the old question).
    assert [o.text for o in outputs] == [
        "Welcome to Pizza Bot! Which pizza would you like? We have margherita, pepperoni, hawaii."]
    assert str(conversation.state.globals["pizza"]) == "pepperoni"  # kept


def test_unnamed_frames_are_left_and_scheduled_emits_kept():
    data = {"version": 1, "conversation_id": "c", "user_id": "c", "globals": {}, "runtime": {}, "user": {},
            "frames": [{"code": "dialog:trigger@12@bot.bot:12:1", "name": "trigger@12", "kind": "dialog"}],
            "once": {"bot.bot:3:3": 2},
            "timers": [{"id": "t1", "due": 5.0, "kind": "emit", "name": "ping", "payload": None, "to": None},
                       {"id": "t2", "due": 6.0, "kind": "ask_timeout", "depth": 0, "dialog": None}]}
    state = SessionState.from_plain(migrate_state(data))
    assert state.frames[0].code.startswith("version-1:") and state.once == {}
    assert [(t.id, t.name) for t in state.timers] == [("t1", "ping")]
