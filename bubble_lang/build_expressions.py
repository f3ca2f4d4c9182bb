"""Expressions of the AST builder (layer 3): operators by precedence, fields, calls, literals.

A mixin of `build._Builder`: Lark calls these methods by grammar rule while it parses. Operators
come flat from the grammar (`a op b op c …`) and are arranged here by precedence (SPEC §3), with
recursion bounded by the number of precedence levels and the syntax nesting limit.
"""

from __future__ import annotations

from typing import Any

import attrs
from lark import Token

from . import nodes as n
from .build_makers import (binary_node, call_node, const_node, literal_node, name_node, span_node, str_node,
                          text_node)
from .build_state import _STATE, _Prefixed, split_options
from .source import Span

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "#": "#", "{": "{", "r": "\r"}
_OPERATORS = {"||": "or", "&&": "and", "!": "not"}

# Binding power of binary operators, and of prefix operators over what follows them.
_BINARY_POWER = {"or": 1, "||": 1, "and": 2, "&&": 2, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
                 "in": 4, "+": 5, "-": 5, "*": 6, "/": 6}
_PREFIX_POWER = {"not": 4, "!": 4, "-": 7}


class _Arranger:
    """Precedence climbing over a flat `operand op operand …` list. Recursion depth is bounded by the
    number of precedence levels plus prefix operators (both limited), never by the chain length."""

    def __init__(self, builder: Any, items: list[Any]):
        self.builder = builder
        self.items = items
        self.pos = 0

    def expression(self, min_power: int) -> n.Expr:
        left = self.operand()
        while self.pos < len(self.items):
            op: Token = self.items[self.pos]
            power = _BINARY_POWER[op.value]
            if power < min_power:
                break
            self.pos += 1
            right = self.expression(power + 1)
            left = binary_node(_OPERATORS.get(op.value, op.value), left, right, self.builder._cover([left, right]),
                               self.builder._token_span(op))
        return left

    def operand(self) -> n.Expr:
        item = self.items[self.pos]
        if isinstance(item, _Prefixed):
            op, rest = item.ops[0], item.ops[1:]
            self.items[self.pos] = _Prefixed(rest, item.operand) if rest else item.operand
            operand = self.expression(_PREFIX_POWER[op.value])
            span = Span(self.builder.source, op.start_pos, operand.span.end if operand.span else op.end_pos)
            if op.value == "-" and isinstance(operand, n.Literal) and type(operand.value) in (int, float):
                return n.Literal(value=-operand.value, span=span)  # `-1` is a number, not an operation
            return n.Unary(op=_OPERATORS.get(op.value, op.value), operand=operand, span=span)
        self.pos += 1
        return item


