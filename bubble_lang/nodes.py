"""The AST (layer 3).

Input: nothing; these are plain frozen records built by `build.py`. Output: `dump(node)` text for
snapshot tests. Nodes are data: passes (resolve, checks, compiler) live elsewhere. `span` is left
out of equality and repr, so two scripts that differ only in layout build equal trees.
"""

from __future__ import annotations

from typing import Any

import attrs

from .source import Span


def _span() -> Any:
    return attrs.field(eq=False, repr=False, default=None)


@attrs.frozen(kw_only=True)
class Node:
    """Every node knows where it came from."""

    span: Span = _span()


class Expr(Node):
    """A value-producing node."""


class Stmt(Node):
    """Something a dialog, task or test does."""


class Decl(Node):
    """A top-level definition."""


# ---------------------------------------------------------------------------- expressions
@attrs.frozen(kw_only=True)
class Literal(Expr):
    """A number, `true`, `false` or `nil`."""

    value: int | float | bool | None


@attrs.frozen(kw_only=True)
class TextPart(Node):
    """Decoded literal text of a string. `escapes` are the decoded indexes where a two-character
    escape stood, so a position inside the text maps back to the source (for pattern carets)."""

    value: str
    escapes: tuple[int, ...] = attrs.field(default=(), eq=False, repr=False)

    def source_offset(self, index: int) -> int:
        """Source offset of decoded character `index`."""
        extra = sum(1 for at in self.escapes if at < index)
        return self.span.start + index + extra


@attrs.frozen(kw_only=True)
class Str(Expr):
    """A string; `parts` are `TextPart`s and interpolated expressions in order."""

    parts: tuple[TextPart | Expr, ...]
    translated: bool = False

    @property
    def literal(self) -> str | None:
        """The text when the string has no interpolation."""
        if all(isinstance(part, TextPart) for part in self.parts):
            return "".join(part.value for part in self.parts)  # type: ignore[union-attr]
        return None


@attrs.frozen(kw_only=True)
class Atom(Expr):
    name: str


@attrs.frozen(kw_only=True)
class Name(Expr):
    """A variable (global, `_local`, or runtime like `message`)."""

    name: str


@attrs.frozen(kw_only=True)
class Const(Expr):
    """`@name`."""

    name: str


@attrs.frozen(kw_only=True)
class Field(Expr):
    target: Expr
    name: str
    name_span: Span = _span()


@attrs.frozen(kw_only=True)
class Index(Expr):
    target: Expr
    index: Expr


@attrs.frozen(kw_only=True)
class Option(Node):
    """`key: value`, in calls, statements, headers, keyword lists and queries."""

    key: str
    value: Expr
    key_span: Span = _span()


def find_option(options: tuple[Option, ...], key: str) -> Option | None:
    """The first `key:` option, if given (statements, headers)."""
    for option in options:
        if option.key == key:
            return option
    return None


@attrs.frozen(kw_only=True)
class Query(Expr):
    """`@menu[title: item]`: elements whose fields equal the values."""

    target: Expr
    fields: tuple[Option, ...]


@attrs.frozen(kw_only=True)
class Call(Expr):
    """A builtin call; only the registry is reachable (SPEC §3)."""

    name: str
    args: tuple[Expr, ...]
    options: tuple[Option, ...] = ()
    name_span: Span = _span()


@attrs.frozen(kw_only=True)
class ListExpr(Expr):
    items: tuple[Expr, ...]


@attrs.frozen(kw_only=True)
class KeywordList(Expr):
    """`[lat: 1, lon: 2]`."""

    items: tuple[Option, ...]


@attrs.frozen(kw_only=True)
class MapEntry(Node):
    key: Expr
    value: Expr


@attrs.frozen(kw_only=True)
class MapExpr(Expr):
    entries: tuple[MapEntry, ...]


@attrs.frozen(kw_only=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr
    op_span: Span = _span()


@attrs.frozen(kw_only=True)
class Unary(Expr):
    op: str
    operand: Expr


# ---------------------------------------------------------------------------- statements
@attrs.frozen(kw_only=True)
class Command(Stmt):
    """A simple statement: `say`, `ask`, `invoke`, `expect`, … (the table is in `statements.py`).

    `args` are the positional arguments, `options` the `key: value` ones. `target` is the variable
    of `x = ask …`. The statement word decides the meaning; the builder has checked the shape.
    """

    word: str
    args: tuple[Expr, ...] = ()
    options: tuple[Option, ...] = ()
    target: Expr | None = None
    word_span: Span = _span()

    def option(self, key: str) -> Expr | None:
        found = find_option(self.options, key)
        return found.value if found is not None else None


@attrs.frozen(kw_only=True)
class Assign(Stmt):
    target: Expr
    value: Expr


@attrs.frozen(kw_only=True)
class If(Stmt):
    """`if` and `unless` (negated)."""

    condition: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...] | None = None
    negated: bool = False


