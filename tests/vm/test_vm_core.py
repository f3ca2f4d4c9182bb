"""The VM on scripts that need neither triggers nor builtins: flow, asks, stack, errors, limits."""

from __future__ import annotations

from bubble_lang.runtime.session import SessionState




FLOW = """
dialog main do
  say "Welcome"
  invoke ask_name
  say "Bye #{name}"
end

dialog ask_name do
  name = ask "What is your name?"
  color = ask "Color?", expecting: ["Red", "Dark Blue"]
  say "#{color} (typed #{color.text})"
end
"""


def test_invoke_ask_and_literal_expecting(chat):
    c = chat(FLOW)
    assert c.start() == ["Welcome", "What is your name?"]
    assert c.say("Ann") == ["Color?"]
    assert c.say("green") == ["Color?"]  # not in the list: asked again
    assert c.say("  dark   BLUE ") == ["Dark Blue (typed   dark   BLUE )", "Bye Ann"]
    assert c.conversation.stack == []


def test_state_survives_a_round_trip_mid_ask(chat):
    c = chat(FLOW)
    c.start()
    c.say("Ann")
    plain = c.conversation.state.to_plain()
    restored = c.bot.conversation("c1")
    restored.state = SessionState.from_plain(plain)
    assert [o.text for o in restored.send_text("red")] == ["Red (typed red)", "Bye Ann"]


def test_loops_once_random_branch_tasks(chat):
    c = chat("""
dialog main do
  repeat i in [1, 2, 3, 4] do
    if i == 3 do
      break
    end
    say "i=#{i}"
  end
  perform calc
  branch total do
    3 -> say "three"
    else
      say "other"
  end
  branch do
    total > 5 -> say "big"
    total > 1 ->
      say "medium"
      say "really"
  end
  unless total == 3 do
    say "never"
  end
  invoke again
  invoke again
  invoke again
  invoke again
end

dialog again do
  once do
    say "first"
    say "second"
  after
    say "later"
  end
end

task calc do
  total = 1 + 2
end
""")
    assert c.start() == ["i=1", "i=2", "three", "medium", "really", "first", "second", "later", "later"]


def test_random_is_seeded_per_conversation(chat):
    script = 'dialog main do\n  random do\n    say "a"\n    say "b"\n    say "c"\n    say "d"\n  end\nend\n'
    first = [chat(script, seed=s).start() for s in range(8)]
    again = [chat(script, seed=s).start() for s in range(8)]
    assert first == again
    assert len({tuple(x) for x in first}) > 1


def test_root_menu_loop_and_close(chat):
    c = chat("""
dialog main do
  say "Hi"
end

dialog __root__ do
  what = ask "Anything else?"
  if what == "bye" do
    close
  end
  say "You said #{what}"
end

dialog __closed__ do
  say "Goodbye!"
end
""")
    assert c.start() == ["Hi", "Anything else?"]
    assert c.say("pizza") == ["You said pizza", "Anything else?"]
    assert c.say("bye") == ["Goodbye!"]
    assert c.conversation.state.closed
    # The next message opens a new conversation; it is not handled as an answer.
    assert c.say("hello again") == ["Hi", "Anything else?"]


def test_runtime_error_rolls_back_and_runs_error_dialog(chat):
    c = chat("""
dialog main do
  count = 0
  answer_text = ask "Number?"
  count = 1
  x = 10 / 0
  say "never"
end

dialog __error__ do
  say "Oops, that went wrong."
end
""")
    c.start()
    assert c.say("5") == ["Oops, that went wrong.", "Number?"]  # the pending question is asked again
    (error,) = c.errors
    diagnostic = error.diagnostics[0]
    assert diagnostic.code == "B402"
    assert (diagnostic.span.line, diagnostic.span.column) == (6, 10)
    assert any("dialog `main`" in note for note in diagnostic.notes)
    # Rolled back to the start of the turn: still waiting on the question, count untouched.
    assert c.conversation.state.globals["count"] == 0
    assert c.conversation.state.frames[-1].wait is not None


def test_default_error_text_without_error_dialog(chat):
    c = chat('dialog main do\n  x = "a" * 2\nend\n')
    assert c.start() == ["Sorry, something went wrong on my side."]
    assert c.errors[0].diagnostics[0].code == "B401"


