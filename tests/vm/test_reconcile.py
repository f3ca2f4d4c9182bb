"""Editing a bot never breaks a stored conversation (SPEC §14).

Frames refer to code by stable identity and carry its hash: an unchanged dialog continues exactly
where it was, a changed one starts again from its top with the variables kept, a removed one is
left (the stack unwinds, `__root__` runs). Each case is a note for the host's log, never an
internal error. The property test edits every sample bot at random between the turns of a
conversation.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.diagnostics import BubbleError
from bubble_lang.engine.bot import load_bot
from bubble_lang.frontend import check_bot, discover_bots
from bubble_lang.runtime.session import SessionState

from .conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "tests" / "transcripts" / "inputs"
SAMPLES = sorted(p.stem for p in INPUTS.glob("*.txt"))

ORDER = '''
dialog main do
  say "Welcome"
  invoke order
  say "Thanks, #{name}"
end

dialog order do
  name = ask "Your name?"
  dish = ask "Which dish?", expecting: ["soup", "salad"]
  say "One #{dish} for #{name}"
end

dialog __root__ do
  say "(root)"
end
'''


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


def carry(conversation, bot, text: str):
    """The conversation's state, played on another revision of the bot (as after a restart)."""
    moved = bot.conversation("c1", clock=lambda: NOW, seed=1)
    moved.state = SessionState.from_plain(json.loads(json.dumps(conversation.state.to_plain())))
    return moved, moved.send_text(text)


def test_a_comment_added_above_a_waiting_dialog_changes_nothing(make_bot):
    """The reported bug: edit the bot, run again, answer -> "internal error … KeyError"."""
    before = make_bot(ORDER)
    conversation = before.conversation("c1", clock=lambda: NOW, seed=1)
    conversation.start()
    conversation.send_text("Ann")
    edited = make_bot("# a new comment\n# and another\n" + ORDER.replace("dialog order do", "# here too\ndialog order do"))
    moved, outputs = carry(conversation, edited, "soup")
    assert texts(outputs) == ["One soup for Ann", "Thanks, Ann", "(root)"]
    assert not moved.last_errors and moved.state.bot == edited.image.revision


def test_a_changed_dialog_starts_again_from_its_top_with_variables_kept(make_bot, caplog):
    before = make_bot(ORDER)
    conversation = before.conversation("c1", clock=lambda: NOW, seed=1)
    conversation.start()
    conversation.send_text("Ann")
    edited = make_bot(ORDER.replace('  dish = ask', '  say "New menu!"\n  dish = ask'))
    with caplog.at_level("INFO", logger="bubble"):
        moved, outputs = carry(conversation, edited, "salad")
    # `order` runs again from its top and asks its first question again; "salad" was meant for
    # the old question, so it is not taken as the answer to this one.
    assert texts(outputs) == ["Your name?"] and str(moved.state.globals["name"]) == "Ann"
    assert texts(moved.send_text("Bob")) == ["New menu!", "Which dish?"]
    assert "dialog `order` changed: it starts again from its top, variables kept" in caplog.text
    assert not moved.last_errors


def test_a_removed_dialog_is_left_and_root_runs(make_bot, caplog):
    before = make_bot(ORDER)
    conversation = before.conversation("c1", clock=lambda: NOW, seed=1)
    conversation.start()
    edited = make_bot(ORDER.replace("  invoke order\n", "").split("dialog order do")[0]
                      + ORDER.split("  say \"One #{dish} for #{name}\"\nend\n")[1])
    with caplog.at_level("INFO", logger="bubble"):
        moved, outputs = carry(conversation, edited, "Ann")
    assert "dialog `order` is no longer in the bot: it was left" in caplog.text
    assert "(root)" in texts(outputs) and not moved.last_errors


def test_a_once_block_keeps_its_count_when_lines_are_added_above(make_bot):
    script = 'dialog main do\n  once do\n    say "first"\n    say "second"\n  end\nend\n' \
             'dialog trigger: "again", do: invoke main\n'
    bot = make_bot(script)
    conversation = bot.conversation("c1", clock=lambda: NOW, seed=1)
    assert texts(conversation.start()) == ["first"]
    moved, outputs = carry(conversation, make_bot("# moved down\n\n" + script), "again")
    assert texts(outputs) == ["second"]


def test_unnamed_dialogs_keep_their_identity_when_lines_move(make_bot):
    script = 'dialog main do\n  say "hi"\nend\n' \
             'dialog trigger: "order" do\n  dish = ask "Dish?"\n  say "ok #{dish}"\nend\n'
    bot = make_bot(script)
    conversation = bot.conversation("c1", clock=lambda: NOW, seed=1)
    conversation.start()
    conversation.send_text("order")
    moved, outputs = carry(conversation, make_bot("\n\n# comment\n" + script), "soup")
    assert texts(outputs) == ["ok soup"]


def test_two_bots_in_one_folder_keep_their_own_conversations(tmp_path):
    """The reported bug: `bubble run restaurant.bot`, then `bubble run pizza.bot` in the same
    folder -> "internal error … IndexError" (one stored conversation for every bot)."""
    from bubble_lang.engine.durable import DurableConversation
    from bubble_lang.storage import open_store

    for name in ("restaurant", "pizza"):
        (tmp_path / f"{name}.bot").write_text((ROOT / "samples" / f"{name}.bot").read_text(), encoding="utf-8")
    store = open_store("sqlite", tmp_path)
    first = DurableConversation(load_bot(tmp_path / "restaurant.bot"), store, "terminal", clock=lambda: NOW)
    first.start()
    first.send_text("Order")
    second = DurableConversation(load_bot(tmp_path / "pizza.bot"), store, "terminal", clock=lambda: NOW)
    assert not second.resumed
    assert texts(second.send_text("hi"))[-1].startswith("Welcome to Pizza Bot!") and not second.last_errors
    again = DurableConversation(load_bot(tmp_path / "restaurant.bot"), store, "terminal", clock=lambda: NOW)
    assert again.resumed and again.state.frames
    assert sorted(store.list_conversations()) == ["pizza/terminal", "restaurant/terminal"]


