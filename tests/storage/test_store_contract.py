"""The store contract, one suite run on memory, SQLite and a real Redis (reliability.md DUR-12)."""

from __future__ import annotations

import threading
import time

import pendulum
import pytest

from bubble_lang.runtime.session import STATE_VERSION
from bubble_lang.engine.bot import Conversation, load_bot
from bubble_lang.render.full import render_full
from bubble_lang.runtime.session import SessionState
from bubble_lang.storage import CorruptState, StoreBusy, Timer, TurnConflict
from bubble_lang.storage import codec

from .conftest import ROOT, Backend

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")


def state(count: int, **extra: object) -> dict:
    return {"version": STATE_VERSION, "count": count, **extra}


def test_a_missing_conversation_loads_as_none(store):
    assert store.load("nobody") is None
    with store.begin_turn("nobody") as turn:
        assert turn.state is None and turn.revision == 0
    assert store.load("nobody") is None
    assert store.transcript("nobody") == []


def test_a_real_session_state_round_trips_and_resumes_mid_ask(store):
    bot = load_bot(ROOT / "samples" / "pizza.bot")
    # Warm the bot first: today the first conversation of a `Bot` makes builtin calls (and so
    # random draws) that later ones skip, which would show up as a `random_calls` difference.
    warm = bot.conversation("warm-up", clock=lambda: NOW)
    for text in ("hi", "pepperoni", "2", "yes"):
        warm.send_text(text)
    live = bot.conversation("pizza-1", clock=lambda: NOW)
    outputs = [o.to_plain() for o in live.start() + live.send_text("hi") + live.send_text("pepperoni")]
    with store.begin_turn("pizza-1") as turn:
        turn.commit(live.state.to_plain(), outputs, input={"text": "pepperoni"})

    loaded = store.load("pizza-1")
    assert loaded.state == live.state.to_plain() and loaded.revision == 1
    resumed = Conversation(bot, SessionState.from_plain(loaded.state), lambda: NOW)
    assert resumed.state.frames[0].wait is not None  # waiting in the `ask` for a quantity
    for text in ("2", "yes"):
        assert resumed.send_text(text) == live.send_text(text)
    assert resumed.state.to_plain() == live.state.to_plain()
    assert store.transcript("pizza-1")[0].outputs == outputs


def test_each_commit_adds_one_revision_and_one_transcript_entry(store):
    for number in (1, 2, 3):
        with store.begin_turn("c") as turn:
            assert turn.revision == number - 1
            assert turn.commit(state(number), [{"kind": "text", "text": f"r{number}"}],
                               input={"text": f"m{number}"}, message_id=f"m{number}") == number
    loaded = store.load("c")
    assert (loaded.revision, loaded.state) == (3, state(3))
    entries = store.transcript("c")
    assert [(e.seq, e.message_id, e.input, e.outputs) for e in entries] == [
        (n, f"m{n}", {"text": f"m{n}"}, [{"kind": "text", "text": f"r{n}"}]) for n in (1, 2, 3)]
    with store.begin_turn("c") as turn:
        assert turn.find_message("m2") == [{"kind": "text", "text": "r2"}]
        assert turn.find_message("m9") is None


def test_a_message_id_is_handled_once(store):
    with store.begin_turn("c") as turn:
        turn.commit(state(1), [], message_id="m1")
    with pytest.raises(TurnConflict, match="already handled"), store.begin_turn("c") as turn:
        turn.commit(state(2), [], message_id="m1")
    assert store.load("c").revision == 1


def test_leaving_a_turn_without_commit_writes_nothing_and_frees_the_lock(store):
    with store.begin_turn("c") as turn:
        turn.save_user("bot", "u", {"name": "Ada"})
        turn.schedule("c/t1", 10, {})
    with pytest.raises(RuntimeError), store.begin_turn("c"):
        raise RuntimeError("the VM failed")
    with store.begin_turn("c", wait_seconds=0.5) as turn:  # free again at once
        assert turn.state is None
    assert store.load("c") is None and store.load_user("bot", "u") == {} and store.due_timers(100) == []


