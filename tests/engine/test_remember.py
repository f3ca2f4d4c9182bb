"""`remember` and `forget` decide what reaches the user record (SPEC §4).

Found by the sweep of the original documentation: `user.name = "Ada"` without `remember` was
written to the user record, so every other conversation of the same user saw it. SPEC §4: the
record is shared by the user's conversations; `remember user.x` persists a field, `forget
user.x` deletes it, and assigning without `remember` changes it for this conversation only."""

from __future__ import annotations

from bubble_lang.engine.durable import DurableConversation

BOT = '''
@prefs %{colour: "blue", size: "m"}

dialog main do
  say "hi"
end

dialog trigger: "keep" do
  user.name = "Ada"
  remember user.name
  say "kept"
end

dialog trigger: "local" do
  user.name = "Carl"
  say "local"
end

dialog trigger: "drop" do
  forget user.name
  say "dropped"
end

dialog trigger: "bye" do
  forget user.name
  close
end

dialog trigger: "prefs" do
  user.prefs = @prefs
  remember user.prefs
  forget user.prefs.colour
  say "prefs #{join(keys(user.prefs), ",")} #{join(keys(@prefs), ",")}"
end

dialog trigger: "show" do
  if user.name do
    say "name #{user.name}"
  else
    say "nameless"
  end
end
'''


def said(conversation: DurableConversation, text: str) -> list[str]:
    return [o.text for o in conversation.send_text(text) if o.kind == "text"]


def test_assigning_without_remember_stays_in_this_conversation(make_bot, store):
    bot = make_bot(BOT)
    first = DurableConversation(bot, store, "c1", user_id="u")
    first.start()
    assert said(first, "local") == ["local"]
    assert said(first, "show") == ["name Carl"]
    assert said(DurableConversation(bot, store, "c1", user_id="u"), "show") == ["name Carl"]
    other = DurableConversation(bot, store, "c2", user_id="u")
    other.start()
    assert said(other, "show") == ["nameless"]
    assert store.load_user(bot.name, "u") == {}


def test_remembered_fields_reach_every_conversation_of_the_user(make_bot, store):
    bot = make_bot(BOT)
    first = DurableConversation(bot, store, "c1", user_id="u")
    first.start()
    assert said(first, "keep") == ["kept"]
    other = DurableConversation(bot, store, "c2", user_id="u")
    other.start()
    assert said(other, "show") == ["name Ada"]
    stranger = DurableConversation(bot, store, "c3", user_id="someone else")
    stranger.start()
    assert said(stranger, "show") == ["nameless"]


def test_a_local_change_of_a_remembered_field_stays_local(make_bot, store):
    bot = make_bot(BOT)
    keeper = DurableConversation(bot, store, "c1", user_id="u")
    keeper.start()
    said(keeper, "keep")
    local = DurableConversation(bot, store, "c2", user_id="u")
    local.start()
    assert said(local, "local") == ["local"]
    assert said(local, "show") == ["name Carl"]
    assert said(keeper, "show") == ["name Ada"]
    later = DurableConversation(bot, store, "c3", user_id="u")
    later.start()
    assert said(later, "show") == ["name Ada"]


def test_forget_deletes_from_the_record_even_when_the_conversation_closes(make_bot, store):
    bot = make_bot(BOT)
    first = DurableConversation(bot, store, "c1", user_id="u")
    first.start()
    said(first, "keep")
    assert said(first, "drop") == ["dropped"]
    other = DurableConversation(bot, store, "c2", user_id="u")
    other.start()
    assert said(other, "show") == ["nameless"]
    said(other, "keep")
    said(other, "bye")
    third = DurableConversation(bot, store, "c3", user_id="u")
    third.start()
    assert said(third, "show") == ["nameless"]


def test_forgetting_a_nested_field_never_changes_the_constant_it_came_from(make_bot, store):
    bot = make_bot(BOT)
    first = DurableConversation(bot, store, "c1", user_id="u")
    first.start()
    assert said(first, "prefs") == ["prefs size colour,size"]
    assert said(first, "prefs") == ["prefs size colour,size"]


CLOSING = '''
dialog main do
  say "x #{user.x} y #{user.y}"
end

dialog trigger: "set" do
  user.x = "own"
  user.y = "shared"
  remember user.y
  say "set"
end

dialog trigger: "shut" do
  user.x = "own"
  close
end

dialog trigger: "bye" do
  close
end
'''


def test_a_field_set_without_remember_ends_with_its_conversation(make_bot, store):
    """Found by a fidelity probe: after `close` (or a restart) the next conversation still saw
    `user.x` set without `remember`, in memory and for the turn of a restart."""
    bot = make_bot(CLOSING)
    durable = DurableConversation(bot, store, "c1", user_id="u")
    durable.start()
    assert said(durable, "set") == ["set"]
    assert said(durable, "bye") == []
    assert said(durable, "hello") == ["x  y shared"]
    said(durable, "set")
    assert [o.text for o in durable.restart() if o.kind == "text"] == ["x  y shared"]
    memory = bot.conversation("m1")
    memory.start()
    assert [o.text for o in memory.send_text("shut")] == []
    assert [o.text for o in memory.send_text("hello") if o.kind == "text"] == ["x  y "]


def test_a_test_prepared_user_field_stands_for_the_record_and_outlives_close(tmp_path):
    from tests.testing.helpers import failure_text, run_all

    results = run_all(tmp_path, CLOSING.replace('say "x #{user.x} y #{user.y}"',
                                                'say "x #{user.x} y #{user.y} f #{user.frontend}"'), '''
test "own fields end with the conversation" do
  user.frontend = "slack"
  expect "[Start] x y f slack [End]"
  say "set"
  say "bye"
  say "hello"
  expect "[Start] x y shared f slack [End]"
end
''')
    for title, outcome in results.items():
        assert outcome.passed, f"{title}:\n{failure_text(outcome)}"
