"""`@name` in a pattern matches the phrases of the bot's constant (SPEC §7b): a list of texts, a
path into a map, choice items, or an intent made of plain alternatives; the phrase is captured
under the concept's name. Before this, `@name` never matched at run time."""

from __future__ import annotations

BOT = '''
@fruits ["apple", "banana split", "cherry"]
@menu %{desserts: ["tiramisu", "panna cotta"]}
@drinks [%{title: "Espresso", value: "espresso"}, %{title: "Flat white", value: "flat_white"}]
@yes intent(match: "yes | yeah | sure thing")

dialog main do
  say "hi"
end

dialog trigger: "i like @fruits" do
  say "fruit: #{message.fruits}"
end

dialog trigger: "dessert @menu.desserts[=choice]" do
  say "dessert: #{message.choice}"
end

dialog trigger: "a @drinks please" do
  say "drink: #{message.drinks}"
end

dialog trigger: "@yes go" do
  say "going"
end

dialog __unknown__ do
  say "?"
end
'''


def test_a_list_of_texts_is_a_concept_and_the_phrase_is_captured(chat):
    bot = chat(BOT)
    bot.start()
    assert bot.say("I like Banana Split!") == ["fruit: Banana Split"]
    assert bot.say("i like cherry") == ["fruit: cherry"]
    assert bot.say("i like kiwi") == ["?"]


def test_a_path_into_a_map_and_choice_items(chat):
    bot = chat(BOT)
    bot.start()
    assert bot.say("dessert panna cotta") == ["dessert: panna cotta"]
    assert bot.say("a flat white please") == ["drink: flat white"]


def test_an_intent_of_plain_alternatives(chat):
    bot = chat(BOT)
    bot.start()
    assert bot.say("sure thing go") == ["going"]
    assert bot.say("yeah go") == ["going"]
    assert bot.say("nope go") == ["?"]