def test_state_that_is_not_json_data_is_refused_and_nothing_is_written(store):
    with pytest.raises(ValueError, match="not plain JSON"), store.begin_turn("c") as turn:
        turn.commit(state(1, bad={1, 2}), [])
    with pytest.raises(ValueError, match="version"), store.begin_turn("c") as turn:
        turn.commit({"count": 1}, [])
    with store.begin_turn("c", wait_seconds=0.5) as turn:
        assert turn.state is None


def test_a_turn_commits_once(store):
    with store.begin_turn("c") as turn:
        turn.commit(state(1), [])
        with pytest.raises(Exception, match="already committed"):
            turn.commit(state(2), [])


def test_commit_is_one_transaction(backend: Backend):
    """A commit that fails at its last check (its claimed timer was taken elsewhere) leaves no
    part of the turn behind: not the state, transcript, user record, or timer changes."""
    store, other = backend.open(), backend.open()
    store.schedule("c", "c/old", 1.0, {"n": 1})
    store.schedule("c", "c/keep", 2.0, {"n": 2})
    with store.begin_turn("c") as turn:
        turn.commit(state(1), [{"kind": "text", "text": "one"}])
    with pytest.raises(TurnConflict, match="claimed elsewhere") as caught, store.begin_turn("c") as turn:
        assert turn.claim("c/old")
        turn.save_user("bot", "u", {"seen": True})
        turn.cancel("c/keep")
        turn.schedule("c/new", 3.0, {"n": 3})
        assert other.claim("c/old")  # a scheduler took it meanwhile
        turn.commit(state(2), [{"kind": "text", "text": "two"}])
    assert caught.value.diagnostics[0].code == "B563"
    assert store.load("c").state == state(1) and len(store.transcript("c")) == 1
    assert store.load_user("bot", "u") == {}
    assert [t.timer_id for t in store.due_timers(10)] == ["c/keep"]
    with store.begin_turn("c", wait_seconds=0.5) as turn:  # the lock was released
        assert turn.revision == 1


def test_waiting_for_a_held_lock_is_bounded(backend: Backend):
    store, other = backend.open(), backend.open()
    with store.begin_turn("c"):
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught, other.begin_turn("c", wait_seconds=0.2):
            pass
        assert time.monotonic() - started < 5
        with other.begin_turn("another", wait_seconds=0.2) as turn:  # other conversations go on
            turn.commit(state(1), [])
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "B562" and "`c` is busy" in diagnostic.message
    assert "error[B562]" in render_full([diagnostic])


def test_a_holder_past_its_lifetime_loses_the_lock_and_cannot_commit(backend: Backend):
    """A stuck (alive) holder: after `lock_seconds` the next turn takes over, and the stale holder's
    commit is refused instead of overwriting the newer turn (the fencing check)."""
    store, other = backend.open(), backend.open()
    with store.begin_turn("c") as turn:
        turn.commit(state(1), [])
    with store.begin_turn("c", lock_seconds=0.3) as stale:
        with other.begin_turn("c", wait_seconds=10) as fresh:
            fresh.commit(state(2, by="fresh"), [])
        with pytest.raises(TurnConflict):
            stale.commit(state(2, by="stale"), [])
    assert store.load("c").state == state(2, by="fresh")
    assert [e.seq for e in store.transcript("c")] == [1, 2]


def test_threads_of_one_process_never_interleave_turns(backend: Backend):
    threads, turns = 6, 20
    active: list[int] = []
    overlaps: list[str] = []

    def work() -> None:
        handle = backend.open()
        for _ in range(turns):
            with handle.begin_turn("shared", wait_seconds=60) as turn:
                active.append(1)
                if len(active) > 1:
                    overlaps.append("overlap")
                count = turn.state["count"] if turn.state else 0
                time.sleep(0.001)
                active.pop()
                turn.commit(state(count + 1), [])

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not overlaps
    assert store_count(backend) == threads * turns


