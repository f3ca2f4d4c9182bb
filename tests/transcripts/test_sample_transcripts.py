"""Every sample bot, played through `bubble run`'s piped mode with a fixed clock and seed.

The inputs are in `inputs/<sample>.txt` (one user line each; `/event`, `/location` and
`/attachment` lines are terminal commands). The transcript (stdout) and the script errors (stderr)
are snapshot-tested; read the snapshot diffs when a behaviour changes on purpose.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

from bubble_lang.cli.piped import run_piped
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.storage import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
INPUTS = Path(__file__).resolve().parent / "inputs"
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")
SAMPLES = sorted(p.stem for p in INPUTS.glob("*.txt"))


def transcript(sample: str) -> str:
    bot = load_bot(ROOT / "samples" / f"{sample}.bot")
    runner = Runner(bot, MemoryStore(), clock=lambda: NOW)
    runner.seed("transcript", 1)
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO((INPUTS / f"{sample}.txt").read_text(encoding="utf-8"))
    asyncio.run(run_piped(runner, "transcript", stdin, out, err, fast=True))
    text = out.getvalue()
    if err.getvalue():
        text += "--- stderr ---\n" + err.getvalue()
    return text.replace(str(ROOT) + "/", "")


def test_every_sample_has_an_input_script():
    samples = {p.stem for p in (ROOT / "samples").glob("*.bot") if not p.name.endswith(".test.bot")}
    assert samples == set(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES)
def test_transcript(sample: str, snapshot):
    assert transcript(sample) == snapshot


def test_the_seed_color_example_word_for_word():
    """The original documentation's special-dialogs example: `__unknown__`, then `__returning__`,
    then the question again."""
    lines = [line for line in transcript("color").splitlines() if not line.startswith("  [")]
    assert lines == ["Choose a color", "> blue", "That is not right.", "Back to the subject.", "Choose a color",
                     "> red"]


def test_piped_process(tmp_path):
    """`printf '…' | bubble run samples/pizza.bot` as a real process."""
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--store", "memory", "samples/pizza.bot"],
                            input="hi\nsushi\npepperoni\n2\nyes\n", capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    replies = [line for line in result.stdout.splitlines() if not line.startswith(("  [", "> ", "("))]
    assert replies == [
        "Welcome to Pizza Bot! Which pizza would you like? We have margherita, pepperoni, hawaii.",
        "Sorry, 'sushi' is not on the menu. Please choose margherita, pepperoni or hawaii.",
        "How many pepperoni pizzas?",
        "So that is 2 x pepperoni. Shall I place the order? (yes/no)",
        "Your order is placed. Goodbye!",
    ]


def test_quick_reply_by_number(tmp_path):
    """A number picks the n-th offered choice; after a question without choices it is plain text."""
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--store", "memory", "samples/pizza.bot"],
                            input="hi\n2\n2\n1\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "How many pepperoni pizzas?" in result.stdout
    assert "So that is 2 x pepperoni." in result.stdout
    assert "Your order is placed. Goodbye!" in result.stdout


def test_an_event_payload_with_a_huge_integer_is_a_note_not_an_internal_error(tmp_path):
    """Python's JSON reader refuses integers of over 4,300 digits with a ValueError that is not a
    JSONDecodeError: `bubble run` stopped with "internal error" and the next line was never played."""
    bot = tmp_path / "ev.bot"
    bot.write_text('dialog main do\n  say "ready"\nend\n\ndialog event: "e" do\n  say "got #{event.payload}"\nend\n\n'
                   'dialog trigger: "hi" do\n  say "hello"\nend\n')
    runner = Runner(load_bot(bot), MemoryStore(), clock=lambda: NOW)
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO('/event e {"a": ' + "1" * 4400 + '}\nhi\n')
    asyncio.run(run_piped(runner, "c", stdin, out, err, fast=True))
    assert "number too large to read" in out.getvalue() + err.getvalue()
    assert out.getvalue().rstrip().endswith("hello")
