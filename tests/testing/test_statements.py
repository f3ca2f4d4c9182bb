"""Each test statement of SPEC §12, run through the driver on small inline bots."""

from __future__ import annotations

import pytest

from .helpers import failure_text, run_all

GREETER = '''
@moods ["Great", "Fine"]

dialog main do
  say "Hello I am CompuTron"
  say "What do you want to compute?"
end

dialog trigger: "add [number=a] and [number=b]" do
  say message.a.value + message.b.value
end

dialog trigger: "mood" do
  mood = ask "How are you?", expecting: @moods
  say "You are #{mood}"
end

dialog trigger: "amount" do
  amount = ask "How many?", expecting: input_method("int", min: 1, max: 5)
  say "Got #{amount}"
end

dialog trigger: "picture" do
  show image("https://example.com/a.jpg")
  say "There it is"
end

dialog trigger: "menu" do
  say "Pick one", quick_replies: ["Tea", "Coffee"]
end

dialog event: "ping" do
  say "pong #{event.payload.n}"
end

dialog location: [lat: 52.37, lon: 4.89], radius: 1000 do
  say "In Amsterdam"
end

dialog attachment: :image do
  say "Nice picture #{attachment.url}"
end

dialog trigger: "clock" do
  say date_format(date_now(), "{h24}:{0m}")
end

dialog trigger: "remind" do
  emit "reminder", in: "10m"
  say "Later"
end

dialog event: "reminder" do
  say "Reminder!"
end
'''


def outcomes(tmp_path, tests: str):
    return run_all(tmp_path, GREETER, tests)


def test_expect_searches_forward_and_consumes(tmp_path):
    results = outcomes(tmp_path, '''
test "skips the greeting" do
  expect "What do you want to compute?"
  expect_end
end

test "a message once read cannot be read again" do
  expect "What do you want to compute?"
  expect "Hello I am CompuTron"
end
''')
    assert results["skips the greeting"].passed
    failed = results["a message once read cannot be read again"]
    assert not failed.passed and failed.diagnostics[0].code == "B480"
    assert "every bot message so far was read" in failure_text(failed)


def test_b20_literals(tmp_path):
    results = outcomes(tmp_path, '''
test "negative and decimal numbers as quoted literals" do
  say "add -5 and -10"
  expect "'-15'"
  say "add 5.5 and 5"
  expect "'10.5'"
end
''')
    assert all(o.passed for o in results.values()), failure_text(next(iter(results.values())))


def test_expect_is_case_insensitive_bml(tmp_path):
    results = outcomes(tmp_path, '''
test "case" do
  expect "HELLO i am computron"
  expect "what do you want to (compute | calculate)"
end

test "whole message" do
  say "add 5 and 5"
  expect "[Start] 10 [End]"
end
''')
    assert all(o.passed for o in results.values())


def test_expect_not_and_expect_end(tmp_path):
    results = outcomes(tmp_path, '''
test "not said" do
  expect_not "goodbye"
  expect "CompuTron"
end

test "said" do
  expect_not "computron"
end

test "left unread" do
  expect "Hello"
  expect_end
end
''')
    assert results["not said"].passed
    assert results["said"].diagnostics[0].code == "B481"
    left = results["left unread"]
    assert left.diagnostics[0].code == "B481"
    assert "What do you want to compute?" in failure_text(left)


def test_choices_widgets_and_show(tmp_path):
    results = outcomes(tmp_path, '''
test "ask choices after its text" do
  say "mood"
  expect "How are you"
  expect buttons: ["great", "FINE"]
  expect quick_replies: ["Great", "Fine"]
end

test "say quick replies" do
  say "menu"
  expect quick_replies: ["Tea", "Coffee"]
end

test "widget" do
  say "amount"
  expect widget: "int"
  submit 7
  expect "Please give a number between 1 and 5"
  submit 3
  expect "Got 3"
  assert amount == 3
end

test "show" do
  say "picture"
  expect show: :image
  expect "There it is"
end

test "wrong choices" do
  say "mood"
  expect "How are you"
  expect buttons: ["Great"]
end

test "wrong show" do
  say "picture"
  expect show: :video
end
''')
    for title in ("ask choices after its text", "say quick replies", "widget", "show"):
        assert results[title].passed, failure_text(results[title])
    wrong = results["wrong choices"]
    assert wrong.diagnostics[0].code == "B480"
    assert '["Great", "Fine"]' in failure_text(wrong)
    assert results["wrong show"].diagnostics[0].code == "B480"


def test_submit_needs_an_open_question(tmp_path):
    results = outcomes(tmp_path, '''
test "nothing asked" do
  submit "Fine"
end
''')
    outcome = results["nothing asked"]
    assert outcome.diagnostics[0].code == "B483"
    assert outcome.diagnostics[0].span.line == 3


