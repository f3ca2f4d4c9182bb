"""Conversations of the example catalogue (research/bubblescript-examples.md), played as an
outside tester would: the script as the documentation shows it, the user's messages, and the
bot's answers it documents. `tests/syntax/test_examples.py` only parses the scripts; these run
them. Each bot is one catalogue entry, so the ids in the test names point at the catalogue."""

from __future__ import annotations

import pytest

from .helpers import failure_text, run_all

CASES = {
    "A34 mail sends an e-mail and says nothing": ('''
dialog main do
  order = ["margherita", "cola"]
  user.email = ask "Your e-mail?", expecting: @email
  perform send_order
  tag "ordered"
end

@email entity(match: "[email]")

task send_order do
  summary = "Your order:
 - #{join(order, "\n - ")}"
  mail user.email, "Order Confirmation", summary
end
''', '''
test "A34" do
  expect "Your e-mail?"
  say "ada@example.com"
  expect_end
  expect mail: "Order Confirmation"
  assert conversation.tags == ["ordered"]
end

test "A34 the mail's body" do
  say "ada@example.com"
  expect mail: "margherita cola"
end
'''),
    "A11 once after escalates and closes": ('''
dialog main do
  say "Hi"
end

dialog __unknown__ do
  once do
    say "I don't understand"
    say "I still don't understand"
  after
    say "Sorry, I don't think this is working"
    close
  end
end

dialog __closed__ do
  say "Goodbye!"
end
''', '''
test "A11" do
  say "blah"
  expect "[Start] I don't understand [End]"
  say "blah"
  expect "I still don't understand"
  say "blah"
  expect "Sorry, I don't think this is working"
  expect "Goodbye"
  expect_end
end
'''),
    "A21 A22 inner triggers, inner unknown and returning during an ask": ('''
dialog main do
  say "Let's take your order..."
  ask "What pizza would you like to order?", quick_replies: ["Margherita", "Pepperoni", "Hawaii"], expecting: ["Margherita", "Pepperoni", "Hawaii"]
  say "We'll start preparing your #{answer}!"

  dialog trigger: "caprese", do: say "The Caprese Pizza is out of order"
  dialog trigger: "pasta", do: say "We don't serve pasta's, only pizza's"
  dialog __unknown__, do: say "Sorry, that is not on our menu..."
  dialog __returning__ do
    say "Let's continue with your order..."
  end
end
''', '''
test "A21" do
  expect "What pizza would you like to order?"
  expect quick_replies: ["Margherita", "Pepperoni", "Hawaii"]
  say "a caprese please"
  expect "The Caprese Pizza is out of order"
  expect "Let's continue with your order"
  expect "What pizza would you like to order?"
  say "sushi"
  expect "Sorry, that is not on our menu"
  expect "What pizza would you like to order?"
  say "Pepperoni"
  expect "We'll start preparing your Pepperoni"
  expect_end
end
'''),
    "A23 lists, repeat and join_and": ('''
dialog main do
  menu = ["Margherita", "Pepperoni", "Hawaii"]
  say "We serve #{length(menu)} different pizzas:"
  repeat item in menu do
    say item
  end
  ask "What pizza would you like to order?", expecting: menu
  say "We'll start preparing your #{answer}!"

  dialog __unknown__, do: say "Sorry, we only serve #{join_and(menu)}..."
end
''', '''
test "A23" do
  expect "We serve 3 different pizzas"
  expect "[Start] Margherita [End]"
  expect "[Start] Pepperoni [End]"
  expect "[Start] Hawaii [End]"
  say "Calzone"
  expect "Sorry, we only serve Margherita, Pepperoni and Hawaii"
  say "hawaii"
  expect "We'll start preparing your Hawaii"
end
'''),
    "B5 legacy trigger puts the matched part in entity": ('''
dialog main do
  say "Hi"
end

dialog trigger: "my name is #<name>" do
  say "Hi #{name}, matched: #{entity.value}"
end

dialog trigger: "stop|quit|end" do
  say "Stopping on #{entity.value}"
end

dialog trigger: "hello" do
  say "Hello, entity: #{entity.value}"
end
''', '''
test "B5" do
  say "please quit now"
  expect "Stopping on quit"
  say "my name is Ada"
  expect "Hi Ada, matched: my name is Ada"
  say "hello bot"
  expect "Hello, entity: hello"
end
'''),
    "B7 yes and no intents with branch": ('''
@yes intent(match: "yes|yep|sure|indeed", label: "Yes")
@no intent(match: "no|nope", label: "No")

dialog main do
  ask "Did you laugh?", expecting: [@yes, @no]
  branch do
    answer == @yes -> say "You laughed!"
    answer == @no -> say "Apparently you did not laugh."
  end
end
''', '''
test "B7" do
  expect "Did you laugh?"
  expect quick_replies: ["Yes", "No"]
  say "perhaps"
  expect "Did you laugh?"
  say "yep"
  expect "You laughed"
  expect_end
end
'''),
    "B9 BML string in expecting": ('''
dialog main do
  ask "When were you born?", expecting: "[time] | do not want | private"
  if answer.time do
    say "You were born on: " + answer
  else
    say "Sure, i understand that's private information."
  end
end
''', '''
test "B9 private" do
  say "I don't want to say that"
  expect "private information"
end

test "B9 a date" do
  say "March 3rd 1990"
  expect "You were born on March 3rd 1990"
end
'''),
    "B13 tasks, guards and before hooks": ('''
task calculate when user.frontend == "slack" do
  result = 1
end

task calculate do
  result = 12345
end

task before: main do
  welcome = "Good afternoon"
end

dialog main do
  say welcome
  perform calculate
  say "The result is: " + result
end
''', '''
test "B13" do
  expect "Good afternoon"
  expect "The result is: 12345"
end

test "B13 on slack" do
  user.frontend = "slack"
  expect "The result is: 1"
end
'''),
    "B15 enum tags": ('''
dialog main do
  name = ask "what is your name?"
  tag "survey:name_given"
  tag "inbox::sales"
  tag "inbox::support"
  say "Thanks #{name}"
end
''', '''
test "B15" do
  say "Ada"
  expect "Thanks Ada"
  assert conversation.tags == ["survey:name_given", "inbox::support"]
end
'''),
}


@pytest.mark.parametrize("case", list(CASES))
def test_catalogue_conversation(tmp_path, case: str) -> None:
    bot, tests = CASES[case]
    results = run_all(tmp_path, bot, tests)
    assert results
    for title, outcome in results.items():
        assert outcome.passed, f"{title}:\n{failure_text(outcome)}"
