"""Chunked resolve/lint tests (DESIGN §6).

Each `errors/*.bot` file holds cases separated by `# ---` lines. A case is parsed, resolved and
checked on its own; every expected diagnostic is a trailing comment on the line it concerns:

    invoke mneu   # error[B101]: unknown dialog `mneu`
    invoke mneu   # error[B101]@10: unknown dialog

`@col` (1-based) pins the column of the diagnostic's span start; the text after `:` is a regex
searched in the message. A case fails on any missing or unexpected diagnostic (warnings included).
Line numbers are those of the whole file, so a failure points at the right line of the case file.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from bubble_lang.build import parse_script
from bubble_lang.checks import run_checks
from bubble_lang.checks.extension_servers import check_extension_servers
from bubble_lang.config import DEFAULT_CONFIG
from bubble_lang.diagnostics import BubbleError, Diagnostic
from bubble_lang.resolve import resolve_bot
from bubble_lang.source import SourceFile

CASES = Path(__file__).parent / "errors"
SEPARATOR = re.compile(r"^#\s*---\s*$")
EXPECTATION = re.compile(
    r"#\s*(?P<severity>error|warning)\[(?P<code>B\d{3})\](?:@(?P<col>\d+))?:\s*"
    r"(?P<pattern>.*?)\s*(?=#\s*(?:error|warning)\[B\d{3}\]|$)"
)


@attrs.frozen
class Expectation:
    severity: str
    code: str
    line: int
    column: int | None
    pattern: str

    def matches(self, diagnostic: Diagnostic) -> bool:
        if diagnostic.code != self.code or diagnostic.severity.value != self.severity or diagnostic.span is None:
            return False
        if diagnostic.span.line != self.line:
            return False
        if self.column is not None and diagnostic.span.column != self.column:
            return False
        return re.search(self.pattern, diagnostic.message) is not None

    def __str__(self) -> str:
        column = f"@{self.column}" if self.column is not None else ""
        return f"line {self.line}: {self.severity}[{self.code}]{column}: {self.pattern}"


@attrs.frozen
class Chunk:
    path: Path
    first_line: int  # 1-based line of the chunk's first line in the file
    lines: tuple[str, ...]

    @property
    def source(self) -> SourceFile:
        """The chunk's text padded with blank lines, so line numbers match the case file."""
        return SourceFile(self.path.name, "\n" * (self.first_line - 1) + "\n".join(self.lines) + "\n")

    def expectations(self) -> list[Expectation]:
        found = []
        for offset, line in enumerate(self.lines):
            for match in EXPECTATION.finditer(line):
                column = int(match["col"]) if match["col"] else None
                found.append(Expectation(match["severity"], match["code"], self.first_line + offset, column,
                                         match["pattern"]))
        return found


def load_chunks(path: Path) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if SEPARATOR.match(line):
            chunks.append(Chunk(path, start, tuple(current)))
            current, start = [], number + 1
        else:
            current.append(line)
    chunks.append(Chunk(path, start, tuple(current)))
    return [chunk for chunk in chunks if any(line.strip() and not line.startswith("#") for line in chunk.lines)]


def diagnose(source: SourceFile) -> list[Diagnostic]:
    """Everything `bubble lint` would report for a one-file bot."""
    try:
        script = parse_script(source)
    except BubbleError as error:
        return list(error.diagnostics)
    program = resolve_bot([script])
    servers = check_extension_servers(program, DEFAULT_CONFIG, has_file=False)
    return [*program.diagnostics, *servers, *run_checks(program)]


def _describe(diagnostic: Diagnostic) -> str:
    where = f"line {diagnostic.span.line}@{diagnostic.span.column}" if diagnostic.span else "no position"
    return f"{where}: {diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}"


ALL_CHUNKS = [chunk for path in sorted(CASES.glob("*.bot")) for chunk in load_chunks(path)]


@pytest.mark.parametrize("chunk", ALL_CHUNKS, ids=[f"{c.path.name}:{c.first_line}" for c in ALL_CHUNKS])
def test_chunk(chunk: Chunk) -> None:
    diagnostics = diagnose(chunk.source)
    expected = chunk.expectations()
    unmatched = list(diagnostics)
    missing = []
    for expectation in expected:
        hit = next((d for d in unmatched if expectation.matches(d)), None)
        if hit is None:
            missing.append(expectation)
        else:
            unmatched.remove(hit)
    report = []
    if missing:
        report.append("missing:\n" + "\n".join(f"  {m}" for m in missing))
    if unmatched:
        report.append("unexpected:\n" + "\n".join(f"  {_describe(d)}" for d in unmatched))
    assert not report, f"{chunk.path.name}:{chunk.first_line}\n" + "\n".join(report)


def test_enough_cases() -> None:
    """The suite keeps at least 40 cases and covers every resolver and lint code."""
    from bubble_lang.codes import context_codes, lint_codes, names_codes

    assert len(ALL_CHUNKS) >= 40
    covered = {e.code for chunk in ALL_CHUNKS for e in chunk.expectations()}
    declared = {info.code for family in (names_codes, context_codes, lint_codes) for info in family.CODES}
    asks_a_server = {"B109", "B110"}  # `--check-extensions`: tests/extensions/test_extension_lint.py
    needs_files = {"B310"}  # a folder bot's translation files: tests/engine/test_translations.py
    assert declared - covered - asks_a_server - needs_files == set()


def test_harness_reads_columns_and_several_expectations() -> None:
    line = 'say x  # error[B101]@3: unknown  # warning[B304]: never assigned'
    found = [m.groupdict() for m in EXPECTATION.finditer(line)]
    assert [(f["code"], f["col"], f["pattern"]) for f in found] == [("B101", "3", "unknown"),
                                                                    ("B304", None, "never assigned")]