def store_count(backend: Backend) -> int:
    return backend.open().load("shared").state["count"]


def test_user_records_are_shared_across_conversations(store):
    with store.begin_turn("web") as turn:
        user = turn.load_user("shop", "ada")
        turn.save_user("shop", "ada", {**user, "name": "Ada"})
        turn.commit(state(1), [])
    with store.begin_turn("phone") as turn:
        assert turn.load_user("shop", "ada") == {"name": "Ada"}
        turn.commit(state(1), [])
    assert store.load_user("shop", "grace") == {} and store.load_user("other-bot", "ada") == {}


def test_two_conversations_of_one_user_keep_both_changes(backend: Backend):
    """Each turn writes only the keys it changed, so concurrent turns of one user merge by key."""
    store, other = backend.open(), backend.open()
    store.save_user("shop", "ada", {"name": "Ada", "visits": 1, "old": True})
    with store.begin_turn("web") as web, other.begin_turn("phone") as phone:
        seen_web, seen_phone = web.load_user("shop", "ada"), phone.load_user("shop", "ada")
        phone.save_user("shop", "ada", {**seen_phone, "phone": "+31"})
        phone.commit(state(1), [])
        del seen_web["old"]
        web.save_user("shop", "ada", {**seen_web, "visits": 2})
        web.commit(state(1), [])
    assert store.load_user("shop", "ada") == {"name": "Ada", "visits": 2, "phone": "+31"}
    store.save_user("shop", "ada", {"fresh": 1})  # outside a turn: replaces the record
    assert store.load_user("shop", "ada") == {"fresh": 1}


def test_timers_are_due_in_order_and_cancel_and_claim_remove_them(store):
    store.schedule("c1", "c1/b", 20.0, {"kind": "emit"})
    store.schedule("c1", "c1/a", 10.0, {"kind": "ask"})
    store.schedule("c2", "c2/a", 99.0, {})
    assert store.due_timers(5.0) == []
    assert store.due_timers(30.0) == [Timer(timer_id="c1/a", conversation_id="c1", due=10.0, payload={"kind": "ask"}),
                                      Timer(timer_id="c1/b", conversation_id="c1", due=20.0, payload={"kind": "emit"})]
    assert [t.timer_id for t in store.due_timers(100.0, limit=1)] == ["c1/a"]
    store.cancel("c1/b")
    store.cancel("unknown")
    assert [t.timer_id for t in store.timers_of("c1")] == ["c1/a"]
    assert store.claim("c1/a") and not store.claim("c1/a")
    assert [t.timer_id for t in store.due_timers(100.0)] == ["c2/a"]


def test_a_timer_claimed_in_a_turn_that_dies_fires_again(store):
    store.schedule("c", "c/t1", 1.0, {})
    with pytest.raises(RuntimeError), store.begin_turn("c") as turn:
        assert turn.claim("c/t1")
        raise RuntimeError("killed before commit")
    assert [t.timer_id for t in store.due_timers(2.0)] == ["c/t1"]
    with store.begin_turn("c") as turn:
        assert turn.claim("c/t1") and not turn.claim("c/t1")
        turn.commit(state(1), [])
    assert store.due_timers(2.0) == []


def test_replace_timers_mirrors_the_state(store):
    store.schedule("c", "c/t1", 1.0, {"n": 1})
    store.schedule("c", "c/t2", 2.0, {"n": 2})
    with store.begin_turn("c") as turn:
        turn.replace_timers([Timer(timer_id="c/t2", conversation_id="c", due=5.0, payload={"n": 2}),
                             Timer(timer_id="c/t3", conversation_id="c", due=3.0, payload={"n": 3})])
        turn.commit(state(1), [])
    assert [(t.timer_id, t.due) for t in store.timers_of("c")] == [("c/t3", 3.0), ("c/t2", 5.0)]


