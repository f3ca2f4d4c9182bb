"""Machine formats (layer 2): JSON, GitHub Actions workflow commands and SARIF 2.1.0.

Input: `Diagnostic`s. Output: text for tools rather than people. Positions are 1-based and count
code points, as everywhere in bubble; end positions are exclusive (the first character after the
span), as in ruff's JSON and SARIF. JSON escapes non-ASCII so the output survives any console
encoding. Only the data in the diagnostics is written: no paths are read, no URLs fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import quote

from ..codes import CODES
from ..diagnostics import Diagnostic, Severity
from ..source import Span
from .ordering import sort_diagnostics, span_fields

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON list, one object per diagnostic with the same keys every time (null when absent)."""
    records = [_json_record(d) for d in sort_diagnostics(diagnostics)]
    return json.dumps(records, indent=2) + "\n"


def _json_record(diagnostic: Diagnostic) -> dict[str, object]:
    record: dict[str, object] = {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
    }
    record.update(span_fields(diagnostic.span))
    record["label"] = diagnostic.label
    record["hint"] = diagnostic.hint
    record["notes"] = list(diagnostic.notes)
    record["labels"] = [
        {**span_fields(label.span), "message": label.message} for label in diagnostic.labels
    ]
    return record


# GitHub Actions workflow commands


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """One `::error …::message` line per diagnostic, which GitHub shows as an annotation.

    The title is the code; notes, help and secondary places ride along as extra message lines
    (escaped newlines), since an annotation has nowhere else to put them.
    """
    return "".join(_github_line(d) + "\n" for d in sort_diagnostics(diagnostics))


def _github_line(diagnostic: Diagnostic) -> str:
    properties: list[tuple[str, object]] = []
    span = diagnostic.span
    if span is not None:
        fields = span_fields(span)
        properties += [
            ("file", fields["file"]),
            ("line", fields["line"]),
            ("col", fields["column"]),
            ("endLine", fields["end_line"]),
            ("endColumn", fields["end_column"]),
        ]
    properties.append(("title", diagnostic.code))
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    lines = [diagnostic.message]
    lines += [
        f"{label.span.location()}: {label.message}" if label.message else label.span.location()
        for label in diagnostic.labels
    ]
    lines += _detail_lines(diagnostic)
    text = escape_data("\n".join(lines))
    return f"::{_GITHUB_COMMANDS[diagnostic.severity]} {props}::{text}"


def escape_data(text: str) -> str:
    """Escape a workflow command's message as actions/toolkit does (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the message escapes plus `:` and `,`, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _detail_lines(diagnostic: Diagnostic) -> list[str]:
    details = [f"note: {note}" for note in diagnostic.notes]
    if diagnostic.hint:
        details.append(f"help: {diagnostic.hint}")
    return details


# SARIF 2.1.0


def render_sarif(diagnostics: Iterable[Diagnostic], *, tool_version: str) -> str:
    """A SARIF 2.1.0 log with one run, a rule per code used and a result per diagnostic.

    Rules come from the code registry; a code missing from it (a bug elsewhere, or a test) still
    gets a rule, described by its first message, so the log stays valid. Columns are declared as
    code points, since SARIF otherwise assumes UTF-16 units.
    """
    ordered = sort_diagnostics(diagnostics)
    rules: dict[str, dict[str, object]] = {}
    for diagnostic in ordered:
        rules.setdefault(diagnostic.code, _sarif_rule(diagnostic))
    rule_ids = sorted(rules)
    index = {code: position for position, code in enumerate(rule_ids)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bubble",
                        "version": tool_version,
                        "rules": [rules[code] for code in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(d, index[d.code]) for d in ordered],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _sarif_rule(diagnostic: Diagnostic) -> dict[str, object]:
    info = CODES.get(diagnostic.code)
    if info is None:
        return {
            "id": diagnostic.code,
            "shortDescription": {"text": diagnostic.message},
            "fullDescription": {"text": diagnostic.message},
            "defaultConfiguration": {"level": _SARIF_LEVELS[diagnostic.severity]},
        }
    rule: dict[str, object] = {"id": info.code}
    if info.name:
        rule["name"] = info.name
    rule["shortDescription"] = {"text": info.title}
    rule["fullDescription"] = {"text": info.what or info.title}
    if info.fix:
        rule["help"] = {"text": info.fix}
    rule["defaultConfiguration"] = {"level": _SARIF_LEVELS[info.severity]}
    return rule


def _sarif_result(diagnostic: Diagnostic, rule_index: int) -> dict[str, object]:
    text = "\n".join([diagnostic.message, *_detail_lines(diagnostic)])
    result: dict[str, object] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[diagnostic.severity],
        "message": {"text": text},
    }
    if diagnostic.span is not None:
        result["locations"] = [_physical_location(diagnostic.span)]
    if diagnostic.labels:
        related: list[dict[str, object]] = []
        for number, label in enumerate(diagnostic.labels):
            place: dict[str, object] = {"id": number, **_physical_location(label.span)}
            if label.message:
                place["message"] = {"text": label.message}
            related.append(place)
        result["relatedLocations"] = related
    return result


def _physical_location(span: Span) -> dict[str, object]:
    """A SARIF `location` holding one `physicalLocation` (file and region)."""
    fields = span_fields(span)
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(span.file.name)},
            "region": {
                "startLine": fields["line"],
                "startColumn": fields["column"],
                "endLine": fields["end_line"],
                "endColumn": fields["end_column"],
            },
        }
    }


def artifact_uri(name: str) -> str:
    """A file name as a SARIF URI reference: relative paths stay relative, with `/` separators
    and percent-escapes; absolute paths become `file://` URIs."""
    path = PurePath(name)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")
