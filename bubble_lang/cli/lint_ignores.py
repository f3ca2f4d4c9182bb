"""`# bubble: ignore…` comments (layer 11): what `bubble lint` hides, and what it says about
comments that hide nothing or that it cannot read.

The forms, as users of ruff and other linters write them:

- `# bubble: ignore[B305]` or `# bubble: ignore[unreachable-code, B303]` — those codes (or rule
  names, from `bubble explain`) on this line;
- `# bubble: ignore` — every warning on this line (errors are never hidden by a bare comment);
- `# bubble: ignore-file[B303]` (anywhere in the file) — those codes in the whole file;
  `# bubble: ignore-file` — every warning in the file.

A comment that hides nothing, names an unknown code, or is a `# bubble:` comment of no known form
(`# bubble: ignroe[…]`, `# bubble: disable`) is warning B501, so a typo never silently hides
nothing.
"""

from __future__ import annotations

import re

from ..codes import CODES
from ..diagnostics import Diagnostic, make_diagnostic
from ..severity import Severity
from ..source import SourceFile

DIRECTIVE = re.compile(r"#\s*bubble:\s*(?P<body>.*)$")
FORM = re.compile(r"(?P<kind>ignore-file|ignore)\s*(?:\[(?P<codes>[^\]]*)\])?\s*$")
BY_NAME = {info.name: code for code, info in CODES.items()}
ALL = "*"


def apply_ignores(sources: tuple[SourceFile, ...], diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Drop what the comments hide; add B501 for each comment that hides nothing or is unreadable."""
    kept = list(diagnostics)
    notes: list[Diagnostic] = []
    for source in sources:
        line_rules: list[tuple[int, set[str], object]] = []
        file_rules: list[tuple[set[str], object]] = []
        for line_number in range(1, source.line_count + 1):
            text = source.line_text(line_number)
            found = DIRECTIVE.search(text)
            if found is None or _in_string(text, found.start()):
                continue
            start = source.line_starts[line_number - 1] + found.start()
            span = source.span(start, source.line_starts[line_number - 1] + len(text.rstrip()))
            form = FORM.match(found.group("body").strip())
            if form is None:
                notes.append(make_diagnostic(
                    "B501", f"`{found.group(0).strip()}` is not a comment bubble knows", span,
                    hint="write `# bubble: ignore[CODE]` for a line, `# bubble: ignore-file[CODE]` for the file"))
                continue
            codes, unknown = _codes(form.group("codes"))
            for name in unknown:
                notes.append(make_diagnostic("B501", f"`{name}` is not a diagnostic code or rule name", span,
                                             hint="use a code like `B305` or a name like `unreachable-code` "
                                                  "(`bubble explain CODE` lists them)"))
            if form.group("kind") == "ignore-file":
                file_rules.append((codes, span))
            else:
                line_rules.append((line_number, codes, span))
        for line_number, codes, span in line_rules:
            kept, used = _hide(kept, codes, source, line_number)
            notes.extend(_unused(codes, used, span, "on this line"))
        for codes, span in file_rules:
            kept, used = _hide(kept, codes, source, None)
            notes.extend(_unused(codes, used, span, "in this file"))
    return kept + notes


def _codes(listed: str | None) -> tuple[set[str], list[str]]:
    if listed is None:
        return {ALL}, []
    codes: set[str] = set()
    unknown: list[str] = []
    for item in (part.strip() for part in listed.split(",")):
        if not item:
            continue
        code = item.upper() if item.upper() in CODES else BY_NAME.get(item.lower())
        if code is None:
            unknown.append(item)
        else:
            codes.add(code)
    return codes, unknown


def _hide(diagnostics: list[Diagnostic], codes: set[str], source: SourceFile,
          line: int | None) -> tuple[list[Diagnostic], set[str]]:
    kept, used = [], set()
    for diagnostic in diagnostics:
        span = diagnostic.span
        here = span is not None and span.file is source and (line is None or span.line == line)
        if here and diagnostic.code in codes:
            used.add(diagnostic.code)
        elif here and ALL in codes and diagnostic.severity is Severity.WARNING:
            used.add(ALL)
        else:
            kept.append(diagnostic)
    return kept, used


def _unused(codes: set[str], used: set[str], span: object, where: str) -> list[Diagnostic]:
    return [make_diagnostic("B501", f"`# bubble: ignore` hides no warning {where}" if code == ALL else
                            f"`{code}` is ignored but nothing {where} has it", span,
                            hint="remove the comment, or the code from its list")
            for code in sorted(codes - used)]


def _in_string(text: str, at: int) -> bool:
    """Whether `at` is inside a string literal on its line (a `#` there is text, not a comment)."""
    quotes = 0
    escaped = False
    for char in text[:at]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quotes += 1
    return quotes % 2 == 1