# ---------------------------------------------------------------------------------- the property
def play(conversation, line: str) -> list:
    """One line of a transcript input script: a message, or a terminal command."""
    word, _, rest = line.partition(" ")
    if word == "/event":
        name, _, payload = rest.partition(" ")
        return conversation.send_event(name, json.loads(payload) if payload.strip() else None)
    if word == "/location":
        lat, lon = (float(part) for part in rest.split())
        return conversation.send_location(lat, lon)
    if word == "/attachment":
        kind, url = rest.split()
        return conversation.send_attachment(kind, url=url)
    if word == "/time":
        from bubble_lang.vm.duration_values import parse_duration

        return conversation.advance(parse_duration(rest.strip().lstrip("+")))
    return conversation.send_text(line)


def edits_of(path: Path) -> list[tuple[str, int, int, str]]:
    """Every edit the property may make to a sample: (kind, start, end, replacement)."""
    check = check_bot(next(iter(discover_bots(path))), lint=False)
    text = path.read_text(encoding="utf-8")
    found: list[tuple[str, int, int, str]] = []

    def line_start(offset: int) -> tuple[int, str]:
        start = text.rfind("\n", 0, offset) + 1
        return start, text[start:offset] if not text[start:offset].strip() else ""

    for info in check.program.all_dialogs:
        decl = info.decl
        if decl.span.file.name != str(path):
            continue
        start, indent = line_start(decl.span.start)
        found.append(("comment", start, start, f"{indent}# an edit\n"))
        for statement in decl.body:
            start, indent = line_start(statement.span.start)
            if indent:
                found.append(("comment", start, start, f"{indent}# an edit\n"))
                found.append(("statement", start, start, f'{indent}log "an edit"\n'))
        if info.name and not info.name.startswith("__") and info.name != "main" and decl.name_span is not None:
            found.append(("rename", decl.name_span.start, decl.name_span.end, info.name + "_renamed"))
        if info.parent is None and info.name not in ("main", "__main__"):
            found.append(("delete", decl.span.start, decl.span.end, ""))
    return found


def apply(text: str, chosen: list[tuple[str, int, int, str]]) -> str:
    done: list[tuple[int, int]] = []
    for kind, start, end, replacement in sorted(chosen, key=lambda e: (e[1], e[2]), reverse=True):
        if any(start < b and a < end or (start == end and a < start < b) for a, b in done):
            continue  # inside something already replaced
        text = text[:start] + replacement + text[end:]
        done.append((start, end))
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), split=st.integers(0, 30), seed=st.integers(0, 10_000),
       count=st.integers(1, 4))
def test_edits_between_turns_never_break_a_stored_conversation(tmp_path, sample, split, seed, count):
    path = ROOT / "samples" / f"{sample}.bot"
    lines = [line for line in (INPUTS / f"{sample}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    split = split % (len(lines) + 1)
    original = load_bot(path)
    conversation = original.conversation("c1", clock=lambda: NOW, seed=1)
    conversation.start()
    for line in lines[:split]:
        play(conversation, line)
    stored = json.dumps(conversation.state.to_plain())
    reference = [texts(play(conversation, line)) for line in lines[split:]]

    candidates = edits_of(path)
    chosen = random.Random(seed).sample(candidates, min(count, len(candidates)))
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    edited_path = folder / f"{sample}.bot"
    edited_path.write_text(apply(path.read_text(encoding="utf-8"), chosen), encoding="utf-8")
    try:
        edited = load_bot(edited_path)
    except BubbleError:
        return  # the edit broke the bot (a renamed dialog still invoked): nothing to resume
    moved = edited.conversation("c1", clock=lambda: NOW, seed=1)
    moved.state = SessionState.from_plain(json.loads(stored))
    continued = []
    for line in lines[split:]:
        continued.append(texts(play(moved, line)))
        for error in moved.last_errors:
            assert all(d.code != "B499" for d in error.diagnostics), error.diagnostics[0].message
    kinds = {kind for kind, *_ in chosen}
    if kinds <= {"comment"}:
        assert continued == reference  # nothing changed for any dialog: everything continues exactly


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_survives_a_comment_before_every_dialog(tmp_path, sample):
    """The deterministic core of the property, on every sample: unchanged code continues exactly."""
    path = ROOT / "samples" / f"{sample}.bot"
    lines = [line for line in (INPUTS / f"{sample}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    edited_path = tmp_path / f"{sample}.bot"
    edited_path.write_text(apply(path.read_text(encoding="utf-8"),
                                 [e for e in edits_of(path) if e[0] == "comment"]), encoding="utf-8")
    edited = load_bot(edited_path)
    for split in range(len(lines) + 1):
        original = load_bot(path).conversation("c1", clock=lambda: NOW, seed=1)
        original.start()
        for line in lines[:split]:
            play(original, line)
        moved = edited.conversation("c1", clock=lambda: NOW, seed=1)
        moved.state = SessionState.from_plain(json.loads(json.dumps(original.state.to_plain())))
        for line in lines[split:]:
            assert texts(play(moved, line)) == texts(play(original, line)), (sample, split, line)
