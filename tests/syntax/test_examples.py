"""Real scripts parse: complete fenced examples from the research notes, and every `samples/*.bot`.

A fenced block counts as a complete script when a line starts (at its own indentation) with
`dialog`, `task` or `test`. The old `buttons "…" do "label" -> open "url" … end` template of
research/bubblescript-reference.md §5.4 is a fragment (no dialog around it) and is not in the
SPEC, so it is not collected.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bubble_lang.build import parse_script
from bubble_lang.nodes import Script
from bubble_lang.source import SourceFile

ROOT = Path(__file__).parents[2]
RESEARCH = Path("/work/shared/research")
NOTES = ("bubblescript-examples.md", "bubblescript-reference.md")
FENCE = re.compile(r"^(?P<indent>[ \t]*)```[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)
TOP_LEVEL = re.compile(r"^(dialog|task|test)\b", re.M)


def fenced_blocks() -> list[tuple[str, int, str]]:
    blocks = []
    for name in NOTES:
        path = RESEARCH / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            body = textwrap.dedent(match["body"])
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((name, line, body))
    return blocks


BLOCKS = fenced_blocks()
COMPLETE = [(name, line, body) for name, line, body in BLOCKS if TOP_LEVEL.search(body)]
SAMPLES = sorted((ROOT / "samples").glob("*.bot"))


def test_the_notes_were_found() -> None:
    if not BLOCKS:
        pytest.skip("research notes are not available on this machine")
    assert COMPLETE, "no complete script among the fenced blocks"


def test_the_buttons_fragment_is_the_only_skipped_block() -> None:
    skipped = [body for _, _, body in BLOCKS if not TOP_LEVEL.search(body)]
    for body in skipped:
        assert body.lstrip().startswith("buttons "), body


@pytest.mark.parametrize(("name", "line", "body"), COMPLETE, ids=[f"{n}:{line}" for n, line, _ in COMPLETE])
def test_fenced_example_parses(name: str, line: int, body: str) -> None:
    assert isinstance(parse_script(SourceFile(f"{name}:{line}", body)), Script)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_parses(path: Path) -> None:
    script = parse_script(SourceFile.from_path(path))
    assert script.decls
