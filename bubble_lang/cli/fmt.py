"""`bubble fmt [--check] [--diff] PATH…`: one canonical layout for `.bot` files.

The rules live in `bubble_lang/formatting/` (indentation, spacing within lines, blank lines and
long option lists; docs/editors.md lists them). This module is the command: it finds the files,
writes the results, reports what changed and exits 0 (nothing to do, or files written), 1 (with
`--check` or `--diff`: some file would change) or 2 (a file could not be read or has syntax
errors; such a file is reported with its diagnostics and never rewritten) — SPEC §16.

When an unnamed dialog (named by its line, `trigger@12`) stops fmt from adding or removing lines
above it, the file is still formatted within its lines, and a `note:` on stderr names those
dialogs once per file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..diagnostics import BubbleError
from ..formatting import Formatted, format_report, format_text, lines_inside_strings, same_meaning
from ..render import render_diagnostics
from .fmt_diff import unified_diff
from .fmt_parallel import format_file_text

__all__ = ["add_parser", "format_report", "format_text", "lines_inside_strings", "run_fmt", "same_meaning"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("fmt", help="lay out scripts canonically (indentation, spacing, blank lines)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".bot files or directories")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    parser.add_argument("--diff", action="store_true", help="print what would change (writes nothing)")
    parser.set_defaults(handler=run_fmt)


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.rglob("*.bot")) if path.is_dir() else [path])
    return found


def note(path: Path, formatted: Formatted) -> str:
    """What fmt left undone because unnamed dialogs are named by their line."""
    many = len(formatted.unnamed) > 1
    lines = ", ".join(str(line) for line in formatted.held)
    names = ", ".join(f"`{dialog.display_name}`" for dialog in formatted.unnamed)
    return (f"note: {path}: blank lines and long lines at line{'s' if len(formatted.held) > 1 else ''} {lines} "
            f"are left as they are: adding or removing lines there would rename the unnamed "
            f"dialog{'s' if many else ''} {names} below (an unnamed dialog is named by its line, and stored "
            f"conversations know it by that name); give {'them names' if many else 'it a name'} "
            "(`dialog greet, trigger: …`) to let fmt finish the layout\n")


def run_fmt(args: argparse.Namespace) -> int:
    changed, failed = [], False
    for path in _files(args.paths):
        try:
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError) as error:
            sys.stderr.write(f"bubble fmt: cannot read `{path}`: {error}\n")
            failed = True
            continue
        try:
            formatted = format_file_text(text, str(path))
        except BubbleError as error:
            sys.stderr.write(render_diagnostics(error.diagnostics, "concise", color=False))
            sys.stderr.write(f"bubble fmt: `{path}` has syntax errors; it was not changed\n")
            failed = True
            continue
        if formatted.unsafe:  # a bug in fmt: never write it
            sys.stderr.write(f"bubble fmt: formatting `{path}` would change its meaning; it was not changed "
                             "(please report this)\n")
            failed = True
            continue
        if formatted.held:
            sys.stderr.write(note(path, formatted))
        if formatted.text == text:
            continue
        changed.append(path)
        if args.diff:
            sys.stdout.writelines(unified_diff(text, formatted.text, str(path)))
        elif not args.check:
            path.write_text(formatted.text, encoding="utf-8")
    for path in changed:
        verb = "would reformat" if (args.check or args.diff) else "reformatted"
        sys.stderr.write(f"{verb} {path}\n")
    if failed:
        return 2
    return 1 if changed and (args.check or args.diff) else 0

