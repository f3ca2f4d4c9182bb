"""What answers an `ask … expecting:` beyond texts and widgets, as the original documents it:
an intent's `label:` (shown as a quick reply, so tapping it must answer), numbers as written, and
media expectations (`:image`, `:location`, …) answered by sending that kind of media."""

from __future__ import annotations

import pytest

from bubble_lang.engine.bot import load_bot

from .helpers import failure_text, run_all

CASES = {
    "an intent's label answers with the intent": ('''
@about intent(match: "about _ (restaurant | sienna)", label: "About us")
@menu intent(match: "menu|food", label: "The menu")

dialog main do
  ask "What do you want?", expecting: [@about, @menu]
  if answer == @about do
    say "We are Sienna"
  else
    say "Pizza"
  end
end
''', '''
test "tapping the label" do
  expect quick_replies: ["About us", "The menu"]
  say "About us"
  expect "We are Sienna"
end

test "the label without case" do
  say "the MENU"
  expect "Pizza"
end

test "the patterns still match" do
  say "tell me about sienna"
  expect "We are Sienna"
end

test "something else is asked again" do
  say "weather"
  expect "What do you want?"
  expect "What do you want?"
end
'''),
    "an intent constant's id is its name": ('''
@yes intent(match: "yes|yep", label: "Yes")

dialog trigger: @yes do
  say "intent #{message.intent.id} labelled #{message.intent.label}"
end

dialog main do
  ask "Sure?", expecting: [@yes]
  say "answered #{answer.intent.id}"
end
''', '''
test "ids" do
  say "yep"
  expect "answered yes"
  say "yes"
  expect "intent yes labelled Yes"
end
'''),
    "numbers in expecting are the answer as written": ('''
dialog main do
  n = ask "Pick a number", expecting: [1, 2, 3]
  if n == 2 do
    say "two it is"
  end
  say "#{n + 10}"
end
''', '''
test "a number" do
  say "2"
  expect "two it is"
  expect "12"
end

test "not one of them" do
  say "7"
  expect "Pick a number"
  say "3"
  expect "13"
end
'''),
    "media expectations": ('''
dialog main do
  ask "Send a selfie", expecting: :image
  say "Thanks for the #{answer.type} #{answer.name}"
  ask "Where are you?", expecting: :location
  say "You are at #{answer.lat}"
  ask "Any file or a video", expecting: [:file, :video]
  say "got #{answer.type}"
end

dialog attachment: :video do
  say "A video, how nice"
end
''', '''
test "each kind answers its question" do
  expect "Send a selfie"
  say "no"
  expect "Send a selfie"
  attachment :video, url: "https://x.test/a.mp4"
  expect "A video, how nice"
  attachment :image, url: "https://x.test/a.png", name: "me"
  expect "Thanks for the image me"
  say "Amsterdam"
  expect "Where are you?"
  location [lat: 52.37, lon: 4.89]
  expect "You are at '52.37'"
  attachment :audio, url: "https://x.test/a.mp3"
  expect "got audio"
end
'''),
}


@pytest.mark.parametrize("case", list(CASES))
def test_expecting_conversation(tmp_path, case: str) -> None:
    bot, tests = CASES[case]
    results = run_all(tmp_path, bot, tests)
    assert results
    for title, outcome in results.items():
        assert outcome.passed, f"{title}:\n{failure_text(outcome)}"


def test_a_media_question_tells_channels_what_it_waits_for(tmp_path):
    path = tmp_path / "media.bot"
    path.write_text('dialog main do\n  ask "Photo or place?", expecting: [:image, :location]\nend\n')
    bot = load_bot(path)
    conversation = bot.conversation("c1")
    (question,) = [output for output in conversation.start() if output.kind == "ask"]
    assert question.data["media"] == ["image", "location"]
    assert "choices" not in question.data  # no buttons named ":image"