def test_step_budget(chat):
    c = chat('dialog main do\n  repeat i in [1] do\n    invoke spin\n  end\nend\n\ndialog spin do\n  n = 0\n'
             '  repeat x in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] do\n    n = n + 1\n  end\n  invoke spin\nend\n')
    c.start()
    codes = {e.diagnostics[0].code for e in c.errors}
    assert codes == {"B450"}
    assert "too deep" in c.errors[0].diagnostics[0].message or "too long" in c.errors[0].diagnostics[0].message


def test_integer_limit(chat):
    c = chat('dialog main do\n  x = 9007199254740992 * 2\nend\n')
    c.start()
    assert c.errors[0].diagnostics[0].code == "B450"


def test_an_extension_without_a_configured_server_fails_clearly_and_is_rolled_back(chat):
    """A server named by an expression is checked when the call is made (a literal one at compile
    time, B108)."""
    c = chat('dialog main do\n  x = 1\n  server = "pokemon"\n  extension "search", server: server\nend\n')
    assert c.start() == ["Sorry, something went wrong on my side."]
    diagnostic = c.errors[0].diagnostics[0]
    assert diagnostic.code == "B470" and "no extension server `pokemon` is configured" in diagnostic.message
    assert diagnostic.span.line == 4
    assert c.conversation.state.globals == {}  # `x = 1` was rolled back with the turn


def test_tags_and_user_record(chat):
    c = chat("""
dialog main do
  tag "inbox::sales"
  tag "inbox::support"
  tag "vip"
  untag "vip"
  user.email = "a@b.nl"
  remember user.email
  say join(conversation.tags, ",")
end
""")
    c.start()
    assert c.conversation.state.tags == ["inbox::support"]
    assert c.conversation.state.user == {"email": "a@b.nl"}


def test_dialog_stack_variable(chat):
    c = chat('dialog main do\n  invoke inner\nend\n\ndialog inner do\n  say join(dialog.stack, " < ")\nend\n')
    assert c.start() == ["inner < main"]


def test_regex_time_budget_is_a_clear_error(chat):
    """A catastrophic trigger regex hits the per-call regex timeout: an error, never a hang."""
    c = chat('dialog main do\n  say "hi"\nend\n\ndialog trigger: "/(a|aa)+$/", do: say "matched"\n')
    c.start()
    assert c.say("a" * 40 + "b") == ["Sorry, something went wrong on my side."]
    diagnostic = c.errors[0].diagnostics[0]
    assert diagnostic.code == "B450"
    assert "regex" in diagnostic.message or "regular expression" in (diagnostic.hint or "")


def test_string_size_limit(chat):
    c = chat('dialog main do\n  text = "x"\n  repeat i in range(1, 30) do\n    text = text + text\n  end\nend\n')
    c.start()
    diagnostic = c.errors[0].diagnostics[0]
    assert diagnostic.code == "B450" and "too long" in diagnostic.message
    assert diagnostic.span.line == 4


def test_stack_depth_limit(chat):
    c = chat('dialog main do\n  invoke main\nend\n')
    c.start()
    diagnostic = c.errors[0].diagnostics[0]
    assert diagnostic.code == "B450" and "stack too deep" in diagnostic.message
    # the hundred identical frames are folded (a probe found 99 identical notes)
    assert diagnostic.notes == ("in dialog `main`", "invoked from dialog `main`", "invoked from dialog `main`",
                                "... the frame above repeated 97 more times")


def test_inner_unknown_wins_over_global(chat):
    c = chat("""
dialog main do
  ask "Pizza?", expecting: ["Hawaii"]
  say "ok"
  dialog __unknown__, do: say "Not on the menu."
end

dialog __unknown__, do: say "Global unknown."
""")
    c.start()
    assert c.say("sushi") == ["Not on the menu.", "Pizza?"]
    assert c.say("hawaii") == ["ok"]
    assert c.say("what?") == ["Global unknown."]


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


TIMERS = """
@timeout "15m"

dialog main do
  emit "reminder", text: "Time to stretch", in: "30m"
  reminder = schedule_id
  emit "never", in: "10m"
  cancel schedule_id
  reply = ask "Email?", timeout: "2m", timeout_dialog: no_email
  say "Got #{reply}"
  await event("click"), timeout: "1m"
  say "After the click or a minute"
end

dialog no_email do
  say "No problem, later then."
end

dialog event: "reminder" do
  say event.payload.text
end

dialog event: "never" do
  say "cancelled emits never fire"
end

dialog __timeout__ do
  say "(timed out)"
end

dialog __resume__ do
  say "Welcome back!"
end
"""


