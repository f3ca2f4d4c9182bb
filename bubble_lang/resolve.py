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
`checks/reserved.py`. The records (`Program`, `DialogInfo`, `Usage`) are in `program.py`, which
those modules import, so none of them needs this one.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import nodes as n
from .checks.reserved import ENTRY_NAMES
from .checks.resolution import Resolver
from .checks.walk import walk_exprs
from .diagnostics import Label, make_diagnostic
from .limits import DEFAULT_LIMITS, Limits
from .program import DialogInfo, Program, Usage
from .source import Span

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
