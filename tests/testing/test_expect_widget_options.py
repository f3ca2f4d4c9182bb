"""`expect widget: "kind", option: value…` checks the widget's options too (SPEC §12), and options
are only allowed after `widget:`."""

from __future__ import annotations

from bubble_lang.frontend import discover_bots
from bubble_lang.testing.suite import load_files

from .helpers import failure_text, run_all, write_bot

BOT = '''
dialog main do
  drink = ask "Which drink?", expecting: input_method("single_choice", items: [%{title: "Tea", value: "tea"}, "Coffee"])
  n = ask "How many?", expecting: input_method("int", min: 1, max: 5, default: 2)
end
'''


def test_options_are_compared_with_the_widget(tmp_path):
    results = run_all(tmp_path, BOT, '''
test "right" do
  expect widget: "single_choice", items: ["tea", "Coffee"]
  submit "Tea"
  expect widget: "int", min: 1, max: 5, default: 2
end

test "wrong" do
  expect widget: "single_choice"
  submit "Tea"
  expect widget: "int", max: 20
end
''')
    assert results["right"].passed, failure_text(results["right"])
    wrong = results["wrong"]
    assert not wrong.passed
    text = failure_text(wrong)
    assert "a question with a `int` widget, max: 20" in text and "min: 1, max: 5, default: 2" in text, text


def test_widget_options_without_widget_are_an_error(tmp_path):
    path = write_bot(tmp_path, BOT, 'test "t" do\n  expect buttons: ["Tea"], min: 1\nend\n')
    loaded = load_files(next(iter(discover_bots(path))))
    messages = [d.message for d in loaded.diagnostics]
    assert "`expect` has no option `min:`" in messages, messages