def test_each_timer_is_claimed_by_exactly_one_of_two_claimers(backend: Backend):
    store = backend.open()
    ids = [f"c{n % 7}/t{n}" for n in range(300)]
    for number, timer_id in enumerate(ids):
        store.schedule(timer_id.split("/")[0], timer_id, float(number % 13), {"n": number})
    claimed: list[list[str]] = [[], []]

    def claimer(mine: list[str]) -> None:
        handle = backend.open()
        while due := handle.due_timers(100.0, limit=25):
            mine.extend(timer.timer_id for timer in due if handle.claim(timer.timer_id))

    threads = [threading.Thread(target=claimer, args=(mine,)) for mine in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed[0] + claimed[1]) == sorted(ids)
    assert not set(claimed[0]) & set(claimed[1])


def test_everything_survives_reopening_the_store(backend: Backend):
    if not backend.durable:
        pytest.skip("the memory store is not durable by design")
    store = backend.open()
    with store.begin_turn("c") as turn:
        turn.save_user("bot", "u", {"name": "Ada"})
        turn.schedule("c/t1", 42.0, {"kind": "session"})
        turn.commit(state(1), [{"kind": "text", "text": "hi"}], message_id="m1")
    store.close()
    reopened = backend.open()
    assert reopened.load("c").state == state(1)
    assert reopened.transcript("c")[0].outputs == [{"kind": "text", "text": "hi"}]
    assert reopened.load_user("bot", "u") == {"name": "Ada"}
    assert reopened.due_timers(50.0) == [Timer(timer_id="c/t1", conversation_id="c", due=42.0,
                                               payload={"kind": "session"})]
    assert reopened.list_conversations() == ["c"]


def test_many_conversations_unicode_ids_and_a_large_state(store):
    ids = [f"conv-{n}" for n in range(300)] + ["ünïcode 会話 🙂", "with:colons/and spaces"]
    for conversation in ids:
        with store.begin_turn(conversation) as turn:
            turn.commit(state(1, id=conversation), [])
    assert store.list_conversations() == sorted(ids)
    assert store.load("ünïcode 会話 🙂").state["id"] == "ünïcode 会話 🙂"
    big = state(1, text="x" * 1_000_000, keys={f"k{n}": n for n in range(100_000)})
    with store.begin_turn("big") as turn:
        turn.commit(big, [])
    assert store.load("big").state == big


@pytest.mark.parametrize("raw, reason, newer", [
    ('{"version": 2, "frames": [', "not JSON", False),
    (b"\xff\xfe not text", "not JSON", False),
    ('[1, 2, 3]', "expected a JSON object", False),
    ('{"frames": []}', "no int `version`", False),
    ('{"version": 99, "frames": []}', "state version 99", True),
])
def test_unreadable_state_is_reported_quarantined_and_isolated(backend: Backend, raw, reason, newer):
    store = backend.open()
    with store.begin_turn("healthy") as turn:
        turn.commit(state(7), [])
    stored = write_raw(backend, store, "broken", raw)
    with pytest.raises(CorruptState) as caught:
        store.load("broken")
    error = caught.value
    assert (error.conversation_id, error.newer) == ("broken", newer) and reason in error.reason
    assert error.diagnostics[0].code == ("B565" if newer else "B564")
    assert "`broken`" in error.diagnostics[0].message
    with pytest.raises(CorruptState), store.begin_turn("broken"):
        pass
    assert store.quarantine("broken", reason=error.reason)
    assert store.load("broken") is None
    kept = store.quarantined("broken")
    assert len(kept) == 1 and kept[0]["reason"] == error.reason
    assert kept[0]["state"] == codec.raw_text(stored)  # byte for byte what was stored
    with store.begin_turn("broken", wait_seconds=0.5) as turn:  # the user starts fresh
        assert turn.state is None and turn.revision == 0
        turn.commit(state(1), [])
    assert store.load("healthy").state == state(7) and store.load("healthy").revision == 1
    assert "broken" in store.list_conversations() and not store.quarantine("nobody")