def test_ask_timeout_scheduled_emit_cancel_and_await_timeout(chat):
    c = chat(TIMERS)
    assert c.start() == ["Email?"]
    assert texts(c.conversation.advance(60)) == []
    # The ask times out: its timeout dialog runs, the dialog goes on with nil, then awaits.
    assert texts(c.conversation.advance(61)) == ["No problem, later then.", "Got "]
    assert texts(c.conversation.advance(60)) == ["After the click or a minute"]
    # The cancelled emit never fires; the reminder fires once, at 30 minutes.
    # The session timeout (15 minutes after the last input) fires first, then the reminder.
    assert texts(c.conversation.advance(60 * 27)) == ["(timed out)", "Time to stretch"]
    assert texts(c.conversation.advance(3600)) == []


def test_session_timeout_and_resume(chat):
    c = chat('@timeout "15m"\n\ndialog main do\n  name = ask "Name?"\n  say "Hi #{name}"\nend\n\n'
             'dialog __timeout__, do: log "timed out"\ndialog __resume__, do: say "Welcome back!"\n')
    assert c.start() == ["Name?"]  # opening the conversation arms the session timeout
    outputs = c.conversation.advance(16 * 60)
    assert [o.kind for o in outputs] == ["log"]
    # The user returns: `__resume__`, then the conversation goes on where it left off.
    assert c.say("Ann") == ["Welcome back!", "Hi Ann"]


def test_timers_survive_a_round_trip(chat):
    c = chat(TIMERS)
    c.start()
    restored = c.bot.conversation("c1", clock=c.conversation.clock)
    restored.state = SessionState.from_plain(c.conversation.state.to_plain())
    assert [o.text for o in restored.advance(121) if o.kind in ("text", "ask")] == \
        ["No problem, later then.", "Got "]


def test_list_equality_compares_answers_by_text(chat):
    c = chat('dialog main do\n  x = ask "Pizza?"\n  order = [x]\n  if order == ["Hawaii"] do\n    say "same"\n  end\nend\n')
    c.start()
    assert c.say("Hawaii") == ["same"]


def test_random_draws_do_not_depend_on_other_conversations(make_bot):
    """Constants are evaluated once per bot; that must not shift one conversation's draws."""
    bot = make_bot('@options ["a", "b", "c", "d", "e", "f"]\n@yes intent(match: "yes")\n\n'
                   'dialog main do\n  say random_item(@options)\n  say random_item(@options)\nend\n')
    first = [o.text for o in bot.conversation("x", seed=5).start()]
    again = [o.text for o in bot.conversation("y", seed=5).start()]
    assert first == again


def test_snapshot_copies_every_field_and_shares_nothing_mutable(chat):
    """The rollback copy is derived from the fields (runtime/records.py): equal, but no list or
    map shared with the original; frozen records (waits) are shared."""
    c = chat(FLOW)
    c.start()
    state = c.conversation.state
    copy = state.snapshot()
    assert copy == state
    frame, copied = state.frames[-1], copy.frames[-1]
    assert copied is not frame and copied.locals is not frame.locals and copied.stack is not frame.stack
    assert copy.globals is not state.globals and copy.frames is not state.frames and copy.history is not state.history
    assert copied.wait is frame.wait  # frozen: never changed in place


def test_unnamed_task_shows_as_kind_and_line_in_error_notes(chat):
    """An event or before task has no name: the error note names it like an unnamed dialog
    (`event@5`), never by its internal identity (`task-event:ping#0`)."""
    c = chat('task before: main do\n  x = 1\nend\n\ndialog main do\n  say "hi"\nend\n\n'
             'task event: "ping" do\n  counter = counter + 1\nend\n')
    c.start()
    c.conversation.send_event("ping")
    notes = c.errors[0].diagnostics[0].notes
    assert notes[0] == "in task `event@9`", notes


