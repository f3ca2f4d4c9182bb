"""`bubble fmt [--check] [--diff] PATH…`: one layout for `.bot` files (first release: layout of
lines).

What it changes: indentation (2 spaces per `do … end` level and per `branch` arm body; `else`,
`after` and `end` at their block's level; a line continuing an open bracket one level deeper),
trailing spaces, and the final newline. It never adds or removes a line: an anonymous dialog's
name holds its line (`trigger@12`), and conversations in a store know dialogs by name, so moving
lines would restart them after a deploy. Comments, the text inside strings (even multi-line ones)
and everything within a line stay as written. Spacing inside lines (around operators, after
commas) and breaking long option lists are not done yet (docs/editors.md).

It never changes meaning: the result is parsed again and its syntax tree (positions aside) must
equal the original's, else nothing is written and the file is reported. A file with syntax errors
is reported with its diagnostics and never rewritten. `--check` writes nothing and exits 1 when a
file would change; `--diff` prints what would change.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

import attrs

from ..build import parse_script
from ..diagnostics import BubbleError
from ..lexer import tokenize
from ..render import render_diagnostics
from ..source import SourceFile

OPENERS = frozenset({"LPAR", "CALL_LPAR", "LSQB", "INDEX_LSQB", "MAP_START"})
CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})
DEDENTED = frozenset({"END", "ELSE", "AFTER"})  # at their block's level: `end`, `else`, `once … after`


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("fmt", help="lay out scripts canonically (indentation and blank lines)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".bot files or directories")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    parser.add_argument("--diff", action="store_true", help="print what would change (writes nothing)")
    parser.set_defaults(handler=run_fmt)


def format_text(text: str, name: str = "script.bot") -> str:
    """The formatted text (BubbleError when the script does not parse)."""
    source = SourceFile(name, text.replace("\r\n", "\n"))
    parse_script(source)  # a file with syntax errors is never reformatted
    tokens = [t for t in tokenize(source) if t.start_pos is not None]
    lines = source.text.split("\n")
    first_on_line: dict[int, Any] = {}
    for token in tokens:
        first_on_line.setdefault(source.line_col(token.start_pos)[0], token)
    inside_token = _inside(source, tokens)  # lines that begin inside a multi-line string
    indents: dict[int, int] = {}
    depth = brackets = 0
    arms: list[int] = []  # depths of `branch` arms whose body is on the lines below their `->`
    index = 0
    for number in range(1, len(lines) + 1):
        line_tokens = []
        while index < len(tokens) and source.line_col(tokens[index].start_pos)[0] == number:
            line_tokens.append(tokens[index])
            index += 1
        first = first_on_line.get(number)
        kinds = [token.type for token in line_tokens if token.type != "_NL"]
        if first is not None and brackets == 0 and arms and arms[-1] == depth - 1 and \
                ("ARROW" in kinds or first.type in DEDENTED):
            arms.pop()  # the next arm (or the branch's end) closes the body of the one before
            depth -= 1
        if first is not None and number not in inside_token:
            level = depth - 1 if first.type in DEDENTED else depth
            indents[number] = max(0, level + (1 if brackets > 0 and first.type not in CLOSERS else 0))
        elif number not in inside_token:
            indents[number] = depth  # a comment or blank line takes the block's level
        for token in line_tokens:
            if token.type == "DO":
                depth += 1
            elif token.type == "END":
                depth = max(0, depth - 1)
                while arms and arms[-1] >= depth:
                    arms.pop()
            elif token.type in OPENERS:
                brackets += 1
            elif token.type in CLOSERS:
                brackets = max(0, brackets - 1)
        if kinds and kinds[-1] == "ARROW" and brackets == 0:  # `cond ->` with its body below
            arms.append(depth)
            depth += 1
    out: list[str] = []
    for number, raw in enumerate(lines, 1):
        body = raw.strip()
        out.append(raw if number in inside_token else ("  " * indents[number] + body if body else ""))
    while len(out) > 1 and out[-1] == "" and out[-2] == "":
        out.pop()  # trailing blank lines after the last line (they name nothing)
    return "\n".join(out) if out[-1] == "" else "\n".join(out) + "\n"


def _inside(source: SourceFile, tokens: list[Any]) -> set[int]:
    found: set[int] = set()
    for token in tokens:
        line = source.line_col(token.start_pos)[0]
        end_line = source.line_col(max(token.start_pos, (token.end_pos or token.start_pos) - 1))[0]
        found.update(range(line + 1, end_line + 1))
    return found


def lines_inside_strings(text: str) -> set[int]:
    """The lines (1-based) that begin inside a token: a multi-line string's text, left as written."""
    source = SourceFile("script.bot", text)
    return _inside(source, [t for t in tokenize(source) if t.start_pos is not None])


def _shape(node: Any) -> Any:
    """A syntax tree without positions, to compare two parses."""
    if attrs.has(type(node)):
        return (type(node).__name__, tuple((field.name, _shape(getattr(node, field.name)))
                                          for field in attrs.fields(type(node)) if "span" not in field.name))
    if isinstance(node, (list, tuple)):
        return tuple(_shape(item) for item in node)
    if isinstance(node, dict):
        return tuple(sorted((key, _shape(value)) for key, value in node.items()))
    return node


def same_meaning(before: str, after: str) -> bool:
    return _shape(parse_script(SourceFile("script.bot", before))) == _shape(parse_script(SourceFile("script.bot", after)))


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.rglob("*.bot")) if path.is_dir() else [path])
    return found


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
            formatted = format_text(text, str(path))
        except BubbleError as error:
            sys.stderr.write(render_diagnostics(error.diagnostics, "concise", color=False))
            sys.stderr.write(f"bubble fmt: `{path}` has syntax errors; it was not changed\n")
            failed = True
            continue
        if formatted == text:
            continue
        if not same_meaning(text, formatted):  # a bug in fmt: never write it
            sys.stderr.write(f"bubble fmt: formatting `{path}` would change its meaning; it was not changed "
                             "(please report this)\n")
            failed = True
            continue
        changed.append(path)
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), formatted.splitlines(True),
                                                       f"{path}", f"{path} (formatted)"))
        elif not args.check:
            path.write_text(formatted, encoding="utf-8")
    for path in changed:
        verb = "would reformat" if (args.check or args.diff) else "reformatted"
        sys.stderr.write(f"{verb} {path}\n")
    if failed:
        return 2
    return 1 if changed and (args.check or args.diff) else 0
