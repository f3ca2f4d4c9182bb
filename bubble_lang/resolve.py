"""Name resolution (layer 4): the scripts of one bot -> a `Program` and every diagnostic.

Input: the built `Script`s of a bot (all its files, in load order), the names of its data-file
constants and the `Limits`. Output: a `Program`: dialogs by name (variants in source order, with
their guards and inner dialogs), trigger dialogs in matching order, tasks, `before:` hooks, event
tasks, tests, constants, the entry point, the parsed pattern of every literal trigger/BML string,
what reads and writes which name, and `diagnostics` with every problem found (B1xx names, B2xx
context and values; the lint warnings of `checks/` come separately from `run_checks`).

The whole bot is resolved at once, so a name defined in another file of a directory bot counts.
Resolution never stops at the first problem and never evaluates anything: constants, guards and
patterns are only read. The body walk lives in `checks/resolution.py`, header checks in
`checks/headers.py`, the reserved names (entry and special dialogs, settings) in
`checks/reserved.py`; those modules never import this one at run time, only for type hints.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from . import nodes as n
from .checks.reserved import ENTRY_NAMES
from .checks.resolution import Resolver
from .checks.walk import walk_exprs
from .diagnostics import Diagnostic, Label, make_diagnostic
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


def resolve_bot(scripts: list[n.Script] | tuple[n.Script, ...], *,
                data_constants: Mapping[str, Span | None] | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Program:
    """Resolve a whole bot in one pass; problems are in `Program.diagnostics`, never raised."""
    program = Program(scripts=tuple(scripts), data_constants=dict(data_constants or {}), limits=limits)
    _collect(program)
    _find_entry(program)
    resolver = Resolver(program)
    for script in program.scripts:
        for decl in script.decls:
            if isinstance(decl, n.ConstDecl):
                resolver.constant(decl)
    for info in program.all_dialogs:
        if info.parent is None:
            resolver.dialog(info, ())
    for script in program.scripts:
        for decl in script.decls:
            if isinstance(decl, n.TaskDecl):
                resolver.task(decl)
            elif isinstance(decl, n.TestDecl):
                resolver.test(decl)
    _find_constant_cycles(program)
    program.diagnostics.sort(key=lambda d: d.sort_key)
    return program


# ------------------------------------------------------------------------------ declarations
def _collect(program: Program) -> None:
    """Register every dialog, task, test and constant, reporting duplicate constants."""
    for script in program.scripts:
        for decl in script.decls:
            if isinstance(decl, n.DialogDecl):
                _collect_dialog(program, decl, None)
            elif isinstance(decl, n.TaskDecl):
                _collect_task(program, decl)
            elif isinstance(decl, n.TestDecl):
                program.tests.append(decl)
            elif isinstance(decl, n.ConstDecl):
                _collect_constant(program, decl)


def _collect_dialog(program: Program, decl: n.DialogDecl, parent: DialogInfo | None) -> DialogInfo:
    info = DialogInfo(decl, parent)
    program.all_dialogs.append(info)
    if parent is None:
        if decl.name is not None:
            program.dialogs.setdefault(decl.name, []).append(info)
        table = {"trigger": program.trigger_dialogs, "event": program.event_dialogs,
                 "location": program.location_dialogs, "attachment": program.attachment_dialogs}.get(info.kind)
        if table is not None:
            table.append(info)
    for inner in decl.inner:
        info.inner.append(_collect_dialog(program, inner, info))
    return info


def _collect_task(program: Program, decl: n.TaskDecl) -> None:
    if decl.name is not None:
        program.tasks.setdefault(decl.name, []).append(decl)
    before = decl.option("before")
    if before is not None and isinstance(before.value, n.Name):
        program.before_tasks.setdefault(before.value.name, []).append(decl)
    if decl.option("event") is not None:
        program.event_tasks.append(decl)


def _collect_constant(program: Program, decl: n.ConstDecl) -> None:
    first = program.constants.get(decl.name)
    if first is not None:
        program.diagnostics.append(make_diagnostic(
            "B105", f"constant `@{decl.name}` is defined twice", decl.name_span, label="second definition",
            labels=(Label(first.name_span, "first defined here"),),
            hint="remove one of the definitions, or rename one"))
        return
    if decl.name in program.data_constants:
        data_span = program.data_constants[decl.name]
        program.diagnostics.append(make_diagnostic(
            "B505", f"constant `@{decl.name}` is also defined by a data file", decl.name_span,
            labels=(Label(data_span, "the data file"),) if data_span is not None else (),
            hint="rename the constant or the data file"))
        return
    program.constants[decl.name] = decl


def _find_entry(program: Program) -> None:
    """Pick the entry dialog; a bot with dialogs but no entry is an error (B106).

    A bot without any top-level dialog (only tests, tasks or constants) needs no entry: it cannot
    start a conversation anyway, and a directory bot may keep such files beside its dialogs.
    """
    for name in ENTRY_NAMES:
        if name in program.dialogs:
            program.entry = name
            return
    top = [info for info in program.all_dialogs if info.parent is None]
    if not top:
        return
    first = top[0]
    near = next((info for info in top if info.name and info.name.strip("_") in ("main", "start", "begin")), None)
    hint = (f"rename `{near.name}` to `main`, or add `dialog main do … end`" if near
            else "add `dialog main do … end`: conversations start there")
    program.diagnostics.append(make_diagnostic(
        "B106", "the bot has no `main` or `__main__` dialog", first.decl.name_span,
        label="the first dialog of the bot", hint=hint,
        notes=("a new conversation starts at `__main__` if defined, else at `main`",)))


def _find_constant_cycles(program: Program) -> None:
    """Report each group of constants whose values depend on each other once (B107)."""
    uses: dict[str, list[str]] = {}
    for name, decl in program.constants.items():
        uses[name] = [e.name for e in walk_exprs(decl.value) if isinstance(e, n.Const) and e.name in program.constants]
    reported: set[str] = set()
    for name in program.constants:
        if name in reported:
            continue
        reach = _reachable(name, uses)
        if name not in reach:
            continue
        members = [other for other in program.constants if other in reach and name in _reachable(other, uses)]
        reported.update(members)
        decl = program.constants[name]
        labels = tuple(Label(program.constants[other].name_span, f"`@{other}` is part of the cycle")
                       for other in members if other != name)
        message = (f"constant `@{name}` is defined in terms of itself" if len(members) == 1
                   else f"constants {', '.join(f'`@{m}`' for m in members)} are defined in terms of each other")
        hint = ("give it a value that does not use itself" if len(members) == 1
                else "give one of them a value that does not use the others")
        program.diagnostics.append(make_diagnostic("B107", message, decl.name_span, labels=labels, hint=hint))


def _reachable(start: str, uses: dict[str, list[str]]) -> set[str]:
    """Constants reachable from `start` in one or more steps."""
    seen: set[str] = set()
    stack = list(uses.get(start, ()))
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(uses.get(name, ()))
    return seen
