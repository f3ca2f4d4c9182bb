"""`mock_extension` in conversation tests (SPEC §11–§12): what it answers, and the clear failure
of a test that mocks wrongly (a dialog that does not exist, slots that are not a map)."""

from __future__ import annotations

from pathlib import Path

from bubble_lang.frontend import discover_bots
from bubble_lang.testing.driver import TestOutcome, run_test
from bubble_lang.testing.report import render_failure
from bubble_lang.testing.suite import load_files

BOT = '''
dialog main do
  visits = 1
  say "hi"
end

dialog trigger: "look" do
  extension "lookup", server: "books"
  say "after the call: #{title}, visit #{visits + 1}"
end

dialog details do
  say "details of #{title}"
end
'''


def outcomes(tmp_path: Path, tests: str) -> dict[str, TestOutcome]:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "shop.bot").write_text(BOT, encoding="utf-8")
    (folder / "shop.test.bot").write_text(tests, encoding="utf-8")
    (folder / "bubble.toml").write_text('[extensions.books]\nurl = "http://127.0.0.1:9"\n', encoding="utf-8")
    loaded = load_files(next(iter(discover_bots(folder))))
    assert loaded.bot is not None, [d.message for d in loaded.diagnostics]
    return {entry.title: run_test(loaded.bot, entry) for entry in loaded.tests}


def test_answers_slots_and_state_are_applied_as_a_servers_would_be(tmp_path):
    results = outcomes(tmp_path, '''
test "answers and slots" do
  mock_extension "lookup", answers: ["Found it", %{text: "cover", image: "https://example.com/c.png"}], slots: %{title: "Dune", visits: "7"}
  say "look"
  expect "Found it"
  expect "cover"
  expect "after the call Dune visit 8"
  assert visits == 7
end

test "state by dialog name" do
  mock_extension "lookup", slots: %{title: "Emma"}, state: "details"
  say "look"
  expect "details of Emma"
  expect_not "after the call"
end
''')
    for title, outcome in results.items():
        assert outcome.passed, (title, render_failure(outcome))


def test_a_state_that_names_no_dialog_fails_the_test_clearly(tmp_path):
    outcome = outcomes(tmp_path, '''
test "typo" do
  mock_extension "lookup", state: "detials"
end
''')["typo"]
    assert not outcome.passed
    text = render_failure(outcome)
    assert "`state:` names no dialog: `detials`" in text and "shop.test.bot:3" in text, text


def test_slots_that_are_not_a_map_fail_the_test_clearly(tmp_path):
    outcome = outcomes(tmp_path, '''
test "list" do
  mock_extension "lookup", slots: ["title"]
end
''')["list"]
    assert not outcome.passed
    assert "`slots:` of `mock_extension` must be a map" in render_failure(outcome)


def test_a_call_nobody_mocked_fails_the_turn_like_a_server_that_is_down(tmp_path):
    outcome = outcomes(tmp_path, '''
test "unmocked" do
  say "look"
end
''')["unmocked"]
    assert not outcome.passed
    text = render_failure(outcome)
    assert "B470" in text and 'no `mock_extension "lookup"` in this test' in text, text
