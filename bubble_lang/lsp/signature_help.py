"""Signature help: the builtin call the cursor is in, and which of its parameters is being typed.

Why from the text, like completion: the line being typed rarely parses (`join(@menu, ` has no
closing bracket yet), and a call's signature does not depend on the rest of the bot. The text
before the cursor is scanned once: strings (with `#{…}` code inside them) and brackets are
tracked, so a `,` or `(` inside a string or a list does not count; the innermost open `name(` of a
builtin is the call. Its parameter: an option being written (`label:`) is that option; else the
count of positional arguments before the cursor (the last, variadic one takes all the rest).
"""

from __future__ import annotations

import re

import attrs
from lsprotocol import types

from ..stdlib import BUILTINS
from ..stdlib.model import ParamKind
from ..stdlib.registry import signature_parts

_NAME_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\Z")
_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*):(?!:)")


@attrs.define
class _Call:
    """An open call while scanning: its name, the arguments passed, the one being written."""

    name: str | None
    positional: int = 0  # positional arguments before the current one
    keyword: str | None = None  # the current argument is this option
    start: int = 0  # offset where the current argument starts


@attrs.frozen
class CallAt:
    """The open call at the cursor: a builtin's name and the parameter typed (an index into its
    `signature_parts`), or None when no part fits (too many arguments, an unknown option)."""

    name: str
    active: int | None


def statement_prefix(lines: list[str], line: int, prefix: str) -> str:
    """The text of the statement before the cursor: the cursor's line, and the lines above it
    while they end with `,`, `(` or `[` (an argument list broken over lines; at most 10)."""
    start = line
    while start > 0 and line - start < 10 and lines[start - 1].split("#", 1)[0].rstrip().endswith((",", "(", "[")):
        start -= 1
    return "\n".join([*lines[start:line], prefix])


def call_at(prefix: str) -> CallAt | None:
    """The innermost open builtin call in `prefix` (the statement's text before the cursor)."""
    stack: list[object] = []  # _Call, "[" (a list or map), '"' (a string), "#{" (code in a string)
    at = 0
    while at < len(prefix):
        top = stack[-1] if stack else None
        char = prefix[at]
        if top == '"':
            if char == "\\":
                at += 1
            elif char == '"':
                stack.pop()
            elif prefix.startswith("#{", at):
                stack.append("#{")
                at += 1
        elif char == "#" and not prefix.startswith("#{", at):
            line_end = prefix.find("\n", at)
            if line_end == -1:
                return None  # the cursor is in a comment
            at = line_end  # a comment on a line above: the call goes on below it
        elif char == '"':
            stack.append('"')
        elif char == "(":
            found = _NAME_BEFORE.search(prefix, 0, at)
            stack.append(_Call(found.group(1) if found else None, start=at + 1))
        elif char in "[{":
            stack.append("[")
        elif char in ")]}":
            if stack:
                stack.pop()
        elif char == "," and isinstance(top, _Call):
            if top.keyword is None:
                top.positional += 1
            top.keyword = None
            top.start = at + 1
        at += 1
    call = next((entry for entry in reversed(stack) if isinstance(entry, _Call)), None)
    if call is None or call.name not in BUILTINS:
        return None
    key = _KEY.match(prefix, call.start)
    if key is not None:
        call.keyword = key.group(1)
    return CallAt(call.name, _active(call))


def _active(call: _Call) -> int | None:
    builtin = BUILTINS[call.name or ""]
    parts = signature_parts(builtin)
    if call.keyword is not None:
        for index, part in enumerate(parts):
            if part.rstrip("?:") == call.keyword and part.endswith(":"):
                return index
        return next((index for index, part in enumerate(parts) if part.endswith("value...")), None)
    if not builtin.params:
        return None
    variadic = builtin.params[-1].kind is ParamKind.VARIADIC
    if call.positional < len(builtin.params):
        return call.positional
    return len(builtin.params) - 1 if variadic else None


def signature_help(prefix: str) -> types.SignatureHelp | None:
    """The LSP answer for the cursor after `prefix`: one signature, its parameters as label
    offsets (always inside the label), the builtin's summary as documentation."""
    found = call_at(prefix)
    if found is None:
        return None
    builtin = BUILTINS[found.name]
    parts = signature_parts(builtin)
    label = f"{builtin.name}({', '.join(parts)})"
    parameters = []
    offset = len(builtin.name) + 1
    for part in parts:
        parameters.append(types.ParameterInformation(label=(offset, offset + len(part))))
        offset += len(part) + 2
    documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=builtin.summary)
    # The signature's own `activeParameter` is set too: left out, lsprotocol wrote it as `null`,
    # which LSP 3.17 does not allow there.
    information = types.SignatureInformation(label=label, documentation=documentation, parameters=parameters,
                                             active_parameter=found.active)
    return types.SignatureHelp(signatures=[information], active_signature=0, active_parameter=found.active)
