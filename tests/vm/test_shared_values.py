"""Writing into `user.a.b` never changes a map someone else holds: `user.prefs = @menu` then
`user.prefs.extra = …` used to write into the constant itself, so every other conversation of
the bot saw the change (found while checking whether constants can ever change)."""

from __future__ import annotations

BOT = '''
@menu %{size: "large"}

dialog main do
  user.prefs = @menu
  user.prefs.extra = "cheese"
  user.a.b.c = 1
  say "#{@menu}"
end

dialog trigger: "show" do
  say "#{@menu} #{user.prefs}"
end
'''


def test_a_constant_is_not_changed_through_a_user_field(chat):
    first = chat(BOT)
    assert first.start() == ['%{size: large}']
    assert first.say("show") == ['%{size: large} %{size: large, extra: cheese}']
    other = first.bot.conversation("c2")
    assert [o.text for o in other.start()] == ['%{size: large}']
    assert first.conversation.state.user["a"] == {"b": {"c": 1}}
