"""Fuzzing conversations (SPEC §13): random messages, events, locations, attachments, clock moves,
Back presses and widget answers through every sample bot, in memory and on SQLite side by side.

Each input either plays (no internal error, B499, ever; no exception out of the API) or is
refused at the edge with `InputRejected` — by both conversations alike; no turn takes longer than
the turn deadline; and after every input the two conversations hold the same state (the store
changes nothing). The run keeps statistics (inputs, refusals, slowest turn); with
`BUBBLE_FUZZ_REPORT=path` they are written there as JSON. Scale with `FUZZ_SCALE=n`; the `slow`
marked test is the long run (`pytest tests/fuzz -m slow`).
"""

from __future__ import annotations

import json
import math
import os
import time
import tracemalloc
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.durable import DurableConversation
from bubble_lang.runtime.input_checks import InputRejected
from bubble_lang.storage import open_store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p.stem for p in (ROOT / "samples").glob("*.bot") if not p.name.endswith(".test.bot"))
INPUTS = ROOT / "tests" / "transcripts" / "inputs"
NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="Europe/Amsterdam")
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
STATS = {"inputs": 0, "refused": 0, "turns": 0, "slowest_turn_s": 0.0, "internal_errors": 0}

# Words the samples react to, so random conversations get somewhere.
SEEDED_LINES = sorted({line.strip() for path in INPUTS.glob("*.txt") for line in path.read_text().splitlines()
                       if line.strip() and not line.startswith("/")})
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=4),
    st.sampled_from(["", " ", "1" * 5000, "9" * 1_000_001, "\U00010d41\U00010d42", "👍🏽", "1e999", "nan", "-0",
                     "tomorrow at 25:99", "in 99999999 years", "'\"#{x}", "\u202e\u0000\x1f", "yes, no and maybe"]),
)
JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2**60, 2**60), st.floats(allow_nan=True),
                              st.text(max_size=20)),
                    lambda children: st.one_of(st.lists(children, max_size=4),
                                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
                    max_leaves=20)


def deep(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


INPUT = st.one_of(
    st.tuples(st.just("text"), st.one_of(st.sampled_from(SEEDED_LINES), ODD_TEXT)),
    st.tuples(st.just("event"), st.tuples(st.sampled_from(["status_update", "reminder", "ping", "click", "x", ""]),
                                          st.one_of(JSON, st.builds(deep, st.integers(60, 300))))),
    st.tuples(st.just("location"), st.tuples(st.one_of(st.floats(-100, 100), st.sampled_from([math.inf, math.nan])),
                                             st.floats(allow_nan=True, allow_infinity=True))),
    st.tuples(st.just("attachment"), st.tuples(st.sampled_from(["image", "video", "audio", "file", "voice", "bomb"]),
                                               st.dictionaries(st.sampled_from(["url", "name", "size"]), JSON,
                                                               max_size=3))),
    st.tuples(st.just("advance"), st.sampled_from([1, 90, 15 * 60 + 1, 3600 * 24, 1e12, -5, math.nan])),
    st.tuples(st.just("answer"), JSON),  # a control's value (AnswerInput), to whatever question is open
    st.tuples(st.just("back"), st.booleans()),  # Back in a wizard (SPEC §9), `first` or not
)


def play(conversation, kind: str, value):
    if kind == "text":
        return conversation.send_text(value)
    if kind == "event":
        return conversation.send_event(*value)
    if kind == "location":
        return conversation.send_location(*value)
    if kind == "attachment":
        return conversation.send_attachment(value[0], **value[1])
    if kind == "answer":
        return conversation.send_answer(value)
    if kind == "back":
        return conversation.back(first=value)
    return conversation.advance(value)


def outcome(conversation, kind: str, value):
    """What an input did: the outputs' text, or the code it was refused with."""
    started = time.monotonic()
    try:
        outputs = play(conversation, kind, value)
    except InputRejected as rejected:
        return ("refused", rejected.diagnostics[0].code), time.monotonic() - started
    codes = [d.code for error in conversation.last_errors for d in error.diagnostics]
    return ([(o.kind, o.text) for o in outputs], codes), time.monotonic() - started


def fuzz(sample: str, inputs, folder: Path) -> None:
    bot = load_bot(ROOT / "samples" / f"{sample}.bot")
    memory = bot.conversation("fuzz", clock=lambda: NOW, seed=3)
    store = open_store(f"sqlite://{folder / f'{sample}.sqlite'}", folder, environ={})
    try:
        durable = DurableConversation(bot, store, "fuzz", clock=lambda: NOW, seed=3)
        for kind, value in [("text", "hi"), *inputs]:
            STATS["inputs"] += 1
            first, seconds = outcome(memory, kind, value)
            second, seconds_durable = outcome(durable, kind, value)
            assert first == second, (kind, value)
            if first[0] == "refused":
                STATS["refused"] += 1
            else:
                STATS["turns"] += 1
                STATS["internal_errors"] += first[1].count("B499")
                assert "B499" not in first[1], (kind, value)
            STATS["slowest_turn_s"] = max(STATS["slowest_turn_s"], seconds, seconds_durable)
            assert max(seconds, seconds_durable) < bot.image.config.limits.turn_deadline_seconds + 5
            assert memory.state.to_plain() == durable.state.to_plain(), (kind, value)
    finally:
        store.close()


@pytest.mark.parametrize("sample", SAMPLES)
def test_random_inputs_through_every_sample(sample, tmp_path_factory):
    @settings(max_examples=8 * SCALE, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(inputs=st.lists(INPUT, min_size=1, max_size=8))
    def check(inputs):
        fuzz(sample, inputs, tmp_path_factory.mktemp("fuzz"))

    check()


@pytest.mark.slow
def test_the_long_run(tmp_path_factory):
    """`pytest tests/fuzz -m slow`: many more inputs, with the numbers for the record."""
    tracemalloc.start()

    @settings(max_examples=300 * SCALE, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(sample=st.sampled_from(SAMPLES), inputs=st.lists(INPUT, min_size=1, max_size=20))
    def check(sample, inputs):
        fuzz(sample, inputs, tmp_path_factory.mktemp("fuzz"))

    check()
    STATS["peak_traced_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    tracemalloc.stop()
    report = os.environ.get("BUBBLE_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(STATS, indent=1) + "\n", encoding="utf-8")
    assert STATS["internal_errors"] == 0
