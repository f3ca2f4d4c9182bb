"""JSON, GitHub and SARIF: structure and escaping that other tools rely on."""

from __future__ import annotations

import json

import pytest
from render_cases import CASES, SHOP

from bubble_lang.codes import CODES, CodeInfo
from bubble_lang.diagnostics import Diagnostic, Severity
from bubble_lang.render import render_github, render_json, render_sarif
from bubble_lang.render.structured import artifact_uri, escape_data, escape_property
from bubble_lang.source import SourceFile

JSON_KEYS = [
    "code", "severity", "message", "file", "line", "column", "end_line", "end_column",
    "label", "hint", "notes", "labels",
]  # fmt: skip


def test_json_records_have_the_same_keys() -> None:
    records = json.loads(render_json(CASES.values()))
    assert len(records) == len(CASES)
    assert all(list(record) == JSON_KEYS for record in records)
    plain = next(r for r in records if r["message"] == CASES["plain"].message)
    assert plain | {"labels": None} == {
        "code": "B103",
        "severity": "error",
        "message": "unknown constant `@greetings`",
        "file": "shop.bot",
        "line": 7,
        "column": 7,
        "end_line": 7,
        "end_column": 17,
        "label": "no constant has this name",
        "hint": "did you mean `@greeting`?",
        "notes": [],
        "labels": None,
    }
    no_span = next(r for r in records if r["code"] == "B599")
    assert no_span["file"] is None and no_span["line"] is None


def test_json_is_ascii_and_round_trips_wide_text() -> None:
    file = SourceFile("日本.bot", "say @x\n")
    diagnostic = Diagnostic(
        code="B103", severity=Severity.ERROR, message="ünknown 😀", span=file.span(4, 6)
    )
    text = render_json([diagnostic])
    assert text.isascii()
    assert json.loads(text)[0]["message"] == "ünknown 😀"
    assert json.loads(render_json([])) == []


def test_escape_data_and_property() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    # `%` first, or the escapes themselves would be escaped again.
    assert escape_property("%3A") == "%253A"


def test_github_line_escapes_properties_and_message() -> None:
    file = SourceFile("dir/we,ird:name.bot", "say @x\n")
    diagnostic = Diagnostic(
        code="B103",
        severity=Severity.WARNING,
        message="50% of `a:b, c`",
        span=file.span(4, 6),
        hint="try\nthis",
    )
    assert render_github([diagnostic]) == (
        "::warning file=dir/we%2Cird%3Aname.bot,line=1,col=5,endLine=1,endColumn=7,title=B103"
        "::50%25 of `a:b, c`%0Ahelp: try%0Athis\n"
    )


def test_github_severities_and_missing_span() -> None:
    note = Diagnostic(code="B399", severity=Severity.NOTE, message="fyi", span=None)
    assert render_github([note]) == "::notice title=B399::fyi\n"


def _sarif(diagnostics: list[Diagnostic]) -> dict:
    return json.loads(render_sarif(diagnostics, tool_version="9.9"))


def test_sarif_structure() -> None:
    log = _sarif(list(CASES.values()))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "bubble" and driver["version"] == "9.9"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted({d.code for d in CASES.values()})
    results = run["results"]
    assert len(results) == len(CASES)
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
    plain = next(r for r in results if r["message"]["text"].startswith("unknown constant `@gr"))
    (location,) = plain["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "shop.bot"},
        "region": {"startLine": 7, "startColumn": 7, "endLine": 7, "endColumn": 17},
    }
    warning = next(r for r in results if r["ruleId"] == "B301")
    assert warning["level"] == "warning"
    no_span = next(r for r in results if r["ruleId"] == "B599")
    assert "locations" not in no_span
    other_file = next(r for r in results if r["ruleId"] == "B102" and "relatedLocations" in r)
    related = other_file["relatedLocations"][0]
    assert related["id"] == 0 and related["message"]["text"] == "first defined here"


def test_sarif_rule_without_registry_entry_uses_the_message() -> None:
    # X-codes are never registered, so this keeps testing the fallback as the registry fills.
    diagnostic = Diagnostic(
        code="X999", severity=Severity.ERROR, message="odd", span=SHOP.span(0, 1)
    )
    (rule,) = _sarif([diagnostic])["runs"][0]["tool"]["driver"]["rules"]
    assert rule == {
        "id": "X999",
        "shortDescription": {"text": "odd"},
        "fullDescription": {"text": "odd"},
        "defaultConfiguration": {"level": "error"},
    }


def test_sarif_rule_from_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    info = CodeInfo(
        code="B998",
        name="unknown-constant",
        severity=Severity.WARNING,
        title="unknown constant",
        what="A constant is used but never defined.",
        why="The bot would fail at run time.",
        example="say @nope",
        fix="Define the constant or fix its name.",
    )
    monkeypatch.setitem(CODES, "B998", info)
    diagnostic = Diagnostic(code="B998", severity=Severity.ERROR, message="m", span=SHOP.span(0, 1))
    (rule,) = _sarif([diagnostic])["runs"][0]["tool"]["driver"]["rules"]
    assert rule == {
        "id": "B998",
        "name": "unknown-constant",
        "shortDescription": {"text": "unknown constant"},
        "fullDescription": {"text": "A constant is used but never defined."},
        "help": {"text": "Define the constant or fix its name."},
        "defaultConfiguration": {"level": "warning"},
    }


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("shop.bot", "shop.bot"),
        ("bots/my shop.bot", "bots/my%20shop.bot"),
        ("/srv/bots/shop.bot", "file:///srv/bots/shop.bot"),
        ("a#b?.bot", "a%23b%3F.bot"),
    ],
)
def test_artifact_uri(name: str, uri: str) -> None:
    assert artifact_uri(name) == uri
