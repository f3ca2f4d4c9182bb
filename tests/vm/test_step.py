"""`step(image, state, input) -> Step`: typed waits, and turns that stop for host IO and go on.

An `extension` call stops the turn wherever it stands — in a dialog, a `perform`ed task, a
`before:` task of a dialog or of every message — with the turn's progress in the state as plain
data; the next `step`, given the result (even in a fresh process, from the stored plain data),
continues exactly there.
"""

from __future__ import annotations

import json

import pytest

from bubble_lang.runtime.inputs import (
    EventInput,
    ExtensionRequest,
    ExtensionResult,
    StartInput,
    TextInput,
    TimerInput,
)
from bubble_lang.runtime.session import SessionState
from bubble_lang.runtime.steps import Answer, Closed, Event, Extension, Idle, Timer
from bubble_lang.vm.step import StepMismatch, step

from .conftest import NOW


def texts(result) -> list[str]:
    return [o.text for o in result.outputs if o.kind in ("text", "ask")]


def fresh(bot, cid: str = "c1") -> SessionState:
    return bot.new_state(cid, seed=1)


def round_trip(state: SessionState) -> SessionState:
    """The state as another process would read it back from a store."""
    return SessionState.from_plain(json.loads(json.dumps(state.to_plain())))


def ok(request: ExtensionRequest, **fields) -> ExtensionResult:
    return ExtensionResult(request_id=request.id, ok=True, **fields)


def test_waits_are_typed_records(make_bot):
    bot = make_bot('''
dialog main do
  color = ask "Color?", expecting: ["Red", "Blue"], timeout: "5m"
  await event("paid")
  emit "later", in: "1h"
  say "ok"
end
''')
    state = fresh(bot)
    first = step(bot.image, state, StartInput(), now=NOW)
    assert isinstance(first.waiting, Answer)
    assert first.waiting.question == "Color?" and [c["title"] for c in first.waiting.choices] == ["Red", "Blue"]
    assert first.waiting.deadline == NOW.timestamp() + 300 and first.next_due == NOW.timestamp() + 300
    second = step(bot.image, state, TextInput(text="red"), now=NOW)
    assert second.waiting == Event(name="paid", deadline=None)
    third = step(bot.image, state, EventInput(name="paid"), now=NOW)
    assert texts(third) == ["ok"] and third.waiting == Timer(due=NOW.timestamp() + 3600)


def test_idle_and_closed(make_bot):
    bot = make_bot('dialog main do\n  say "hi"\nend\ndialog trigger: "bye", do: close\n')
    state = fresh(bot)
    assert step(bot.image, state, StartInput(), now=NOW).waiting == Idle()
    assert step(bot.image, state, TextInput(text="bye"), now=NOW).waiting == Closed()


EXTENSION_BOT = '''
dialog main do
  say "Looking it up"
  extension "lookup", server: "books"
  say "Found #{title}"
  perform save
  say "Saved #{saved}"
end

task save do
  extension "store", server: "books"
  saved = "yes #{title}"
end
'''


def test_an_extension_call_stops_the_turn_and_the_result_continues_it_even_in_another_process(make_bot):
    bot = make_bot(EXTENSION_BOT)
    state = fresh(bot)
    first = step(bot.image, state, StartInput(), now=NOW)
    assert isinstance(first.waiting, Extension) and first.outputs == ()  # nothing leaves before the turn ends
    request = first.waiting.request
    assert (request.server, request.name, request.dialog) == ("books", "lookup", "main")
    assert state.turn is not None
    moved = round_trip(state)  # the turn in progress is plain data
    second = step(bot.image, moved, ok(request, slots={"title": "Dune"}, answers=[{"text": "1 hit"}]), now=NOW)
    assert isinstance(second.waiting, Extension)  # inside the performed task now
    assert second.waiting.request.name == "store" and second.waiting.request.slots["title"] == "Dune"
    third = step(bot.image, round_trip(moved), ok(second.waiting.request), now=NOW)
    assert texts(third) == ["Looking it up", "1 hit", "Found Dune", "Saved yes Dune"]
    assert [o.seq for o in third.outputs] == [1, 2, 3, 4]