@attrs.frozen(kw_only=True)
class BranchArm(Node):
    condition: Expr
    body: tuple[Stmt, ...]


@attrs.frozen(kw_only=True)
class Branch(Stmt):
    """`branch do c -> … end` (subject None) or `branch x do v -> … end`."""

    subject: Expr | None
    arms: tuple[BranchArm, ...]
    else_: tuple[Stmt, ...] | None = None


@attrs.frozen(kw_only=True)
class Repeat(Stmt):
    variable: str
    iterable: Expr
    body: tuple[Stmt, ...]
    variable_span: Span = _span()


@attrs.frozen(kw_only=True)
class Random(Stmt):
    """Runs one of `choices`, uniformly."""

    choices: tuple[Stmt, ...]


@attrs.frozen(kw_only=True)
class Once(Stmt):
    """The n-th pass runs `steps[n]`; then `after` every time (or nothing when None)."""

    steps: tuple[Stmt, ...]
    after: tuple[Stmt, ...] | None = None


# ---------------------------------------------------------------------------- declarations
@attrs.frozen(kw_only=True)
class DialogDecl(Decl):
    """A dialog; `options` are the header's `trigger:`, `event:`, `location:`, `radius:`,
    `attachment:` and `label:`. `inner` are the dialogs defined in its body."""

    name: str | None
    options: tuple[Option, ...] = ()
    guard: Expr | None = None
    body: tuple[Stmt, ...] = ()
    inner: tuple[DialogDecl, ...] = ()
    name_span: Span = _span()

    def option(self, key: str) -> Option | None:
        return find_option(self.options, key)


@attrs.frozen(kw_only=True)
class TaskDecl(Decl):
    """A task; `options` are `before:` and `event:`."""

    name: str | None
    options: tuple[Option, ...] = ()
    guard: Expr | None = None
    body: tuple[Stmt, ...] = ()
    name_span: Span = _span()

    def option(self, key: str) -> Option | None:
        return find_option(self.options, key)


@attrs.frozen(kw_only=True)
class TestDecl(Decl):
    title: Expr
    body: tuple[Stmt, ...] = ()


@attrs.frozen(kw_only=True)
class ConstDecl(Decl):
    name: str
    value: Expr
    name_span: Span = _span()


@attrs.frozen(kw_only=True)
class Script(Node):
    """One file's declarations, in source order."""

    path: str
    decls: tuple[Decl, ...]


# ---------------------------------------------------------------------------- dump
def dump(node: object, indent: int = 0) -> str:
    """One field per line, for syrupy snapshots; `@line:col` after each node's class."""
    lines: list[str] = []
    _dump_into(lines, node, indent, "")
    return "\n".join(lines)


def _position(node: Node) -> str:
    if node.span is None:
        return ""
    return f" @{node.span.line}:{node.span.column}"


def _dump_into(lines: list[str], value: object, indent: int, prefix: str) -> None:
    pad = "  " * indent
    if isinstance(value, Str) and value.literal is not None:
        flag = " translated" if value.translated else ""
        lines.append(f"{pad}{prefix}Str{_position(value)}{flag} {value.literal!r}")
    elif isinstance(value, Node):
        lines.append(f"{pad}{prefix}{type(value).__name__}{_position(value)}")
        for field in attrs.fields(type(value)):
            if not field.eq or field.name == "span":
                continue
            child = getattr(value, field.name)
            if child is None or child == () or (field.default is not attrs.NOTHING and child == field.default
                                                and not isinstance(child, Node)):
                continue
            _dump_into(lines, child, indent + 1, f"{field.name}: ")
    elif isinstance(value, tuple):
        lines.append(f"{pad}{prefix}[")
        for item in value:
            _dump_into(lines, item, indent + 1, "")
        lines.append(f"{pad}]")
    else:
        lines.append(f"{pad}{prefix}{value!r}")
