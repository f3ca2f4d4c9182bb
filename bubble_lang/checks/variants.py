"""Lint: dialogs and tasks that can never run (B301).

Input: a resolved `Program`. Output: a warning for each variant after an unguarded variant of the
same name (in the same place: top level, or inner dialogs of one parent), and for each trigger,
event, attachment or label dialog whose trigger exactly repeats an earlier unguarded one in the
same list. Only exact equality is judged (patterns compare by structure, ignoring spacing), so it
never guesses that one pattern covers another.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .. import nodes as n
from ..diagnostics import Diagnostic, Label, make_diagnostic
from ..patterns import LegacyPattern, Pattern

if TYPE_CHECKING:
    from ..program import DialogInfo, Program


def check_unreachable_variants(program: Program) -> Iterator[Diagnostic]:
    """Shadowed same-name variants and repeated triggers."""
    groups: list[list[n.DialogDecl | n.TaskDecl]] = [[i.decl for i in infos] for infos in program.dialogs.values()]
    for info in program.all_dialogs:
        by_name: dict[str, list[n.DialogDecl | n.TaskDecl]] = {}
        for inner in info.inner:
            if inner.name is not None:
                by_name.setdefault(inner.name, []).append(inner.decl)
        groups.extend(by_name.values())
    groups.extend(list(tasks) for tasks in program.tasks.values())
    for variants in groups:
        yield from _shadowed(variants)
    scopes: list[list[DialogInfo]] = [program.trigger_dialogs, program.event_dialogs, program.attachment_dialogs,
                                      program.location_dialogs]
    for info in program.all_dialogs:
        by_kind: dict[str, list[DialogInfo]] = {}
        for inner in info.inner:
            if inner.kind != "named":
                by_kind.setdefault(inner.kind, []).append(inner)
        scopes.extend(by_kind.values())
    for scope in scopes:
        yield from _repeated_triggers(program, scope)


def _shadowed(variants: list[n.DialogDecl | n.TaskDecl]) -> Iterator[Diagnostic]:
    winner: n.DialogDecl | n.TaskDecl | None = None
    for variant in variants:
        if winner is not None and not variant.options:
            what = "task" if isinstance(variant, n.TaskDecl) else "dialog"
            yield make_diagnostic(
                "B301", f"{what} `{variant.name}` is shadowed by an earlier unguarded definition",
                variant.name_span, label="never chosen",
                labels=(Label(winner.name_span, "this definition has no `when` guard and always wins"),),
                hint="add a `when` guard to the earlier definition, merge the two, or remove this one")
        if winner is None and variant.guard is None:
            winner = variant


def _repeated_triggers(program: Program, scope: Iterable[DialogInfo]) -> Iterator[Diagnostic]:
    earlier: dict[object, DialogInfo] = {}  # keys are hashable (frozen nodes): no pairwise comparison
    for info in scope:
        key = _trigger_key(program, info)
        if key is None:
            continue
        try:
            first = earlier.get(key)
        except TypeError:  # an unhashable key (a list inside a node): compare one by one
            first = next((other for other_key, other in earlier.items() if other_key == key), None)
        if first is not None:
            option = info.decl.option(info.kind)
            first_option = first.decl.option(first.kind)
            assert option is not None and first_option is not None
            yield make_diagnostic(
                "B301", f"this {_what(info.kind)} is already handled by an earlier dialog",
                option.value.span, label="never matched",
                labels=(Label(first_option.value.span, "this dialog is tried first and always matches"),),
                hint="remove this dialog, merge it with the earlier one, or guard the earlier one with `when`")
        elif info.guard is None:
            try:
                earlier.setdefault(key, info)
            except TypeError:
                pass


def _what(kind: str) -> str:
    return {"trigger": "trigger", "label": "label", "event": "event name",
            "attachment": "attachment kind", "location": "location"}.get(kind, kind)


def _trigger_key(program: Program, info: DialogInfo) -> object | None:
    """What a dialog is matched on, in a form equal for exactly equal triggers; None to skip."""
    value = info.option(info.kind)
    if value is None:
        return None
    if info.kind == "trigger" and isinstance(value, n.Str):
        pattern = program.pattern_of(value)
        if isinstance(pattern, Pattern):
            return None if pattern.never_matches or pattern.root is None else ("bml", pattern.root)
        if isinstance(pattern, LegacyPattern):
            return ("legacy", pattern.source)
        return None
    if isinstance(value, n.Str):
        text = value.literal
        return None if text is None else (info.kind, text)
    if info.kind == "location":
        radius = info.option("radius")
        return ("location", value, radius)
    if isinstance(value, (n.Const, n.Call, n.Atom)):
        return (info.kind, value)
    return None
