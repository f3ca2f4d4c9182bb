"""The package entry points: dispatch, ordering, the summary line, concise lines, stacks."""

from __future__ import annotations

import json

import pytest
from render_cases import CASES, SHOP, find

from bubble_lang.diagnostics import Diagnostic, Severity
from bubble_lang.render import (
    FORMATS,
    render_concise,
    render_diagnostics,
    render_stack,
    summary_line,
)


def test_formats() -> None:
    assert FORMATS == ("full", "concise", "json", "github", "sarif")


def test_unknown_format_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="unknown diagnostic format 'xml'"):
        render_diagnostics([], "xml")


def test_every_format_uses_the_same_order() -> None:
    names = ("runtime", "no_span", "eof", "plain", "tabs", "other_file")
    shuffled = [CASES[name] for name in names]
    expected = ["B599", "B001", "B102", "B103", "B103", "B401"]
    assert [r["code"] for r in json.loads(render_diagnostics(shuffled, "json"))] == expected
    sarif = json.loads(render_diagnostics(shuffled, "sarif"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == expected
    concise = render_diagnostics(shuffled, "concise").splitlines()
    assert [line.split(": ")[1].split()[0] for line in concise] == expected
    github = render_diagnostics(shuffled, "github").splitlines()
    assert [line.split("title=")[1][:4] for line in github] == expected
    full = render_diagnostics(shuffled, "full")
    headers = [line[6:10] for line in full.splitlines() if line.startswith("error[")]
    assert headers == expected


def test_empty_input() -> None:
    assert render_diagnostics([], "full") == ""
    assert render_diagnostics([], "concise") == ""
    assert render_diagnostics([], "github") == ""
    assert json.loads(render_diagnostics([], "json")) == []
    assert json.loads(render_diagnostics([], "sarif"))["runs"][0]["results"] == []


def _of(severity: Severity) -> Diagnostic:
    return Diagnostic(code="B000", severity=severity, message="m", span=None)


def test_summary_line() -> None:
    E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE
    assert summary_line([]) == "no problems found"
    assert summary_line([_of(E)]) == "1 error"
    assert summary_line([_of(E), _of(W), _of(E)]) == "2 errors, 1 warning"
    assert summary_line([_of(W), _of(W), _of(N)]) == "2 warnings, 1 note"


def test_concise_lines() -> None:
    lines = render_concise(
        [
            CASES["plain"],
            CASES["multiline"],
            CASES["no_span"],
            Diagnostic(
                code="B002", severity=Severity.ERROR, message="two\nlines", span=SHOP.span(0)
            ),
        ]
    ).splitlines()
    assert lines == [
        "bubble: B599 `bubble.toml` sets unknown key `colour`",
        "shop.bot:1:1: B002 two lines",
        "shop.bot:7:7: B103 unknown constant `@greetings`",
        "shop.bot:13:1: B301 dialog `unused` is never invoked (warning)",
    ]


def test_stack_notes() -> None:
    frames = [
        ("dialog checkout", find(SHOP, "say @greetings")),
        ("task remind", None),
        ("main", find(SHOP, "invoke checkout")),
    ]
    assert render_stack(frames) == [
        "in dialog `checkout` (shop.bot:7:3)",
        "invoked from task `remind`",
        "invoked from dialog `main` (shop.bot:11:3)",
    ]
    assert render_stack([]) == []


def test_deep_recursion_is_folded() -> None:
    loop = ("dialog loop", find(SHOP, "say @greetings"))
    notes = render_stack([loop] * 99 + [("dialog main", None)])
    assert notes == [
        "in dialog `loop` (shop.bot:7:3)",
        "invoked from dialog `loop` (shop.bot:7:3)",
        "invoked from dialog `loop` (shop.bot:7:3)",
        "... the frame above repeated 96 more times",
        "invoked from dialog `main`",
    ]


def test_long_varied_stack_keeps_both_ends() -> None:
    frames = [(f"dialog d{n}", None) for n in range(50)]
    notes = render_stack(frames)
    assert len(notes) == 21
    assert notes[0] == "in dialog `d0`"
    assert notes[10] == "... 30 lines of the stack omitted"
    assert notes[-1] == "invoked from dialog `d49`"