def write_raw(backend: Backend, store, conversation: str, raw: str | bytes) -> str | bytes:
    """Damage a conversation's stored data; Redis keeps the state inside an envelope, so JSON
    state goes into a well-formed envelope there (else the envelope check would fire first)."""
    if backend.name == "redis":
        try:
            codec.json.loads(raw)
            raw = '{"schema":1,"revision":1,"at":0,"state":%s}' % (raw.decode() if isinstance(raw, bytes) else raw)
        except ValueError:
            pass
    store._write_raw(conversation, raw)
    return raw


def test_older_state_is_migrated_by_the_hook(backend: Backend, monkeypatch):
    store = backend.open()
    monkeypatch.setitem(codec.STATE_MIGRATIONS, 0, lambda data: {**data, "version": 1, "migrated": True})
    write_raw(backend, store, "old", '{"version": 0, "count": 3}')
    loaded = store.load("old")
    # The hook's step (0 -> 1), then bubble's own steps up to the current version.
    assert loaded.state["version"] == STATE_VERSION and loaded.state["migrated"] and loaded.state["count"] == 3
    monkeypatch.delitem(codec.STATE_MIGRATIONS, 0)
    with pytest.raises(CorruptState, match="no migration from state version 0"):
        store.load("old")


def test_a_holder_that_renews_keeps_its_lease_past_its_lifetime(backend: Backend):
    store = backend.open(lock_seconds=0.3)
    with store.begin_turn("c") as turn:
        for _ in range(4):  # 0.6 s in all: twice the lifetime
            time.sleep(0.15)
            assert turn.renew()
        with pytest.raises(StoreBusy):
            with store.begin_turn("c", wait_seconds=0.05):
                pass
        turn.commit(state(1), [])
    assert store.load("c").state == state(1)


def test_a_lost_lease_cannot_be_renewed(backend: Backend):
    store = backend.open(lock_seconds=0.2)
    with store.begin_turn("c") as first:
        time.sleep(0.3)
        with store.begin_turn("c") as second:
            assert not first.renew()  # it expired and another holder took it
            second.commit(state(2), [])
        with pytest.raises(TurnConflict):
            first.commit(state(1), [])


def test_outputs_since_replays_committed_outputs_by_seq_and_the_cursor_only_moves_on(store):
    for turn_number, seqs in enumerate(([1, 2], [], [3], [4, 5]), 1):
        with store.begin_turn("c") as turn:
            turn.commit(state(turn_number), [{"kind": "text", "text": f"o{seq}", "seq": seq} for seq in seqs])
    assert [o["seq"] for o in store.outputs_since("c", 0)] == [1, 2, 3, 4, 5]
    assert [o["text"] for o in store.outputs_since("c", 3)] == ["o4", "o5"]
    assert store.outputs_since("c", 5) == [] and store.outputs_since("nobody", 0) == []
    assert store.delivered("c") == 0
    store.mark_delivered("c", 4)
    store.mark_delivered("c", 2)  # never backwards
    assert store.delivered("c") == 4 and store.delivered("other") == 0


def test_lease_tokens_are_unique_in_a_process_and_differ_in_a_forked_child():
    import os

    from bubble_lang.storage.base import new_lease_token

    tokens = {new_lease_token() for _ in range(1000)}
    assert len(tokens) == 1000
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child writes its next token and leaves at once
        os.write(write, new_lease_token().encode())
        os._exit(0)
    os.waitpid(child, 0)
    theirs = os.read(read, 200).decode()
    os.close(read), os.close(write)
    assert theirs.split("-")[0] != new_lease_token().split("-")[0]
