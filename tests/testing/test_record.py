"""Property: a test recorded from a conversation replays green (same clock, same seed, same bot)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.frontend import BotFiles
from bubble_lang.testing.record import literal_pattern, record_test, string_literal
from bubble_lang.testing.report import render_failure
from bubble_lang.testing.driver import run_test
from bubble_lang.testing.suite import load_files

from .helpers import ROOT

INPUTS = ROOT / "tests" / "transcripts" / "inputs"
SAMPLES = ("pizza", "calculator", "bml", "restaurant", "guards", "color", "widgets", "features", "tasks")
BOTS = {name: load_files(BotFiles(root=ROOT / "samples", scripts=(ROOT / "samples" / f"{name}.bot",))).bot
        for name in SAMPLES}
PHRASES = {name: [line for line in (INPUTS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.startswith("/")] for name in SAMPLES}
# Text with everything that needs escaping in a test file or in a BML literal.
FREE_TEXT = st.text(alphabet=st.sampled_from(list("abcxyz AZ019-.,!?'\"#{}()[]|_<>/\\:;@$%…é")), max_size=20)


def replay(bot_name: str, source: str):
    with tempfile.TemporaryDirectory() as folder:
        test_file = Path(folder) / "recorded.test.bot"
        test_file.write_text(source, encoding="utf-8")
        loaded = load_files(BotFiles(root=Path(folder), scripts=(ROOT / "samples" / f"{bot_name}.bot", test_file)))
        assert loaded.bot is not None, [d.message for d in loaded.diagnostics]
        return run_test(loaded.bot, loaded.bot.image.tests[-1])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_recorded_conversation_replays_green(data):
    name = data.draw(st.sampled_from(SAMPLES), label="bot")
    message = st.one_of(st.sampled_from(PHRASES[name]), FREE_TEXT)
    inputs = data.draw(st.lists(message, max_size=6), label="inputs")
    source = record_test(BOTS[name], inputs)
    outcome = replay(name, source)
    assert outcome.passed, source + "\n" + render_failure(outcome)


@given(FREE_TEXT)
def test_string_literal_round_trips_through_the_parser(text):
    from bubble_lang import nodes as n
    from bubble_lang.build import parse_script
    from bubble_lang.source import SourceFile

    script = parse_script(SourceFile("x.bot", f"@x {string_literal(text)}\n"))
    value = script.decls[0].value
    assert isinstance(value, n.Str) and value.literal == text


def test_literal_patterns():
    assert literal_pattern("Hello, Ada!") == "'Hello, Ada!'"
    assert literal_pattern("I'm here") == "'I' \"'\" 'm here'"
    assert literal_pattern('Say "help"') == "'Say' '\"' 'help' '\"'"
    assert literal_pattern("wait …") == "'wait' _"
    assert literal_pattern("") == ""


def test_a_backslash_in_a_message_is_spelt_out_and_replays():
    # Found by the property above: `'\'` left the literal open (the backslash escaped its quote).
    assert literal_pattern("a \\ b") == "'a \\\\ b'"
    outcome = replay("pizza", record_test(BOTS["pizza"], ["hi", "\\"]))
    assert outcome.passed, render_failure(outcome)
