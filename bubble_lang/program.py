"""A resolved bot's records (layer 4): `Program`, its `DialogInfo`s and the `Usage` of names.

Why apart from `resolve.py`: the checks, the linker and the compiled image read these records;
only the resolver fills them. Here they can be named without importing the resolver, which
imports the checks.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from . import nodes as n
from .diagnostics import Diagnostic
from .limits import DEFAULT_LIMITS, Limits
from .patterns import LegacyPattern, Pattern
from .source import Span


@attrs.define(eq=False)
class DialogInfo:
    """One dialog definition with its place: the enclosing dialog (for inner dialogs) and its own
    inner dialogs in source order. Identity-compared, since two dialogs may be written alike."""

    decl: n.DialogDecl
    parent: DialogInfo | None = None
    inner: list[DialogInfo] = attrs.field(factory=list)

    @property
    def name(self) -> str | None:
        return self.decl.name

    @property
    def guard(self) -> n.Expr | None:
        return self.decl.guard

    @property
    def span(self) -> Span:
        return self.decl.span

    def option(self, key: str) -> n.Expr | None:
        option = self.decl.option(key)
        return option.value if option else None

    @property
    def kind(self) -> str:
        """How the dialog starts: `trigger`, `label`, `event`, `location`, `attachment` or `named`."""
        if not self.decl.options:  # most dialogs: nothing to search
            return "named"
        for key in ("trigger", "label", "event", "location", "attachment"):
            if self.decl.option(key) is not None:
                return key
        return "named"

    @property
    def display_name(self) -> str:
        """The name used in stacks and messages; `trigger@12` for an unnamed dialog (SPEC §4)."""
        return self.name or f"{self.kind}@{self.span.line}"

    @property
    def inner_matchers(self) -> list[DialogInfo]:
        """Inner dialogs tried when a message arrives while this dialog is on the stack."""
        return [d for d in self.inner if d.kind in ("trigger", "label")]


@attrs.define
class Usage:
    """Where each name is used, gathered while resolving, for the lint rules."""

    reads: dict[str, list[Span]] = attrs.field(factory=dict)
    """Variables read by name (conversation variables and `_locals`)."""
    writes: dict[str, list[Span]] = attrs.field(factory=dict)
    """Assignments, `x = ask` targets, `repeat` variables, legacy `#<name>` captures."""
    constants: dict[str, list[Span]] = attrs.field(factory=dict)
    dialogs: dict[str, list[Span]] = attrs.field(factory=dict)
    """Dialog names used by `invoke`, `goto`, `timeout_dialog:` and `before:`."""
    tasks: dict[str, list[Span]] = attrs.field(factory=dict)
    extensions: list[n.Command] = attrs.field(factory=list)
    """Every `extension` statement: extensions may read and write any conversation variable, and
    each names a server `bubble.toml` must configure."""

    @staticmethod
    def add(table: dict[str, list[Span]], name: str, span: Span) -> None:
        table.setdefault(name, []).append(span)


@attrs.define(eq=False, kw_only=True)
class Program:
    """A resolved bot: its symbols, its parsed patterns and every problem found."""

    scripts: tuple[n.Script, ...]
    dialogs: dict[str, list[DialogInfo]] = attrs.field(factory=dict)
    """Top-level named dialogs: name -> variants in source order (guards choose among them)."""
    all_dialogs: list[DialogInfo] = attrs.field(factory=list)
    """Every dialog, inner ones included, in source order."""
    trigger_dialogs: list[DialogInfo] = attrs.field(factory=list)
    """Top-level dialogs with `trigger:`, in matching order (file order, then source order)."""
    event_dialogs: list[DialogInfo] = attrs.field(factory=list)
    location_dialogs: list[DialogInfo] = attrs.field(factory=list)
    attachment_dialogs: list[DialogInfo] = attrs.field(factory=list)
    tasks: dict[str, list[n.TaskDecl]] = attrs.field(factory=dict)
    """Named tasks: name -> variants in source order."""
    before_tasks: dict[str, list[n.TaskDecl]] = attrs.field(factory=dict)
    """`task before: X` hooks by target (a dialog name, `__user_message__` or `__resolve__`)."""
    event_tasks: list[n.TaskDecl] = attrs.field(factory=list)
    tests: list[n.TestDecl] = attrs.field(factory=list)
    constants: dict[str, n.ConstDecl] = attrs.field(factory=dict)
    """Script constants by name (the first definition when one is duplicated)."""
    data_constants: dict[str, Span | None] = attrs.field(factory=dict)
    entry: str | None = None
    """`__main__` or `main`; None when neither is defined."""
    patterns: dict[Span, Pattern | LegacyPattern] = attrs.field(factory=dict)
    """The parsed pattern of every literal pattern string, keyed by the string's span."""
    usage: Usage = attrs.field(factory=Usage)
    limits: Limits = DEFAULT_LIMITS
    diagnostics: list[Diagnostic] = attrs.field(factory=list)
    _top_names: dict[str, Span | None] | None = attrs.field(default=None, init=False, repr=False)
    _every_name: dict[str, Span | None] | None = attrs.field(default=None, init=False, repr=False)
    _task_names: dict[str, Span | None] | None = attrs.field(default=None, init=False, repr=False)

    def pattern_of(self, string: n.Str) -> Pattern | LegacyPattern | None:
        """The compiled-at-load pattern of a string literal, if it was one."""
        return self.patterns.get(string.span)

    def find_dialogs(self, name: str, chain: tuple[DialogInfo, ...] = ()) -> list[DialogInfo]:
        """Variants `invoke name` may start from inside `chain` (enclosing dialogs, innermost
        last): inner dialogs of the enclosing dialogs first, then the top-level ones."""
        for info in reversed(chain):
            found = [inner for inner in info.inner if inner.name == name]
            if found:
                return found
        return self.dialogs.get(name, [])

    def dialog_names(self, chain: tuple[DialogInfo, ...] = ()) -> Mapping[str, Span | None]:
        """Every dialog name visible from `chain`, with where it is first defined. The top-level
        names are gathered once (a lint run asks for them for every unknown dialog, and copying
        them each time made a bot with many unknown names quadratic); do not change the result."""
        if self._top_names is None:
            self._top_names = {name: infos[0].decl.name_span for name, infos in self.dialogs.items()}
        inner = [inner for info in chain for inner in info.inner if inner.name is not None]
        if not inner:
            return self._top_names
        names = dict(self._top_names)
        for info in inner:
            names.setdefault(info.name, info.decl.name_span)  # type: ignore[arg-type]
        return names

    def every_dialog_name(self) -> Mapping[str, Span | None]:
        """Every dialog name, inner ones included, with its first definition (gathered once, as
        `dialog_names`; do not change the result)."""
        if self._every_name is None:
            self._every_name = {}
            for info in self.all_dialogs:
                if info.name is not None:
                    self._every_name.setdefault(info.name, info.decl.name_span)
        return self._every_name

    def task_names(self) -> Mapping[str, Span | None]:
        """Every task name with its first definition (gathered once; do not change the result)."""
        if self._task_names is None:
            self._task_names = {name: tasks[0].name_span for name, tasks in self.tasks.items()}
        return self._task_names

    def constant_names(self) -> dict[str, Span | None]:
        """Every constant name, script and data file, with where it is defined."""
        names: dict[str, Span | None] = dict(self.data_constants)
        names.update({name: decl.name_span for name, decl in self.constants.items()})
        return names

    @property
    def has_errors(self) -> bool:
        return any(d.severity.value == "error" for d in self.diagnostics)
