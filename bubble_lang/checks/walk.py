"""Generic AST traversal for the resolver and the lint rules (layer 4).

Input: nodes from `nodes.py`. Output: iterators over child nodes, nested statement blocks and
every node below a point. Traversal is iterative and driven by the attrs fields of each node, so a
new node class is walked without changes here. Nothing here reports anything.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from .. import nodes as n

SEQUENCE = "sequence"
"""Statements that run one after the other."""
LOOP = "loop"
"""A `repeat` body: after its last statement, its first runs again."""
CHOICE = "choice"
"""`random` choices and `once` steps: one of them runs, not the ones after it."""

TERMINATORS = frozenset({"close", "goto", "return", "continue", "break"})


_WALKED: dict[type, tuple[str, ...]] = {}


def _walked_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may hold nodes, in order (asked once per class: reading
    `attrs.fields` for every node was a third of the lint time on a 10,000-dialog script)."""
    names = _WALKED.get(cls)
    if names is None:
        names = _WALKED[cls] = tuple(field.name for field in attrs.fields(cls)
                                     if field.name != "span" and field.eq)
    return names


def child_nodes(node: n.Node) -> list[n.Node]:
    """Direct children in field order; inner dialogs of a `DialogDecl` included."""
    found: list[n.Node] = []
    Node = n.Node
    for name in _WALKED.get(type(node)) or _walked_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node):
            found.append(value)
        elif isinstance(value, tuple):
            found.extend(item for item in value if isinstance(item, Node))
    return found


def iter_nodes(node: n.Node) -> Iterator[n.Node]:
    """`node` and every node below it, depth first, in source order."""
    stack = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        yield current
        children = child_nodes(current)
        if children:
            children.reverse()
            extend(children)


_COMPOUND = (n.If, n.Branch, n.Repeat, n.Random, n.Once)


def blocks(statement: n.Stmt) -> list[tuple[tuple[n.Stmt, ...], str]]:
    """The statement blocks nested directly in a compound statement, each with how it runs."""
    if not isinstance(statement, _COMPOUND):  # most statements: asked once, not five times
        return []
    if isinstance(statement, n.If):
        found = [(statement.then, SEQUENCE)]
        if statement.else_ is not None:
            found.append((statement.else_, SEQUENCE))
        return found
    if isinstance(statement, n.Branch):
        found = [(arm.body, SEQUENCE) for arm in statement.arms]
        if statement.else_ is not None:
            found.append((statement.else_, SEQUENCE))
        return found
    if isinstance(statement, n.Repeat):
        return [(statement.body, LOOP)]
    if isinstance(statement, n.Random):
        return [(statement.choices, CHOICE)]
    if isinstance(statement, n.Once):
        found = [(statement.steps, CHOICE)]
        if statement.after is not None:
            found.append((statement.after, SEQUENCE))
        return found
    return []


def iter_statements(body: tuple[n.Stmt, ...]) -> Iterator[n.Stmt]:
    """Every statement of a body, nested ones included, in source order."""
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        yield statement
        nested = [s for block, _ in blocks(statement) for s in block]
        stack.extend(reversed(nested))


def ends_flow(statement: n.Stmt, in_loop: bool = True) -> bool:
    """True when control never passes to the next statement of the same block.

    `in_loop` says a `break` would leave a loop; outside one it is an error reported elsewhere,
    and must not make the statements after it look unreachable too.
    """
    if isinstance(statement, n.Command):
        return statement.word in TERMINATORS and (in_loop or statement.word != "break")
    if isinstance(statement, n.If):
        return (statement.else_ is not None and _block_ends(statement.then, in_loop)
                and _block_ends(statement.else_, in_loop))
    if isinstance(statement, n.Branch):
        return (statement.else_ is not None and _block_ends(statement.else_, in_loop)
                and all(_block_ends(arm.body, in_loop) for arm in statement.arms))
    return False


def _block_ends(block: tuple[n.Stmt, ...], in_loop: bool) -> bool:
    return any(ends_flow(statement, in_loop) for statement in block)


def walk_exprs(node: n.Node) -> Iterator[n.Expr]:
    """Every expression below `node` (statements and their nested blocks included)."""
    for item in iter_nodes(node):
        if isinstance(item, n.Expr):
            yield item


def reads_name(node: n.Node, name: str) -> bool:
    """Whether an expression anywhere below `node` reads the variable `name`."""
    return any(isinstance(e, n.Name) and e.name == name for e in walk_exprs(node))


def root_name(expr: n.Expr) -> n.Name | None:
    """`user` for `user.address.city`; None when the chain does not start at a name."""
    while isinstance(expr, (n.Field, n.Index)):
        expr = expr.target
    return expr if isinstance(expr, n.Name) else None


def program_bodies(program: object) -> Iterator[tuple[n.Node, tuple[n.Stmt, ...]]]:
    """Every (declaration, body) of a resolved program: dialogs (inner ones too), tasks, tests."""
    for info in program.all_dialogs:  # type: ignore[attr-defined]
        yield info.decl, info.decl.body
    for script in program.scripts:  # type: ignore[attr-defined]
        for decl in script.decls:
            if isinstance(decl, (n.TaskDecl, n.TestDecl)):
                yield decl, decl.body


def contains(outer: n.Node, span: object) -> bool:
    """Whether `span` lies inside `outer`'s span (same file)."""
    inner = span
    return (outer.span is not None and inner is not None and inner.file is outer.span.file  # type: ignore[attr-defined]
            and outer.span.start <= inner.start and inner.end <= outer.span.end)  # type: ignore[attr-defined]


def count_commands(body: tuple[n.Stmt, ...], word: str) -> int:
    """How many `word` statements a body has, nested blocks included (inner dialogs are bodies of
    their own): the compiler numbers wizard steps with it ("Step k of n")."""
    return sum(1 for s in iter_statements(body) if isinstance(s, n.Command) and s.word == word)