def test_a_date_with_a_fixed_offset_survives_a_round_trip_mid_ask(chat):
    """`date_parse` of a text with an offset gives a fixed `+01:00` zone, which is no zone name:
    reading such a state back failed, and a stored conversation was set aside (B564)."""
    c = chat('dialog main do\n  moment = date_parse("2024-03-06T18:00:00+01:00")\n'
             '  utc = date_parse("2024-03-06T18:00:00Z")\n  ask "More?"\n'
             '  say date_format(moment, "{h24}:{0m}") + " " + date_format(utc, "{h24}:{0m}")\nend\n')
    c.start()
    restored = c.bot.conversation("c1")
    restored.state = SessionState.from_plain(c.conversation.state.to_plain())
    assert [o.text for o in restored.send_text("yes")] == ["18:00 18:00"]
    assert restored.state.globals["moment"] == c.conversation.state.globals["moment"]


def test_the_conversations_timezone_and_locale_are_the_users_once_set(chat):
    """`user.timezone`/`user.locale` changed translations only: `date_now` stayed in the bot's
    zone and `date_format` in its language. An unknown zone name falls back to the bot's."""
    c = chat('dialog main do\n  user.timezone = "Europe/Amsterdam"\n  user.locale = "nl"\n'
             '  say date_format(date_now(), "{h24}:{0m} {Zname} {WDfull} {Mfull}")\n'
             '  ask "When?", expecting: input_method("datetime")\n  say date_format(answer, "{h24}:{0m} {Zname}")\n'
             '  user.timezone = "Mars/Olympus"\n  say date_format(date_now(), "{h24}:{0m} {Zname}")\nend\n')
    assert [o.text for o in c.conversation.start()][0] == "10:00 Europe/Amsterdam dinsdag maart"  # NOW is 9:00 UTC
    assert [o.text for o in c.conversation.send_text("tomorrow at 18:00")] == [
        "18:00 Europe/Amsterdam", "9:00 UTC"]


def test_an_intent_that_answers_an_ask_is_on_message_too(chat):
    """Reference §8.1: the matched intent is `message.intent`; after an `ask … expecting:
    [@yes, @no]` only `answer.intent` had it. BML captures of the answer likewise."""
    c = chat('@yes intent(match: "yes|yep|sure", label: "Yes")\n@no intent(match: "no|nope", label: "No")\n'
             'dialog main do\n  ask "Continue?", expecting: [@yes, @no]\n'
             '  say "#{message.intent == @yes} #{answer.intent == @yes} #{message}"\n'
             '  ask "How many?", expecting: "[number=n] pizzas"\n  say "n=#{message.n}"\nend\n')
    c.conversation.start()
    assert [o.text for o in c.conversation.send_text("yep")] == ["true true yep", "How many?"]
    assert [o.text for o in c.conversation.send_text("3 pizzas")] == ["n=3"]


def test_a_map_without_a_title_in_expecting_is_an_error_not_an_empty_button(chat):
    c = chat('dialog main do\n  fruits = %{a: "Apple"}\n  ask "Which?", expecting: fruits\n  say "#{answer}"\nend\n')
    outputs = c.conversation.start()
    assert not any(o.kind == "ask" for o in outputs)  # no question with a button that nothing answers
    assert "needs a `title:`" in c.errors[0].diagnostics[0].message


def test_nil_in_arithmetic_says_the_variable_was_never_set(chat):
    """The reference's `task event: "ping" do counter = counter + 1 end` fails on the first event;
    the hint said to convert with number(x), which does not help."""
    c = chat('dialog main do\n  counter = counter + 1\nend\n')
    c.conversation.start()
    found = c.errors[0].diagnostics[0]
    assert found.message == "cannot use `+` on nil and integer" and "never set reads as `nil`" in found.hint
    assert "(counter || 0) + 1" in found.hint


def test_entity_captures_count_as_their_value_in_arithmetic_and_comparison(chat):
    """Reference §4.3: a capture's `.value` is the normalised value. `message.a + message.b` for
    "add five and 5" gave "five5"; `message.number == 3` was false and `>` an error."""
    c = chat('dialog main do\n  say "ready"\nend\n\ndialog trigger: "add [number=a] and [number=b]" do\n'
             '  say "#{message.a + message.b} #{message.a * 2} #{message.a} #{"x" + message.a}"\nend\n\n'
             'dialog trigger: "how many [number]" do\n'
             '  say "#{message.number + 1} #{message.number == 3} #{message.number > 2} #{message.number == "3"}"\nend\n')
    c.conversation.start()
    assert [o.text for o in c.conversation.send_text("add five and 5")] == ["10 10 five xfive"]
    assert [o.text for o in c.conversation.send_text("how many 3")] == ["4 true true true"]
