"""The user record of a stored conversation holds any bubble value a script puts there.

Found by running the training course's e-mail example (examples catalogue A32) with a store:
`user.email = answer.email` put an entity capture into the record, and committing the turn was
an internal error ("Object of type Captured is not JSON serializable")."""

from __future__ import annotations

from bubble_lang.engine.durable import DurableConversation

BOT = '''
@email entity(match: "[email]")

dialog main do
  ask "What is your email address?", expecting: @email
  user.email = answer.email
  remember user.email
  user.when = date_parse("2024-03-06T18:00:00Z")
  user.level = :gold
  remember user.when
  ask "Anything else?"
  say "#{user.email} #{user.email.value} #{date_format(user.when, "{D} {Mfull}")} #{user.level}"
end
'''


def texts(outputs) -> list[str]:
    return [o.text for o in outputs if o.kind in ("text", "ask")]


def test_captures_dates_and_atoms_in_the_user_record_are_stored_and_read_back(make_bot, store):
    bot = make_bot(BOT)
    conversation = DurableConversation(bot, store, "c", user_id="ada")
    assert texts(conversation.start()) == ["What is your email address?"]
    assert texts(conversation.send_text("it is ada@example.com")) == ["Anything else?"]
    assert conversation.last_errors == ()
    again = DurableConversation(bot, store, "c", user_id="ada")  # read back from the store
    assert texts(again.send_text("no")) == ["ada@example.com ada@example.com 6 March gold"]
