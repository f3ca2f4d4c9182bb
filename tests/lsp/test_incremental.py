"""The incremental front end (blocks parsed once, quick resolution, complete check) gives what
`bubble lint` gives on the same text, after any sequence of edits: random edits of the samples,
checked in this process (no server) in block mode, where every file is split."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bubble_lang.cli.lint_ignores import apply_ignores
from bubble_lang.frontend import BotFiles, check_bot
from bubble_lang.lsp.analysis import BotAnalyzer, BotResult

ROOT = Path(__file__).resolve().parents[2]
PIECES = ["", "x", "\n", "dialog extra do\n", "end\n", '"', "@", "  ", "invoke main\n", "(", "do", "#"]


def lint(path: Path) -> set[tuple]:
    check = check_bot(BotFiles(root=path.parent, scripts=(path,)))
    return {_key(d) for d in apply_ignores(check.sources, list(check.diagnostics))}


def _key(diagnostic) -> tuple:
    span = diagnostic.span
    where = (span.line, span.column, span.end_line, span.end_column) if span is not None else None
    return (diagnostic.code, diagnostic.message, diagnostic.hint, where)


def flattened(result: BotResult) -> set[tuple]:
    return {_key(d) for found in result.diagnostics.values() for d in found} | {_key(d) for d in result.unplaced}


@pytest.mark.parametrize("sample", ["restaurant.bot", "guards.bot", "features.bot"])
def test_random_edits_match_lint(sample: str, tmp_path: Path) -> None:
    rng = random.Random(sample)
    text = (ROOT / "samples" / sample).read_text()
    path = tmp_path / sample
    files = BotFiles(root=tmp_path, scripts=(path,))
    analyzer = BotAnalyzer(whole_file_lines=0)
    quick_seen: list[set[tuple]] = []
    for step in range(40):
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(PIECES) + text[min(len(text), at + rng.randint(0, 3)):]
        result = analyzer.run(files, {str(path): text}, publish=lambda r: quick_seen.append(flattened(r)))
        path.write_text(text)
        assert flattened(result) == lint(path), f"step {step}"