def test_event_location_attachment(tmp_path):
    results = outcomes(tmp_path, '''
test "event with options" do
  event "ping", n: 3
  expect "pong 3"
end

test "event with a map" do
  event "ping", %{n: 4}
  expect "pong 4"
end

test "location" do
  location [lat: 52.371, lon: 4.891]
  expect "In Amsterdam"
  assert location.lat == 52.371
end

test "attachment" do
  attachment :image, url: "https://example.com/cat.jpg"
  expect "Nice picture 'https://example.com/cat.jpg'"
end

test "bad location" do
  location "Amsterdam"
end

test "bad attachment" do
  attachment :hologram, url: "x"
end
''')
    for title in ("event with options", "event with a map", "location", "attachment"):
        assert results[title].passed, failure_text(results[title])
    assert results["bad location"].diagnostics[0].code == "B483"
    assert results["bad attachment"].diagnostics[0].code == "B483"


def test_advance_moves_the_clock_and_fires_timers(tmp_path):
    results = outcomes(tmp_path, '''
test "clock" do
  say "clock"
  expect "'10:00'"
  advance "90m"
  say "clock"
  expect "'11:30'"
end

test "before the start" do
  advance "2h"
  say "clock"
  expect "'12:00'"
end

test "timers" do
  say "remind"
  expect "Later"
  advance "9m"
  expect_end
  advance "1m"
  expect "Reminder"
end
''')
    for outcome in results.values():
        assert outcome.passed, failure_text(outcome)


def test_assert_shows_the_values(tmp_path):
    results = outcomes(tmp_path, '''
test "holds" do
  say "mood"
  say "Fine"
  assert mood == "Fine"
  assert mood.text == "Fine"
  assert answer == nil
  _count = 0
  repeat x in [1, 2, 3] do
    _count = _count + x
  end
  assert _count == 6
end

test "fails" do
  say "mood"
  say "Great"
  assert mood == "Fine"
end
''')
    assert results["holds"].passed, failure_text(results["holds"])
    failed = results["fails"]
    assert failed.diagnostics[0].code == "B482"
    assert '`mood` is "Great"' in failure_text(failed)


def test_assignments_before_the_first_statement_prepare_the_conversation(tmp_path):
    bot = '''
dialog main when user.plan == "pro" do
  say "Welcome back, pro"
end

dialog main do
  say "Welcome"
end
'''
    results = run_all(tmp_path, bot, '''
test "pro" do
  user.plan = "pro"
  expect "Welcome back pro"
end

test "default" do
  expect "Welcome"
  expect_not "pro"
end
''')
    assert all(o.passed for o in results.values())


def test_a_bot_error_fails_the_test_unless_error_handles_it(tmp_path):
    broken = '''
dialog main do
  say "ready"
end

dialog trigger: "divide" do
  say 1 / 0
end
'''
    results = run_all(tmp_path / "a", broken, 'test "t" do\n  say "divide"\n  expect "ready"\nend\n')
    outcome = results["t"]
    assert [d.code for d in outcome.diagnostics] == ["B484", "B402"]
    text = failure_text(outcome)
    assert "shop.bot:7:" in text and "shop.test.bot:2:3" in text
    handled = broken + '\ndialog __error__ do\n  say "Oops"\nend\n'
    results = run_all(tmp_path / "b", handled, 'test "t" do\n  say "divide"\n  expect "Oops"\nend\n')
    assert results["t"].passed
    assert results["t"].handled_errors[0].code == "B402"


def test_a_runtime_error_in_the_test_itself(tmp_path):
    results = outcomes(tmp_path, 'test "t" do\n  _x = 1\n  assert _x / 0 == 1\nend\n')
    outcome = results["t"]
    assert outcome.diagnostics[0].code == "B402"
    assert outcome.diagnostics[0].span.line == 3
    assert outcome.diagnostics[0].notes == ("in test `t`",)


def test_tests_are_reproducible(tmp_path):
    bot = '''
dialog main do
  random do
    say "one"
    say "two"
    say "three"
  end
  say "#{random_int(1, 1000000)}"
end
'''
    tests = 'test "a" do\n  expect_end\nend\n'
    first = run_all(tmp_path / "a", bot, tests)["a"]
    second = run_all(tmp_path / "b", bot, tests)["a"]
    assert [line.text for line in first.transcript] == [line.text for line in second.transcript]


@pytest.mark.parametrize("source", ['test "t" do\n  expect "unclosed (group"\nend\n'])
def test_a_bad_literal_pattern_is_a_compile_error(tmp_path, source):
    from bubble_lang.frontend import discover_bots
    from bubble_lang.testing.suite import load_files
    from .helpers import write_bot

    path = write_bot(tmp_path, 'dialog main do\n  say "x"\nend\n', source)
    loaded = load_files(next(iter(discover_bots(path))))
    assert loaded.bot is None
    assert loaded.diagnostics[0].span.line == 2
