"""Definitions and references of one parsed block: what go-to-definition, find-references, rename
and completion look up.

Why its own walk: the resolver records uses as it checks (`Program.usage`), but only after the
whole bot resolved, and the server must answer from the blocks it has while the user types. Each
block's symbols are gathered once, when it is parsed (`text_blocks.parse_block`), so a request
looks through tables instead of walking 10,000 dialogs. The walk follows the resolver's reading of
names: the first argument of `invoke`/`goto` and `timeout_dialog:` and a task's `before:` name a
dialog, `perform`'s a task, `@name` a constant; other names are conversation variables (runtime
ones like `message` left out), written by `x = …`, `x = ask …` and `repeat x in …`.
"""

from __future__ import annotations

import attrs

from .. import nodes as n
from ..checks.walk import child_nodes, iter_nodes
from ..source import Span
from ..statements import RUNTIME_VARIABLES

DIALOG, TASK, CONSTANT, VARIABLE, TEST = "dialog", "task", "constant", "variable", "test"


@attrs.frozen
class Symbol:
    """One name at one place. `node` is the declaration for definitions of dialogs, tasks, tests
    and constants (the assignment or statement for variables)."""

    kind: str
    name: str
    span: Span = attrs.field(eq=False)
    node: n.Node | None = attrs.field(default=None, eq=False, repr=False)
    parent: str | None = None
    """For an inner dialog: the enclosing dialog's name."""


@attrs.frozen
class BlockSymbols:
    definitions: tuple[Symbol, ...] = ()
    references: tuple[Symbol, ...] = ()
    """Uses of dialogs, tasks and constants, and reads and writes of variables."""
    names: frozenset[tuple[str, str]] = frozenset()
    """(kind, name) of the dialogs, tasks and constants defined: what other blocks look up."""


EMPTY = BlockSymbols()


def block_symbols(script: n.Script | None) -> BlockSymbols:
    if script is None:
        return EMPTY
    walker = _Walker()
    for decl in script.decls:
        walker.decl(decl, None)
    names = frozenset((s.kind, s.name) for s in walker.definitions if s.kind in (DIALOG, TASK, CONSTANT))
    return BlockSymbols(definitions=tuple(walker.definitions), references=tuple(walker.references), names=names)


def dialog_target_span(value: n.Expr) -> Span | None:
    """Where a dialog name is written: a bare name, or the text inside a string's quotes."""
    if isinstance(value, n.Name):
        return value.span
    if isinstance(value, n.Str) and value.literal is not None and value.span is not None:
        return Span(value.span.file, value.span.start + 1, max(value.span.start + 1, value.span.end - 1))
    return None


class _Walker:
    def __init__(self) -> None:
        self.definitions: list[Symbol] = []
        self.references: list[Symbol] = []

    def define(self, kind: str, name: str, span: Span | None, node: n.Node, parent: str | None = None) -> None:
        if span is not None:
            self.definitions.append(Symbol(kind, name, span, node, parent))

    def use(self, kind: str, name: str, span: Span | None, node: n.Node | None = None) -> None:
        if span is not None:
            self.references.append(Symbol(kind, name, span, node))

    # ------------------------------------------------------------------ declarations
    def decl(self, decl: n.Decl, parent: str | None) -> None:
        if isinstance(decl, n.DialogDecl):
            if decl.name is not None:
                self.define(DIALOG, decl.name, decl.name_span, decl, parent)
            for option in decl.options:
                self.expr(option.value)
            if decl.guard is not None:
                self.expr(decl.guard)
            self.body(decl.body)
            for inner in decl.inner:
                self.decl(inner, decl.name or parent)
        elif isinstance(decl, n.TaskDecl):
            if decl.name is not None:
                self.define(TASK, decl.name, decl.name_span, decl)
            for option in decl.options:
                if option.key == "before" and isinstance(option.value, n.Name):
                    self.use(DIALOG, option.value.name, option.value.span)
                else:
                    self.expr(option.value)
            if decl.guard is not None:
                self.expr(decl.guard)
            self.body(decl.body)
        elif isinstance(decl, n.TestDecl):
            title = decl.title.literal if isinstance(decl.title, n.Str) else None
            self.define(TEST, title or "test", decl.title.span, decl)
            self.body(decl.body)
        elif isinstance(decl, n.ConstDecl):
            self.define(CONSTANT, decl.name, decl.name_span, decl)
            self.expr(decl.value)

    # ------------------------------------------------------------------ statements
    def body(self, statements: tuple[n.Stmt, ...]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, statement: n.Node) -> None:
        if isinstance(statement, n.Command):
            self.command(statement)
        elif isinstance(statement, n.Assign):
            self.target(statement.target, statement)
            self.expr(statement.value)
        elif isinstance(statement, n.Repeat):
            self.use(VARIABLE, statement.variable, statement.variable_span, statement)
            self.define(VARIABLE, statement.variable, statement.variable_span, statement)
            self.expr(statement.iterable)
            self.body(statement.body)
        elif isinstance(statement, n.DialogDecl):
            self.decl(statement, None)
        else:
            for child in child_nodes(statement):
                if isinstance(child, n.Expr):
                    self.expr(child)
                elif isinstance(child, n.BranchArm):
                    self.expr(child.condition)
                    self.body(child.body)
                else:
                    self.statement(child)

    def command(self, command: n.Command) -> None:
        skip: set[int] = set()
        first = command.args[0] if command.args else None
        if command.word in ("invoke", "goto") and isinstance(first, n.Name):
            self.use(DIALOG, first.name, first.span, command)
            skip.add(id(first))
        elif command.word == "perform" and isinstance(first, n.Name):
            self.use(TASK, first.name, first.span, command)
            skip.add(id(first))
        for option in command.options:
            if option.key == "timeout_dialog":
                span = dialog_target_span(option.value)
                name = option.value.name if isinstance(option.value, n.Name) else getattr(option.value, "literal", None)
                if span is not None and name:
                    self.use(DIALOG, name, span, command)
                    skip.add(id(option.value))
        if command.target is not None:
            self.target(command.target, command)
        for expr in (*command.args, *(option.value for option in command.options)):
            if id(expr) not in skip:
                self.expr(expr)

    def target(self, target: n.Expr, statement: n.Node) -> None:
        if isinstance(target, n.Name):
            self.use(VARIABLE, target.name, target.span, statement)
            self.define(VARIABLE, target.name, target.span, statement)
        elif isinstance(target, n.Const):
            self.use(CONSTANT, target.name, target.span)
        else:
            self.expr(target)

    # ------------------------------------------------------------------ expressions
    def expr(self, expr: n.Expr) -> None:
        for node in iter_nodes(expr):
            if isinstance(node, n.Name):
                if node.name not in RUNTIME_VARIABLES:
                    self.use(VARIABLE, node.name, node.span)
            elif isinstance(node, n.Const):
                self.use(CONSTANT, node.name, node.span)
