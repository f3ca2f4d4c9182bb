"""The samples' conversation tests, run the two ways a user runs them: `bubble test` and pytest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import entry_points

from .helpers import ROOT

SAMPLES = ROOT / "samples"
# The sample bots: single files, and folders with a bubble.toml (a bot with extension servers).
FILE_BOTS = sorted(p for p in SAMPLES.glob("*.bot") if not p.name.endswith(".test.bot"))
FOLDER_BOTS = sorted(p.parent for p in SAMPLES.glob("*/bubble.toml"))

# The four CompuTron tests of the Bubblescript testing documentation (catalogue B20), word for word.
B20 = '''test "the bot greets us with its name" do
  expect "Hello I am CompuTron"
  expect "What do you want to compute"
end

test "adding two numbers" do
  expect "What do you want to compute?"
  say "add 5 and 5"
  expect "10"

  # addition of negative numbers
  say "add -5 and -10"
  expect "'-15'"

  say "add 5.5 and 5"
  expect "'10.5'"
end

test "subtracting two numbers" do
  expect "What do you want to compute?"
  say "subtract 5 of 50"
  expect "45"

  say "subtract 100 of 50"
  expect "'-50'"

  # test if we can subtract negative numbers
  say "subtract -50 of 50"
  expect "100"
end

test "not yet trained" do
  expect "What do you want to compute?"
  say "multiply 4 with 2"
  expect "not trained"
end
'''


def plugin_args() -> list[str]:
    """`-p` the plugin unless an installed bubble registers it already (twice is an error)."""
    installed = any(ep.value == "bubble_lang.testing.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "bubble_lang.testing.pytest_plugin"]


def test_every_sample_bot_has_tests():
    bots = {p.name[: -len(".bot")] for p in FILE_BOTS}
    tested = {p.name[: -len(".test.bot")] for p in SAMPLES.glob("*.test.bot")}
    assert bots == tested
    assert FOLDER_BOTS and all(list(folder.glob("*.test.bot")) for folder in FOLDER_BOTS)


def test_the_b20_tests_are_in_the_calculator_tests_word_for_word():
    assert B20 in (SAMPLES / "calculator.test.bot").read_text(encoding="utf-8")


def test_bubble_test_samples_passes_with_enough_coverage():
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "test", "samples/", "--coverage-json", "-",
                             "--fail-under", "90"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total"]["dialogs"]["percent"] >= 90
    assert {bot["bot"] for bot in report["bots"]} == {f"samples/{p.name}" for p in (*FILE_BOTS, *FOLDER_BOTS)}
    assert not re.search(r"\d+ failed|FAILED", result.stderr)
    assert "Traceback" not in result.stderr


def test_pytest_collects_and_passes_the_sample_tests(tmp_path):
    junit = tmp_path / "report.xml"
    result = subprocess.run([sys.executable, "-m", "pytest", *plugin_args(), "samples/", "-p", "no:cacheprovider",
                             f"--junitxml={junit}"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    count = sum(len(re.findall(r'(?m)^test "', p.read_text(encoding="utf-8"))) for p in SAMPLES.rglob("*.test.bot"))
    assert f"{count} passed" in result.stdout
    xml = junit.read_text(encoding="utf-8")
    assert 'name="adding two numbers"' in xml and 'classname="samples.calculator.test.bot"' in xml
