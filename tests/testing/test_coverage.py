"""Coverage: the instrumented copy behaves exactly like the bot, and counts what ran."""

from __future__ import annotations

import pytest

from bubble_lang.opcodes import Op
from bubble_lang.testing.coverage import instrument_bot, instrument_code, measure
from bubble_lang.testing.driver import run_test
from bubble_lang.testing.suite import load_bots

from .helpers import ROOT, run_all, write_bot

SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.bot") if not p.name.endswith(".test.bot"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_instrumented_samples_behave_the_same(sample):
    [loaded], _ = load_bots([sample])
    assert loaded.bot is not None
    covered = instrument_bot(loaded.bot, loaded.name)
    for entry in loaded.tests:
        plain = run_test(loaded.bot, entry)
        recorded = run_test(covered.bot, entry, recorder=covered.recorder)
        assert plain.passed == recorded.passed
        assert [line.text for line in plain.transcript] == [line.text for line in recorded.transcript]


LOOPS = '''
dialog main do
  _total = 0
  repeat x in [1, 2, 3, 4] do
    if x == 3 do
      break
    end
    _total = _total + x
  end
  once do
    say "first"
    say "second"
  after
    say "later"
  end
  random do
    say "a"
    say "b"
  end
  branch _total do
    3 -> say "three"
    4 -> say "four"
  else
    say "other"
  end
  unless _total == 3 do
    say "never"
  end
end

dialog trigger: "again" do
  invoke main
end
'''


def test_jumps_loops_and_tables_are_relocated(tmp_path):
    results = run_all(tmp_path, LOOPS, '''test "t" do
  expect "first"
  expect "three"
  expect_end
  say "again"
  expect "second"
  expect "three"
  say "again"
  expect "later"
end
''')
    assert results["t"].passed
    [loaded], _ = load_bots([tmp_path / "shop.bot"])
    covered = instrument_bot(loaded.bot, "shop")
    outcome = run_test(covered.bot, loaded.tests[0], recorder=covered.recorder)
    assert outcome.passed
    report = measure(covered)
    # `if x == 3`: both outcomes; arm `3 ->`: true only (the total is always 3); arm `4 ->`: never
    # tried; `unless`: its condition is never true. 2 + 1 + 0 + 1 of 8.
    assert report.kinds["branches"].total == 8
    assert report.kinds["branches"].covered == 4
    assert report.kinds["dialogs"].covered == 2 and report.kinds["triggers"].covered == 1


def test_instrument_code_puts_a_probe_on_both_edges(tmp_path):
    [loaded], _ = load_bots([write_bot(tmp_path, 'dialog main do\n  if x do\n    say "y"\n  end\nend\n', "")])
    code = next(c for c in loaded.bot.image.codes.values() if c.kind == "dialog")
    instrumented, sites = instrument_code(code)
    assert len(sites) == 1 and sites[0].line == 2
    jump = instrumented.ops.index(int(Op.JUMP_IF_FALSE))
    assert instrumented.ops[jump + 1] == int(Op.COVER)
    trampoline = instrumented.args[jump]
    assert instrumented.ops[trampoline:trampoline + 2] == (int(Op.COVER), int(Op.JUMP))
    assert len(instrumented.ops) == len(code.ops) + 3


def test_asks_count_only_when_answered(tmp_path):
    bot = '''
dialog main do
  ask "Name?"
  ask "Colour?", expecting: ["red"]
end
'''
    [loaded], _ = load_bots([write_bot(tmp_path, bot, 'test "t" do\n  say "Ada"\n  say "blue"\nend\n')])
    covered = instrument_bot(loaded.bot, "shop")
    run_test(covered.bot, loaded.tests[0], recorder=covered.recorder)
    asks = measure(covered).kinds["asks"]
    assert (asks.covered, asks.total) == (1, 2)
    assert asks.missed[0].endswith("ask in dialog `main`") and ":4:3 " in asks.missed[0]