class ExpressionCallbacks:
    """The expression rules of the grammar; helpers (`_cover`, `_error`, …) come from the builder."""

    def operation(self, children: list[Any]) -> n.Expr:
        """`a op b op c …` as the grammar reads it, arranged here by precedence (SPEC §3)."""
        operators = len(children) // 2
        if operators > self.limits.syntax_nesting:
            self._error("B009", f"expression too long: more than {self.limits.syntax_nesting} operators",
                        self._cover(children), hint="split it over several assignments")
            return children[0] if isinstance(children[0], n.Expr) else n.Literal(value=None)
        pending = _STATE.get().prefixed
        items = [pending.pop(id(child)) if id(child) in pending else child for child in children]
        return _Arranger(self, items).expression(0)

    def prefixed(self, children: list[Any]) -> n.Expr:
        """`not`/`!`/`-` before an operand. Built as nested `Unary` at once; if an operation follows,
        `operation` takes the parts back, since `not a == b` means `not (a == b)`."""
        ops = tuple(children[:-1])
        if len(ops) > self.limits.syntax_nesting:
            self._error("B009", f"nesting too deep: more than {self.limits.syntax_nesting} prefix operators",
                        self._cover(children), hint="remove the repeated operators")
            return children[-1]
        node = _Arranger(self, [_Prefixed(ops, children[-1])]).expression(0)
        _STATE.get().prefixed[id(node)] = _Prefixed(ops, children[-1])
        return node

    def _chain_too_deep(self, target: Any, children: list[Any]) -> bool:
        """Bound `a.b.c[0]…` chains like any other nesting (later passes recurse on them). Past the
        limit the extra links are dropped, and the error is reported once per chain."""
        depth = 1
        root = target
        while isinstance(root, (n.Field, n.Index, n.Query)):
            depth += 1
            root = root.target
        if depth <= self.limits.syntax_nesting:
            return False
        reported = _STATE.get().prefixed.setdefault(-1, set())
        start = root.span.start if root.span is not None else -1
        if start not in reported:
            reported.add(start)
            self._error("B009", f"nesting too deep: more than {self.limits.syntax_nesting} fields and indexes "
                        "in a row", self._cover(children), hint="store part of the value in a variable first")
        return True

    def field(self, children: list[Any]) -> n.Expr:
        if self._chain_too_deep(children[0], children):
            return children[0]
        name: Token = children[2]
        return n.Field(target=children[0], name=name.value, span=self._cover(children), name_span=self._token_span(name))

    def index(self, children: list[Any]) -> n.Expr:
        target, argument = children[0], children[2]
        if self._chain_too_deep(target, children):
            return target
        if isinstance(argument, list):
            return n.Query(target=target, fields=tuple(argument), span=self._cover(children))
        return n.Index(target=target, index=argument, span=self._cover(children))

    def index_args(self, children: list[Any]) -> n.Expr:
        return children[0]

    def query(self, children: list[Any]) -> list[n.Option]:
        options = []
        pending: Token | None = None
        for child in children:
            if isinstance(child, Token) and child.type == "KEY":
                pending = child
            elif not isinstance(child, Token) and pending is not None:
                span = Span(self.source, pending.start_pos, child.span.end if child.span else pending.end_pos)
                options.append(n.Option(key=pending.value[:-1], value=child, span=span,
                                        key_span=self._token_span(pending)))
                pending = None
        return options

    def call(self, children: list[Any]) -> n.Call:
        name: Token = children[0]
        arguments = children[2] if len(children) > 3 else []
        args, options = split_options(arguments)
        return call_node(name.value, args, options, self._cover(children), self._token_span(name))

    def number(self, children: list[Any]) -> n.Literal:
        text = children[0].value.replace("_", "")
        value: int | float
        if "." in text or "e" in text or "E" in text:
            value = float(text)
            if value in (float("inf"), float("-inf")):  # `1.0e400`: numbers stay finite (SPEC §13)
                self._error("B039", "number too large: this decimal number is beyond what can be stored",
                            self._cover(children), hint="use a smaller exponent (decimal numbers reach about 1.8e308)")
                return n.Literal(value=0, span=self._cover(children))
        else:
            value = int(text) if len(text) <= 17 else 0
            if len(text) > 17 or value > self.limits.integer_magnitude:
                self._error("B039", "number too large: integers are limited to 2^53", self._cover(children),
                           hint="use a smaller number, or write it as a string")
                return n.Literal(value=0, span=self._cover(children))
        return literal_node(value, self._cover(children))

    def string(self, children: list[Any]) -> n.Str:
        parts: list[n.TextPart | n.Expr] = []
        for child in children:
            if isinstance(child, Token):
                if child.type == "STR_TEXT":
                    parts.append(self._decode(child.value, child.start_pos, child.end_pos))
                elif child.type == "STRING" and child.value:  # a plain string: its text without the quotes
                    parts.append(self._decode(child.value, child.start_pos + 1, child.end_pos - 1))
            else:
                parts.append(child)
        return str_node(tuple(parts), self._cover(children))

    def _decode(self, raw: str, start: int, end: int) -> n.TextPart:
        """A run of string text at `start`..`end` with its escapes decoded."""
        span = span_node(self.source, start, end)
        if "\\" not in raw:
            return text_node(raw, span)
        out: list[str] = []
        escapes: list[int] = []
        index = 0
        while index < len(raw):
            char = raw[index]
            if char == "\\" and index + 1 < len(raw) and raw[index + 1] in _ESCAPES:
                escapes.append(len(out))
                out.append(_ESCAPES[raw[index + 1]])
                index += 2
            else:
                out.append(char)
                index += 1
        return n.TextPart(value="".join(out), escapes=tuple(escapes), span=span)

    def interpolation(self, children: list[Any]) -> n.Expr:
        return children[1]

    def translated(self, children: list[Any]) -> n.Str:
        return attrs.evolve(children[1], translated=True, span=self._cover(children))

    def constant(self, children: list[Any]) -> n.Const:
        return const_node(children[0].value[1:], self._cover(children))

    def atom(self, children: list[Any]) -> n.Atom:
        return n.Atom(name=children[0].value[1:], span=self._cover(children))

    def name(self, children: list[Any]) -> n.Name:
        return name_node(children[0].value, self._cover(children))

    def true(self, children: list[Any]) -> n.Literal:
        return n.Literal(value=True, span=self._cover(children))

    def false(self, children: list[Any]) -> n.Literal:
        return n.Literal(value=False, span=self._cover(children))

    def nil(self, children: list[Any]) -> n.Literal:
        return n.Literal(value=None, span=self._cover(children))

    def list(self, children: list[Any]) -> n.Expr:
        items = children[1] if len(children) > 2 else []
        options = [i for i in items if isinstance(i, n.Option)]
        if options and len(options) == len(items):
            return n.KeywordList(items=tuple(options), span=self._cover(children))
        if options:
            self._error("B010", "a list mixes plain items and `key: value` items", options[0].span,
                       hint="use either `[a, b]` or `[key: a, other: b]`, or a map `%{…}`")
        return n.ListExpr(items=tuple(i for i in items if not isinstance(i, n.Option)), span=self._cover(children))

    def map(self, children: list[Any]) -> n.MapExpr:
        entries = children[1] if len(children) > 2 else []
        return n.MapExpr(entries=tuple(entries), span=self._cover(children))

    def map_items(self, children: list[Any]) -> list[n.MapEntry]:
        return [c for c in children if isinstance(c, n.MapEntry)]

    def key_entry(self, children: list[Any]) -> n.MapEntry:
        key: Token = children[0]
        key_expr = n.Atom(name=key.value[:-1], span=self._token_span(key))
        return n.MapEntry(key=key_expr, value=children[1], span=self._cover(children))

    def expr_entry(self, children: list[Any]) -> n.MapEntry:
        return n.MapEntry(key=children[0], value=children[2], span=self._cover(children))

    def paren(self, children: list[Any]) -> n.Expr:
        _STATE.get().prefixed.pop(id(children[1]), None)  # `(not a) == b` keeps its grouping
        return children[1]
