"""Shared pieces of the AST builder (layer 3): the per-parse state and the intermediate items.

`build.py` (declarations and statements) and `build_expressions.py` (expressions) are one Lark
transformer split in two modules; this is what both need. Lark calls the builder while it parses,
so the state of one parse (file, limits, errors) lives in a context variable.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import attrs
from lark import Token

from . import nodes as n
from .diagnostics import Diagnostic
from .limits import Limits
from .source import SourceFile, Span


@attrs.frozen
class _Arm:
    """A `cond -> stmt?` item, grouped into a `Branch` by its block."""

    condition: n.Expr
    statement: Any
    span: Span


@attrs.frozen
class _Header:
    name: Token | None
    options: tuple[n.Option, ...]


@attrs.frozen
class _Body:
    items: list[Any]
    short: bool
    end: Token | None = None  # the closing `end`, so a definition's span covers it


@attrs.frozen
class _Prefixed:
    """`not`, `!` and `-` before an operand; their reach depends on what follows (`not a == b`)."""

    ops: tuple[Token, ...]
    operand: Any

    @property
    def span(self) -> Span | None:
        return None


@attrs.define
class _State:
    """What one build needs; held in a context variable because Lark calls the builder's methods
    while it parses (no intermediate tree: measured 2x faster than transforming afterwards)."""

    source: SourceFile
    limits: Limits
    errors: list[Diagnostic]
    prefixed: dict[int, Any] = attrs.Factory(dict)  # id(Unary) -> _Prefixed, see `prefixed`


_STATE: ContextVar[_State] = ContextVar("bubble_build_state")


def split_options(arguments: list[Any]) -> tuple[tuple[Any, ...], tuple[n.Option, ...]]:
    """A call's or statement's arguments as (positional values, `key: value` options), each in
    order; most have no option, and then the list is taken whole."""
    options = tuple(a for a in arguments if isinstance(a, n.Option))
    if not options:
        return tuple(arguments), ()
    return tuple(a for a in arguments if not isinstance(a, n.Option)), options


def _start_of(child: Any) -> int | None:
    if child.__class__ is Token:  # the common case first: a third of the parse is finding spans
        return child.start_pos
    if isinstance(child, (n.Node, _Arm)):
        return child.span.start if child.span is not None else None
    if isinstance(child, list):
        for item in child:
            start = _start_of(item)
            if start is not None:
                return start
    if isinstance(child, Token):
        return child.start_pos
    if isinstance(child, _Body):
        return _start_of(child.items)
    if isinstance(child, _Header):
        return child.name.start_pos if child.name is not None else _start_of(list(child.options))
    return None


def _end_of(child: Any) -> int | None:
    if child.__class__ is Token:
        return child.end_pos
    if isinstance(child, (n.Node, _Arm)):
        return child.span.end if child.span is not None else None
    if isinstance(child, list):
        for item in reversed(child):
            end = _end_of(item)
            if end is not None:
                return end
    if isinstance(child, Token):
        return child.end_pos
    if isinstance(child, _Body):
        return child.end.end_pos if child.end is not None else _end_of(child.items)
    if isinstance(child, _Header):
        return _end_of(list(child.options)) if child.options else child.name.end_pos if child.name else None
    return None
