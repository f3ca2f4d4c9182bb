"""Fuzzing scripts end to end (SPEC §13): mutated sample bots through lint, link and a few turns.

The front end alone is fuzzed in `tests/syntax/test_fuzz.py`; here a mutant that gets through it
is also linked (constants and triggers evaluated) and played with a few messages. Every step either
works or reports `BubbleError` diagnostics with known codes — never another exception, never an
internal error (B499), never a hang. Scale with `FUZZ_SCALE=n`.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.codes import CODES
from bubble_lang.diagnostics import BubbleError
from bubble_lang.engine.bot import load_bot
from bubble_lang.frontend import check_bot, discover_bots
from bubble_lang.runtime.input_checks import InputRejected

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.bot") if not p.name.endswith(".test.bot"))
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")
# Fragments that stress the limits when they land inside a dialog body.
HOSTILE = [
    "x = [x, x]", "repeat i in range(1, 100000) do\n  y = [y, i]\nend", "z = 1.0e308 * 10", 'say "#{range(1, 90000)}"',
    "invoke main", "goto main", "w = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]"
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "emit \"x\", in: \"99999999d\"", "await event(\"x\"), timeout: 0",
    'ask "q?", expecting: input_method("int", min: 1.0e308)', "v = 9007199254740992 + 1", "close",
    'say length("#{[1, 2, 3]}")', 'u = split("a,b", "")', "n = date_add(date_now(), 99999999, :years)",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        at = rng.randrange(len(lines) + 1)
        if choice < 0.35:
            indent = re.match(r"\s*", lines[min(at, len(lines) - 1)]).group() if lines else ""
            lines.insert(at, indent + rng.choice(HOSTILE).replace("\n", "\n" + indent))
        elif choice < 0.55 and lines:
            del lines[min(at, len(lines) - 1)]
        elif choice < 0.75 and lines:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif lines:
            line = lines[min(at, len(lines) - 1)]
            cut = rng.randrange(len(line) + 1)
            lines[min(at, len(lines) - 1)] = line[:cut] + rng.choice(["", "(", "]", '"', "#{", " do", " end", "1/0"]) \
                + line[cut:]
    return "\n".join(lines) + "\n"


def known(error: BubbleError) -> None:
    assert error.diagnostics and all(d.code in CODES for d in error.diagnostics), error.diagnostics


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
@given(sample=st.sampled_from(SAMPLES), seed=st.integers(0, 2**32))
def test_mutated_bots_lint_link_and_play_without_internal_errors(tmp_path, sample, seed):
    rng = random.Random(seed)
    path = tmp_path / f"m{seed}" / sample.name
    path.parent.mkdir(exist_ok=True)
    path.write_text(mutate(sample.read_text(encoding="utf-8"), rng), encoding="utf-8")
    linted = check_bot(next(iter(discover_bots(path))), lint=True)  # lint reports, never raises
    assert all(d.code in CODES for d in linted.diagnostics)
    try:
        bot = load_bot(path)
    except BubbleError as error:
        known(error)
        return
    conversation = bot.conversation("fuzz", clock=lambda: NOW, seed=1)
    for text in ["hi", "order", "2", "yes", "help", "x" * 300]:
        try:
            conversation.send_text(text)
        except InputRejected:  # pragma: no cover - texts are always playable
            pytest.fail("a message was refused")
        for error in conversation.last_errors:
            known(error)
            assert all(d.code != "B499" for d in error.diagnostics), error.diagnostics[0].message
