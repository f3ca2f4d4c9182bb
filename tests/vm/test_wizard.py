"""Wizard steps and Back (SPEC §9, `vm/wizard.py`).

"Step k of n" is fixed at compile time; every `step` keeps a checkpoint on its dialog's frame;
Back returns to the previous boundary (or restarts the current step once it took an answer) with
the globals, the frame's locals and `answer` exactly as they were there, and the step runs again.
A final step stops Back; Back with nowhere to go is a message, never an error. Checkpoints are
bounded, survive the SQLite store, and are dropped when the dialog's code changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.durable import DurableConversation
from bubble_lang.limits import DEFAULT_LIMITS
from bubble_lang.runtime.inputs import BackInput
from bubble_lang.runtime.outputs import Output
from bubble_lang.runtime.session import SessionState
from bubble_lang.runtime.values import Text, to_plain, to_text
from bubble_lang.storage import open_store
from bubble_lang.vm.wizard import (
    AT_FIRST_STEP,
    EARLIER_NOT_KEPT,
    NOTHING_TO_GO_BACK_TO,
    can_go_back,
    live_checkpoints,
)

from tests.bot_folders import write_bot

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")

WIZARD = '''
dialog main do
  say "Welcome"
  count = 0
  step "Name"
  name = ask "Your name?"
  _upper = upcase(name)
  count = count + 1
  step "Details"
  age = ask "Your age?"
  city = ask "Your city?"
  count = count + 1
  tags = [name, city]
  step "Color"
  color = ask "Favourite color?", expecting: ["red", "blue"]
  count = count + 1
  step "Done", final: true
  say "Thanks #{_upper} from #{city}"
  ask "Anything else?"
  say "Bye"
end
'''

BRANCHED = '''
dialog main do
  if x do
    step "A"
  else
    step "B"
  end
  repeat i in [1, 2] do
    step "Loop"
    ask "again?"
  end
  invoke sub
end

dialog sub do
  step "Sub one"
  ask "sub?"
end
'''


def bot_of(tmp_path: Path, text: str, name: str = "bot"):
    return load_bot(write_bot(tmp_path, name, text))


def talk(bot, id: str = "c"):
    return bot.conversation(id, clock=lambda: NOW, seed=1)


def texts(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


def steps(outputs: list[Output]) -> list[str]:
    return [o.summary() for o in outputs if o.kind == "step"]


def plain(values: dict) -> dict:
    """Variables as plain Python data (texts as strings), to compare with literals."""
    return {key: to_text(value) if isinstance(value, Text) else value for key, value in values.items()}


def variables(conversation) -> tuple[str, str]:
    """The globals and the top frame's locals, written out in full (to compare exactly)."""
    state = conversation.state
    frame = state.frames[-1] if state.frames else None
    return (json.dumps(to_plain(state.globals), sort_keys=True),
            json.dumps(to_plain(frame.locals if frame is not None else {}), sort_keys=True))


def test_step_outputs_say_k_of_n_and_whether_back_is_offered(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    first = c.start()
    shown = [o for o in first if o.kind == "step"]
    assert shown[0].data == {"title": "Name", "final": False, "index": 1, "total": 4, "can_back": False}
    assert shown[0].summary() == "Step 1 of 4 — Name"
    second = [o for o in c.send_text("ada") if o.kind == "step"]
    assert second[0].data["can_back"] is True and second[0].summary() == "Step 2 of 4 — Details"
    c.send_text("36")
    c.send_text("Paris")
    final = [o for o in c.send_text("red") if o.kind == "step"][0]
    assert final.data == {"title": "Done", "final": True, "index": 4, "total": 4, "can_back": False}


def test_n_counts_every_step_statement_of_the_dialog_in_source_order(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, BRANCHED))
    assert steps(c.start()) == ["Step 2 of 3 — B", "Step 3 of 3 — Loop"]
    assert steps(c.send_text("yes")) == ["Step 3 of 3 — Loop"]
    assert steps(c.send_text("yes")) == ["Step 1 of 1 — Sub one"]


