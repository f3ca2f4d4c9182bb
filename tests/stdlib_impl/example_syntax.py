"""A tiny reader for the example lines of the builtin docs: `name(args) -> result`.

It reads only literals (numbers, strings, lists, keyword lists, maps, atoms, nil/true/false),
`@constants` from a table the test provides, nested builtin calls (evaluated through the
callback), and, in results, ISO date-times. Anything else raises `Unsupported`, and the test
counts the line as skipped. It never evaluates Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from bubble_lang.runtime.values import Atom

_IDENT = re.compile(r"[a-z_][a-zA-Z0-9_]*")
_NUMBER = re.compile(r"-?[0-9][0-9_]*(\.[0-9]+)?")
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "#": "#"}


class Unsupported(Exception):
    """The example uses something this reader does not understand (prose, a variable)."""


@attrs.frozen
class IsoDateTime:
    """A date-time written in a result, compared by its ISO text."""

    text: str


Call = Callable[[str, list[Any], dict[str, Any]], Any]


class Reader:
    """Reads values from the text of one example, left to right."""

    def __init__(self, text: str, call: Call, constants: dict[str, Any]):
        self.text = text
        self.position = 0
        self.call = call
        self.constants = constants

    def rest(self) -> str:
        return self.text[self.position:].strip()

    def skip_space(self) -> None:
        while self.position < len(self.text) and self.text[self.position].isspace():
            self.position += 1

    def peek(self, literal: str) -> bool:
        self.skip_space()
        return self.text.startswith(literal, self.position)

    def expect(self, literal: str) -> None:
        if not self.peek(literal):
            raise Unsupported(f"expected {literal!r} at {self.rest()!r}")
        self.position += len(literal)

    def value(self) -> Any:
        self.skip_space()
        text, at = self.text, self.position
        if at >= len(text):
            raise Unsupported("end of text")
        if text[at] == '"':
            return self.string()
        if text.startswith("%{", at):
            return self.map()
        if text[at] == "[":
            return self.list()
        if text[at] == ":" and _IDENT.match(text, at + 1):
            name = _IDENT.match(text, at + 1).group(0)
            self.position = at + 1 + len(name)
            return Atom(name)
        if text[at] == "@":
            name = _IDENT.match(text, at + 1)
            if name is None or name.group(0) not in self.constants:
                raise Unsupported("unknown constant")
            self.position = name.end()
            return self.constants[name.group(0)]
        iso = _ISO.match(text, at)
        if iso:
            self.position = iso.end()
            return IsoDateTime(iso.group(0))
        number = _NUMBER.match(text, at)
        if number:
            self.position = number.end()
            digits = number.group(0).replace("_", "")
            return float(digits) if number.group(1) else int(digits)
        word = _IDENT.match(text, at)
        if word:
            self.position = word.end()
            name = word.group(0)
            if self.peek("("):
                return self.call_value(name)
            if name in ("nil", "true", "false"):
                return {"nil": None, "true": True, "false": False}[name]
        raise Unsupported(f"cannot read {text[at:]!r}")

    def string(self) -> str:
        self.position += 1
        out = []
        while self.position < len(self.text):
            char = self.text[self.position]
            if char == "\\":
                out.append(_ESCAPES[self.text[self.position + 1]])
                self.position += 2
            elif char == '"':
                self.position += 1
                return "".join(out)
            else:
                out.append(char)
                self.position += 1
        raise Unsupported("unclosed string")

    def key(self) -> str | None:
        """`name:` or `"name":` before a value, else None (and nothing is consumed)."""
        self.skip_space()
        start = self.position
        word = _IDENT.match(self.text, start)
        if word and self.text.startswith(": ", word.end()):
            self.position = word.end() + 1
            return word.group(0)
        if self.text.startswith('"', start):
            name = self.string()
            if self.peek(":"):
                self.position += 1
                return name
        self.position = start
        return None

    def items(self, close: str) -> tuple[list[Any], dict[str, Any]]:
        """Comma-separated values and `key: value` pairs up to `close`."""
        values: list[Any] = []
        pairs: dict[str, Any] = {}
        while not self.peek(close):
            name = self.key()
            if name is None:
                values.append(self.value())
            else:
                pairs[name] = self.value()
            if not self.peek(close):
                self.expect(",")
        self.expect(close)
        return values, pairs

    def list(self) -> Any:
        self.position += 1
        values, pairs = self.items("]")
        if pairs and values:
            raise Unsupported("mixed list")
        return pairs if pairs else values

    def map(self) -> dict[str, Any]:
        self.position += 2
        values, pairs = self.items("}")
        if values:
            raise Unsupported("map without keys")
        return pairs

    def call_value(self, name: str) -> Any:
        self.expect("(")
        values, pairs = self.items(")")
        return self.call(name, values, pairs)


def split_example(line: str) -> tuple[str, str]:
    """The call and the result of `call -> result`."""
    call, _, result = line.partition(" -> ")
    return call.strip(), result.strip()
