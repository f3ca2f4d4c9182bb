"""The resolver and the checks never raise: any script that builds gives a Program and diagnostics.

Inputs are the sample bots and the case files with lines dropped, duplicated and swapped, which
produces unknown names, misplaced statements, broken headers and odd control flow.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.build import parse_script
from bubble_lang.checks import run_checks
from bubble_lang.diagnostics import BubbleError
from bubble_lang.resolve import resolve_bot
from bubble_lang.source import SourceFile

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p.read_text(encoding="utf-8").splitlines()
           for p in sorted([*ROOT.glob("samples/*.bot"), *(ROOT / "tests/resolve/errors").glob("*.bot")])]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "swap"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_resolve_never_raises(text: str) -> None:
    try:
        script = parse_script(SourceFile("fuzz.bot", text))
    except BubbleError:
        return
    program = resolve_bot([script])
    for diagnostic in [*program.diagnostics, *run_checks(program)]:
        assert diagnostic.span is not None
        assert diagnostic.message and not diagnostic.message.endswith(".")
