"""The wizard test statements (SPEC §9, §12): `back` presses Back, `expect step: "Title"` checks
the step the bot showed last; a miss is a B480 failure with the step that was shown."""

from __future__ import annotations

from pathlib import Path

from .helpers import failure_text, run_all

WIZARD = '''
dialog main do
  step "Name"
  name = ask "Your name?"
  step "City"
  city = ask "Your city?"
  step "Done", final: true
  say "Bye #{name}"
end
'''

TESTS = '''
test "back and expect step" do
  expect step: "Name"
  say "ada"
  expect step: "city"
  back
  expect step: "Name"
  expect "Your name?"
  assert name == nil
  say "bob"
  say "Oslo"
  expect step: "Done"
  expect "Bye bob"
  back
  expect "There is no step to go back to"
end

test "back first" do
  say "ada"
  back first: true
  expect step: "Name"
end

test "a wrong step fails" do
  say "ada"
  expect step: "Name"
end

test "no step yet" do
  expect step: "Name"
end
'''


def test_back_and_expect_step(tmp_path: Path) -> None:
    outcomes = run_all(tmp_path, WIZARD, TESTS)
    assert outcomes["back and expect step"].passed, failure_text(outcomes["back and expect step"])
    assert outcomes["back first"].passed, failure_text(outcomes["back first"])
    wrong = outcomes["a wrong step fails"]
    assert not wrong.passed
    text = failure_text(wrong)
    assert "error[B480]: the bot is not at the expected wizard step" in text
    assert 'expected: step "Name"' in text and "actual:   Step 2 of 3 — City" in text


def test_expect_step_before_any_step_fails_at_once_nothing_crashes(tmp_path: Path) -> None:
    bot = 'dialog main do\n  say "hi"\nend\n'
    outcomes = run_all(tmp_path, bot, 'test "t" do\n  expect step: "Name"\nend\n\ntest "b" do\n  back\n  expect "no step"\nend\n')
    assert "actual:   no step shown yet" in failure_text(outcomes["t"])
    assert outcomes["b"].passed, failure_text(outcomes["b"])


def test_back_is_a_test_statement_only(tmp_path: Path) -> None:
    from bubble_lang.frontend import check_bot, discover_bots

    (tmp_path / "b.bot").write_text('dialog main do\n  back\nend\n', encoding="utf-8")
    check = check_bot(next(iter(discover_bots(tmp_path / "b.bot"))), lint=False)
    assert not check.ok
    assert any("back" in d.message for d in check.diagnostics)