def test_back_goes_to_the_previous_step_with_variables_rolled_back(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    c.start()
    c.send_text("ada")
    at_details = variables(c)
    c.send_text("36")
    c.send_text("Paris")
    assert plain(c.state.globals)["city"] == "Paris"
    out = c.back()  # the Color step took no answer yet: back to Details
    assert steps(out) == ["Step 2 of 4 — Details"] and texts(out) == ["Your age?"]
    assert variables(c) == at_details
    assert "city" not in c.state.globals and c.state.globals["count"] == 1
    out = c.back()
    assert steps(out) == ["Step 1 of 4 — Name"] and texts(out) == ["Your name?"]
    assert "name" not in c.state.globals and c.state.globals["count"] == 0
    assert "_upper" not in c.state.frames[-1].locals


def test_back_after_an_answer_in_the_step_restarts_that_step(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    c.start()
    c.send_text("ada")
    c.send_text("36")  # Details took an answer (age): Back restarts Details
    out = c.back()
    assert steps(out) == ["Step 2 of 4 — Details"] and texts(out) == ["Your age?"]
    assert "age" not in c.state.globals
    out = c.back()  # now at the start of Details with no answer: back to Name
    assert steps(out) == ["Step 1 of 4 — Name"]


def test_back_before_the_first_step_and_outside_a_wizard_is_a_message(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    assert texts(c.back()) == [NOTHING_TO_GO_BACK_TO]  # not even started
    c.start()
    assert texts(c.back()) == [AT_FIRST_STEP, "Your name?"]
    assert c.errors == []
    assert texts(c.send_text("ada")) == ["Your age?"]


def test_a_final_step_stops_back(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    c.start()
    for text in ("ada", "36", "Paris", "red"):
        c.send_text(text)
    assert [cp.title for _, _, cp in live_checkpoints(c.state)] == ["Done"]
    out = c.back()
    assert texts(out) == ["“Done” was the final step: you cannot go back past it.", "Anything else?"]
    assert plain(c.state.globals)["color"] == "red"
    assert not can_go_back(c.state)
    c.send_text("no")  # the dialog ends: its checkpoints go with its frame
    assert texts(c.back()) == [NOTHING_TO_GO_BACK_TO]


def test_back_first_restarts_the_wizard_from_its_first_step(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    c.start()
    for text in ("ada", "36", "Paris"):
        c.send_text(text)
    out = c.back(first=True)
    assert steps(out) == ["Step 1 of 4 — Name"]
    assert plain(c.state.globals) == {"count": 0}


def test_checkpoints_are_bounded_oldest_first(tmp_path: Path) -> None:
    text = "dialog main do\n  repeat i in range(1, 80) do\n    step \"Item #{i}\"\n    ask \"next?\"\n  end\nend\n"
    c = talk(bot_of(tmp_path, text))
    c.start()
    for _ in range(70):
        c.send_text("ok")
    kept = live_checkpoints(c.state)
    assert len(kept) == DEFAULT_LIMITS.wizard_checkpoints
    assert kept[-1][2].title == "Item 71" and kept[0][2].title == "Item 22"


def test_a_checkpoint_too_big_to_keep_is_not_kept(tmp_path: Path) -> None:
    text = ("dialog main do\n  big = []\n  repeat i in range(1, 9000) do\n    big = big + [\"#{i}\" + \"xxxxxxxxxxxx\"]\n"
            "  end\n  step \"One\"\n  ask \"a?\"\n  step \"Two\"\n  ask \"b?\"\nend\n")
    bot = bot_of(tmp_path, text)
    small = attrs.evolve(bot.image.config.limits, wizard_bytes=50_000)
    image = attrs.evolve(bot.image, config=attrs.evolve(bot.image.config, limits=small))
    bot.image = image
    c = talk(bot)
    c.start()
    c.send_text("x")
    assert live_checkpoints(c.state) == []
    assert texts(c.back()) == [NOTHING_TO_GO_BACK_TO, "b?"]


def test_checkpoints_survive_the_sqlite_store(tmp_path: Path) -> None:
    bot = bot_of(tmp_path, WIZARD)
    store = open_store(f"sqlite:///{tmp_path / 'state.sqlite'}", tmp_path)
    try:
        first = DurableConversation(bot, store, "c1", clock=lambda: NOW, seed=1)
        first.start()
        first.send_text("ada")
        first.send_text("36")
        first.send_text("Paris")
        again = DurableConversation(bot, store, "c1", clock=lambda: NOW, seed=1)
        assert [cp.title for _, _, cp in live_checkpoints(again.state)] == ["Name", "Details", "Color"]
        out = again.back()
        assert steps(out) == ["Step 2 of 4 — Details"]
        assert plain(again.state.globals) == {"count": 1, "name": "ada"}
        reread = DurableConversation(bot, store, "c1", clock=lambda: NOW, seed=1)
        assert plain(reread.state.globals) == {"count": 1, "name": "ada"}
        assert store.transcript(first.key)[-1].input == {"kind": "back", "first": False}
    finally:
        store.close()


def test_a_changed_dialog_drops_its_checkpoints(tmp_path: Path) -> None:
    old = bot_of(tmp_path, WIZARD, "old")
    c = talk(old)
    c.start()
    c.send_text("ada")
    c.send_text("36")
    edited = bot_of(tmp_path, WIZARD.replace("Your city?", "Which city?"), "new")
    moved = talk(edited)
    moved.state = SessionState.from_plain(json.loads(json.dumps(c.state.to_plain())))
    out = moved.back()
    # the dialog restarted from its top (SPEC §14): its old boundaries are gone, the new run passed Name
    assert [cp.title for _, _, cp in live_checkpoints(moved.state)] == ["Name"]
    assert steps(out) == ["Step 1 of 4 — Name"]
    assert moved.errors == []


def test_an_unchanged_dialog_keeps_its_checkpoints_across_an_edit(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD, "old"))
    c.start()
    c.send_text("ada")
    edited = bot_of(tmp_path, WIZARD + '\ndialog trigger: "help" do\n  say "help"\nend\n', "new")
    moved = talk(edited)
    moved.state = SessionState.from_plain(json.loads(json.dumps(c.state.to_plain())))
    assert steps(moved.back()) == ["Step 1 of 4 — Name"]


def test_back_from_an_interrupting_dialog_drops_it(tmp_path: Path) -> None:
    text = WIZARD + '\ndialog trigger: "help" do\n  ask "What do you need help with?"\nend\n'
    c = talk(bot_of(tmp_path, text))
    c.start()
    for text in ("ada", "36", "Paris"):
        c.send_text(text)
    assert texts(c.send_text("help")) == ["What do you need help with?"]  # not a color: a trigger
    out = c.back()  # the step Color took no answer: back to Details, the help dialog is left
    assert steps(out) == ["Step 2 of 4 — Details"]
    assert c.stack == ["main"]


def test_timeouts_of_questions_left_by_back_are_dropped(tmp_path: Path) -> None:
    text = 'dialog main do\n  step "One"\n  ask "a?"\n  step "Two"\n  ask "b?", timeout: "1m"\nend\n'
    c = talk(bot_of(tmp_path, text))
    c.start()
    c.send_text("x")
    assert len(c.state.timers) == 1
    c.back()
    assert c.state.timers == []


ANSWERS = st.lists(st.one_of(st.just("back"), st.sampled_from(["ada", "36", "Paris", "red", "blue", "x"])),
                   max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=ANSWERS)
def test_random_answers_and_backs_never_crash_and_back_restores_the_boundary(tmp_path: Path, moves) -> None:
    bot = _cached_bot(tmp_path)
    c = talk(bot)
    c.start()
    boundaries: dict[int, tuple] = {}  # checkpoint count -> (globals, locals) when that step began
    for move in moves:
        if move == "back":
            c.back()
        else:
            c.send_text(move)
        assert c.errors == []
        live = live_checkpoints(c.state)
        if live and c.state.frames and c.state.frames[-1].checkpoints:
            top = c.state.frames[-1].checkpoints[-1]
            if c.state.answers == top.answers:  # just at the boundary of the top step
                seen = (top.index, variables(c))
                if move == "back" and top.index in boundaries:
                    assert seen == boundaries[top.index]
                boundaries[top.index] = seen
        for index in [k for k in boundaries if not any(cp.index == k for _, _, cp in live)]:
            del boundaries[index]  # a step no longer kept (passed again later, or final)


_BOTS: dict[str, object] = {}


def _cached_bot(tmp_path: Path):
    if "wizard" not in _BOTS:
        _BOTS["wizard"] = bot_of(tmp_path, WIZARD)
    return _BOTS["wizard"]


def test_back_is_a_step_input() -> None:
    assert BackInput().first is False and BackInput(first=True).first is True


NESTED = '''
dialog main do
  step "Outer"
  a = ask "a?"
  invoke inner
  step "Outer end"
  c = ask "c?"
end

dialog inner do
  step "Inner"
  b = ask "b?"
end
'''


def test_back_moves_through_an_invoked_wizard_and_out_of_it(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, NESTED))
    assert steps(c.start()) == ["Step 1 of 2 — Outer"]
    assert steps(c.send_text("1")) == ["Step 1 of 1 — Inner"]
    assert c.stack == ["inner", "main"]
    out = c.back()  # inner's first question, no answer: back to main's previous boundary
    assert steps(out) == ["Step 1 of 2 — Outer"] and texts(out) == ["a?"]
    assert c.stack == ["main"] and "a" not in c.state.globals
    c.send_text("1")
    assert steps(c.send_text("2")) == ["Step 2 of 2 — Outer end"]  # inner returned: its steps are gone
    assert [cp.title for _, _, cp in live_checkpoints(c.state)] == ["Outer", "Outer end"]
    out = c.back()
    assert steps(out) == ["Step 1 of 2 — Outer"]


def test_a_final_step_that_took_an_answer_restarts_on_back(tmp_path: Path) -> None:
    c = talk(bot_of(tmp_path, WIZARD))
    c.start()
    for text in ("ada", "36", "Paris", "red"):
        c.send_text(text)
    assert c.state.frames[-1].wait is not None  # "Anything else?" in the final step
    out = c.back(first=True)  # the earliest boundary kept is the final step
    assert steps(out) == ["Step 4 of 4 — Done"] and texts(out)[-1] == "Anything else?"
    assert plain(c.state.globals)["color"] == "red"


def test_the_checkpoint_limit_is_set_in_bubble_toml(tmp_path: Path) -> None:
    folder = tmp_path / "wiz"
    folder.mkdir()
    (folder / "bubble.toml").write_text("[limits]\nwizard_checkpoints = 2\n", encoding="utf-8")
    (folder / "wiz.bot").write_text(WIZARD, encoding="utf-8")
    c = talk(load_bot(folder))
    c.start()
    for text in ("ada", "36", "Paris"):
        c.send_text(text)
    assert [cp.title for _, _, cp in live_checkpoints(c.state)] == ["Details", "Color"]
    assert steps(c.back()) == ["Step 2 of 4 — Details"]
    assert texts(c.back()) == [EARLIER_NOT_KEPT, "Your age?"]  # Name was dropped: Details is the first kept
