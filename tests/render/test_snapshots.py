"""Every format, snapshotted, for each shared diagnostic and for all of them together.

Read the snapshot diffs: they are the spec of how bubble's errors look.
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion

from bubble_lang.diagnostics import Diagnostic
from bubble_lang.render import FORMATS, render_diagnostics, summary_line

from render_cases import CASES


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_case(case: Diagnostic, fmt: str, snapshot: SnapshotAssertion) -> None:
    assert render_diagnostics([case], fmt, tool_version="1.2.3") == snapshot


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_cases_sorted(fmt: str, snapshot: SnapshotAssertion) -> None:
    # Given in reverse name order; every format must print them in (file, offset, code) order.
    diagnostics = [CASES[name] for name in sorted(CASES, reverse=True)]
    assert render_diagnostics(diagnostics, fmt, tool_version="1.2.3") == snapshot


def test_full_in_colour(snapshot: SnapshotAssertion) -> None:
    # Escape characters made visible so the snapshot file stays plain text.
    text = render_diagnostics([CASES["plain"], CASES["multiline"]], "full", color=True)
    assert text.replace("\x1b", "<ESC>") == snapshot


def test_summary(snapshot: SnapshotAssertion) -> None:
    assert summary_line(CASES.values()) == snapshot
