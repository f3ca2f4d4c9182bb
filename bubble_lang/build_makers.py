"""Makers of the nodes the builder makes most (layer 3).

Why: a 10,000-dialog script builds about 150,000 nodes while it parses, and each frozen attrs
`__init__` sets its fields one `object.__setattr__` call at a time, a fifth of building the tree.
With the C accelerator, each function below is replaced by a maker (`_accel.c`, `record_maker`)
that writes the same slots directly; without it the function itself runs. Either way the result
is the node the function's body builds: `made_by` refuses (at import) any class whose `__init__`
does more than set fields — validators, converters, factories, `__attrs_post_init__` — and the
tests compare both on every maker.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from . import nodes as n
from .accel import ACCEL
from .source import SourceFile, Span

F = TypeVar("F", bound=Callable[..., Any])


def maker_defaults(cls: type, names: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """The (name, default) of every field of `cls` not in `names`; TypeError when a maker could not
    build `cls` exactly as its `__init__` does."""
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a slotted attrs class")
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        raise TypeError(f"{cls.__name__} runs code in its __init__")
    fields = {field.name: field for field in attrs.fields(cls)}
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
    defaults = []
    for field in fields.values():
        if field.validator is not None or field.converter is not None or not field.init:
            raise TypeError(f"{cls.__name__}.{field.name} is checked or converted by __init__")
        if field.alias != field.name:
            raise TypeError(f"{cls.__name__}.{field.name} is set under another name")
        if field.name in names:
            continue
        if field.default is attrs.NOTHING or isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            raise TypeError(f"{cls.__name__}.{field.name} has no plain default")
        defaults.append((field.name, field.default))
    return tuple(defaults)


#: (function, what replaced it) for every maker: the tests compare the two.
MADE: list[tuple[Callable[..., Any], Callable[..., Any]]] = []


def made_by(cls: type) -> Callable[[F], F]:
    """The decorated function builds `cls` from its parameters (named as `cls`'s fields); with the
    accelerator, a maker taking the same values positionally replaces it."""

    def replace(function: F) -> F:
        names = tuple(inspect.signature(function).parameters)
        defaults = maker_defaults(cls, names)
        made = function if ACCEL is None else ACCEL.record_maker(cls, names, defaults)
        MADE.append((function, made))
        return made  # type: ignore[no-any-return]

    return replace


@made_by(Span)
def span_node(file: SourceFile, start: int, end: int) -> Span:
    return Span(file, start, end)


@made_by(n.Name)
def name_node(name: str, span: Span | None) -> n.Name:
    return n.Name(name=name, span=span)


@made_by(n.Const)
def const_node(name: str, span: Span | None) -> n.Const:
    return n.Const(name=name, span=span)


@made_by(n.Literal)
def literal_node(value: Any, span: Span | None) -> n.Literal:
    return n.Literal(value=value, span=span)


@made_by(n.TextPart)
def text_node(value: str, span: Span | None) -> n.TextPart:
    return n.TextPart(value=value, span=span)


@made_by(n.Str)
def str_node(parts: tuple[Any, ...], span: Span | None) -> n.Str:
    return n.Str(parts=parts, span=span)


@made_by(n.Command)
def command_node(word: str, args: tuple[n.Expr, ...], options: tuple[n.Option, ...], target: n.Expr | None,
                 span: Span | None, word_span: Span | None) -> n.Command:
    return n.Command(word=word, args=args, options=options, target=target, span=span, word_span=word_span)


@made_by(n.Option)
def option_node(key: str, value: n.Expr, span: Span | None, key_span: Span | None) -> n.Option:
    return n.Option(key=key, value=value, span=span, key_span=key_span)


@made_by(n.Binary)
def binary_node(op: str, left: n.Expr, right: n.Expr, span: Span | None, op_span: Span | None) -> n.Binary:
    return n.Binary(op=op, left=left, right=right, span=span, op_span=op_span)


@made_by(n.Call)
def call_node(name: str, args: tuple[n.Expr, ...], options: tuple[n.Option, ...], span: Span | None,
              name_span: Span | None) -> n.Call:
    return n.Call(name=name, args=args, options=options, span=span, name_span=name_span)


@made_by(n.Assign)
def assign_node(target: n.Expr, value: n.Expr, span: Span | None) -> n.Assign:
    return n.Assign(target=target, value=value, span=span)


@made_by(n.DialogDecl)
def dialog_node(name: str | None, options: tuple[n.Option, ...], guard: n.Expr | None, body: tuple[n.Stmt, ...],
                inner: tuple[n.DialogDecl, ...], span: Span | None, name_span: Span | None) -> n.DialogDecl:
    return n.DialogDecl(name=name, options=options, guard=guard, body=body, inner=inner, span=span,
                        name_span=name_span)