@pytest.mark.parametrize("hook", ["__user_message__", "greet"])
def test_an_extension_call_in_a_before_task_suspends_too(make_bot, hook):
    bot = make_bot(f'''
dialog main do
  say "Hi"
end

dialog greet, trigger: "hello" do
  say "Hello #{{who}}"
end

task before: {hook} do
  extension "who", server: "crm"
end
''')
    state = fresh(bot)
    step(bot.image, state, StartInput(), now=NOW)
    first = step(bot.image, state, TextInput(text="hello"), now=NOW)
    assert isinstance(first.waiting, Extension) and first.waiting.request.name == "who"
    done = step(bot.image, state, ok(first.waiting.request, slots={"who": "Ann"}), now=NOW)
    assert texts(done) == ["Hello Ann"]


def test_a_failed_call_rolls_the_whole_turn_back_and_runs_error(make_bot):
    bot = make_bot('''
dialog main do
  count = 1
  ask "Go?"
  count = 2
  extension "lookup", server: "books"
  say "never"
end

dialog __error__ do
  say "That did not work (#{count})"
end
''')
    state = fresh(bot)
    step(bot.image, state, StartInput(), now=NOW)
    first = step(bot.image, state, TextInput(text="yes"), now=NOW)
    request = first.waiting.request
    failed = step(bot.image, state, ExtensionResult(request_id=request.id, ok=False, error="timed out"), now=NOW)
    assert texts(failed) == ["That did not work (1)", "Go?"]
    assert failed.errors[0].diagnostics[0].code == "B470" and "timed out" in failed.errors[0].diagnostics[0].message
    assert state.globals["count"] == 1 and state.turn is None and isinstance(failed.waiting, Answer)


def test_a_result_that_does_not_fit_the_turn_is_a_host_bug(make_bot):
    bot = make_bot(EXTENSION_BOT)
    state = fresh(bot)
    with pytest.raises(StepMismatch):
        step(bot.image, state, ExtensionResult(request_id="x", ok=True), now=NOW)
    first = step(bot.image, state, StartInput(), now=NOW)
    with pytest.raises(StepMismatch):
        step(bot.image, state, ExtensionResult(request_id="other", ok=True), now=NOW)
    with pytest.raises(StepMismatch):
        step(bot.image, state, TextInput(text="hi"), now=NOW)
    assert isinstance(step(bot.image, state, ok(first.waiting.request), now=NOW).waiting, Extension)


def test_a_bot_edited_while_a_call_is_under_way_starts_the_turn_over(make_bot):
    bot = make_bot(EXTENSION_BOT)
    state = fresh(bot)
    first = step(bot.image, state, StartInput(), now=NOW)
    edited = make_bot(EXTENSION_BOT.replace('"Looking it up"', '"Searching"'))
    again = step(edited.image, state, ok(first.waiting.request), now=NOW)
    assert isinstance(again.waiting, Extension) and again.waiting.request.name == "lookup"
    assert again.notes == ()  # nothing was stored yet, so nothing to reconcile
    rest = step(edited.image, state, ok(again.waiting.request, slots={"title": "X"}), now=NOW)
    rest = step(edited.image, state, ok(rest.waiting.request), now=NOW)
    assert texts(rest)[0] == "Searching"


def test_a_timer_input_fires_that_timer_once(make_bot):
    bot = make_bot('dialog main do\n  emit "ping", in: "1m"\nend\ndialog event: "ping" do\n  say "pong"\nend\n')
    state = fresh(bot)
    step(bot.image, state, StartInput(), now=NOW)
    timer_id = state.timers[0].id
    assert texts(step(bot.image, state, TimerInput(timer_id=timer_id), now=NOW.add(minutes=1))) == ["pong"]
    assert texts(step(bot.image, state, TimerInput(timer_id=timer_id), now=NOW.add(minutes=1))) == []
