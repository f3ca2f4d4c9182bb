"""The linked bot (layer 7): compiled code plus every table the VM looks things up in, frozen.

Input: a resolved `Program` (no errors), data-file constants and the config. Output: a
`BotImage`: a code object per dialog, task, test, guard and trigger expression, keyed by a
stable identity; dialog entries with their linked triggers; hook and event tables; the values of
all constants; every pattern the bot spells out, compiled; the trigger index; the settings read
from constants. Linking evaluates what is pure (constants, trigger expressions) and never runs a
dialog.

Everything is computed here and the image is never written to afterwards — no cache fills up
during a turn, no code is compiled at run time — so one image serves many conversations on many
threads at once (DESIGN §1b).

Stable identity (SPEC §14): a dialog is `dialog:NAME#K` (the K-th top-level definition of that
name) or, unnamed, `dialog:trigger="hi | hello"#K`, `dialog:event=ping#K`, …; an inner dialog
puts its parent's identity in front (`dialog:main#0/label=Order#0`). Tasks are `task:NAME#K`,
`before:TARGET#K`, `task-event:NAME#K`. Source positions are not part of it, so adding a comment
above a dialog changes nothing for the conversations waiting in it.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum

from .. import nodes as n
from ..checks.walk import walk_exprs
from ..compiler import Compiler
from ..config import Config
from ..diagnostics import BubbleCompileError, make_diagnostic
from ..opcodes import CodeObject
from ..patterns import PatternError
from ..program import DialogInfo, Program
from ..runtime import matching
from ..runtime.script_errors import ScriptError
from ..runtime.session import SessionState
from ..runtime.values import Record, plain_text
from ..source import Span
from ..runtime.value_bounds import constant_sizes
from .concepts import concept_table
from .duration_values import parse_duration
from .bot_image import BotImage, DialogEntry, TaskEntry, TestEntry
from .machine import Machine, ScriptFailure
from .pattern_match import LinkedTrigger, compile_pattern_text
from .timers import DEFAULT_SESSION_TIMEOUT

SPECIAL_DIALOGS = ("__main__", "main", "__root__", "__unknown__", "__unknown_event__", "__unknown_location__",
                   "__unknown_attachment__", "__returning__", "__timeout__", "__resume__", "__ask_timeout__",
                   "__closed__", "__error__")


# ---------------------------------------------------------------------------------- identities
def _part(info: DialogInfo) -> str:
    if info.name is not None:
        return info.name
    value = info.option(info.kind)
    if info.kind == "trigger" and isinstance(value, n.Str) and value.literal is not None:
        return f"trigger={value.literal!r}"
    point = _point(value) if info.kind == "location" else None
    if point is not None:
        radius = _number(info.option("radius"))
        return f"location={point[0]:g},{point[1]:g},{radius if radius is not None else 100.0:g}"
    text = _option_text(value)
    if text is None and value is not None and value.span is not None:
        text = " ".join(value.span.text.split())
    return f"{info.kind}={text}"


def dialog_refs(program: Program) -> dict[int, str]:
    """The stable identity of every dialog, by `id(DialogInfo)` (see the module docstring)."""
    refs: dict[int, str] = {}
    counts: dict[str, int] = {}
    for info in program.all_dialogs:  # parents come before their inner dialogs
        prefix = refs[id(info.parent)] + "/" if info.parent is not None else "dialog:"
        base = prefix + _part(info)
        counts[base] = counts.get(base, -1) + 1
        refs[id(info)] = f"{base}#{counts[base]}"
    return refs


# ---------------------------------------------------------------------------------- helpers
def _end_span(decl: n.Decl) -> Span | None:
    span = decl.span
    return Span(span.file, max(span.end - 3, span.start), span.end) if span is not None else None


def _header(decl: n.DialogDecl) -> dict[str, Any]:
    """The `DialogEntry` fields a dialog's header options give. The first option of each key
    counts (as `DialogInfo.option` finds it), gathered in one pass rather than searched per key."""
    values: dict[str, n.Expr] = {}
    for option in decl.options:
        values.setdefault(option.key, option.value)
    point = _point(values.get("location"))
    location = None
    if point is not None:
        radius = _number(values.get("radius"))
        location = (point[0], point[1], radius if radius is not None else 100.0)
    trigger = values.get("trigger")
    return {"event": _option_text(values.get("event")), "attachment": _option_text(values.get("attachment")),
            "label": _option_text(values.get("label")), "location": location,
            "trigger_span": trigger.span if trigger is not None else None}


def _option_text(value: n.Expr | None) -> str | None:
    if isinstance(value, n.Str):
        return value.literal
    if isinstance(value, n.Atom):
        return value.name
    return None


def _number(value: n.Expr | None) -> float | None:
    if isinstance(value, n.Literal) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return float(value.value)
    return None


def _point(value: n.Expr | None) -> tuple[float, float] | None:
    """`[lat: …, lon: …]`, or the old `[lon, lat]` list."""
    if isinstance(value, n.KeywordList):
        fields = {option.key: _number(option.value) for option in value.items}
        lat, lon = fields.get("lat"), fields.get("lon", fields.get("lng"))
        return (lat, lon) if lat is not None and lon is not None else None
    if isinstance(value, n.ListExpr) and len(value.items) == 2:
        lon, lat = (_number(item) for item in value.items)
        return (lat, lon) if lat is not None and lon is not None else None
    return None


class _Linker:
    """Builds one image; `link_bot` is its only user."""

    def __init__(self, program: Program, config: Config, data: dict[str, Any]):
        self.program = program
        self.config = config
        self.compiler = Compiler()
        self.codes: dict[str, CodeObject] = {}
        self.constants: dict[str, Any] = dict(data)
        self.patterns: dict[str, matching.CompiledPattern] = {}
        self.tasks: dict[str, list[TaskEntry]] = {}
        self.before: dict[str, list[TaskEntry]] = {}
        self.event_tasks: list[TaskEntry] = []
        self.image: BotImage | None = None  # the image being linked (constants still filling in)

    def compile_body(self, key: str, kind: str, decl: Any) -> CodeObject:
        code = self.compiler.compile_body(key, kind, decl.body, _end_span(decl))
        self.codes[key] = code
        return code

    def compile_guard(self, key: str, guard: n.Expr | None) -> str | None:
        if guard is None:
            return None
        self.codes[key + ":guard"] = self.compiler.compile_expression(key + ":guard", "guard", guard)
        return key + ":guard"

    def task(self, decl: n.TaskDecl, ref: str) -> TaskEntry:
        code = self.compile_body(ref, "task", decl)
        event = decl.option("event")
        return TaskEntry(ref=ref, code_hash=code.code_hash, name=decl.name or _task_display_name(decl), span=decl.span,
                         guard=self.compile_guard(ref, decl.guard),
                         event=_option_text(event.value) if event is not None else None)

    def dialog(self, info: DialogInfo, index: int, refs: dict[int, str], index_of: dict[int, int]) -> DialogEntry:
        ref = refs[id(info)]
        decl = info.decl
        code = self.compile_body(ref, "dialog", decl)
        # Most dialogs have no header options: nothing to search for
        header: dict[str, Any] = _header(decl) if decl.options else {}
        return DialogEntry(
            index=index, ref=ref, code_hash=code.code_hash, name=decl.name, display=info.display_name,
            kind=info.kind, span=decl.span, guard=self.compile_guard(ref, decl.guard),
            parent=index_of[id(info.parent)] if info.parent is not None else -1,
            inner=tuple([index_of[id(child)] for child in info.inner]) if info.inner else (), **header)

    # -- evaluation ------------------------------------------------------------------------------
    def machine(self) -> Machine:
        assert self.image is not None
        state = SessionState(conversation_id="$link", user_id="$link")
        return Machine(self.image, state, pendulum.now(self.config.timezone))

    def evaluate(self, key: str, span: Span | None) -> Any:
        try:
            return self.machine().evaluate(key)
        except ScriptFailure as failure:
            raise BubbleCompileError(list(failure.to_runtime_error().diagnostics)) from None
        except RecursionError:
            raise BubbleCompileError([make_diagnostic("B450", "a constant is nested too deeply", span,
                                                      hint="build the value in smaller steps")]) from None

    def evaluate_constants(self) -> None:
        program = self.program
        done: set[str] = set(self.constants)

        def visit(name: str) -> None:
            if name in done or name not in program.constants:
                return
            done.add(name)
            decl = program.constants[name]
            for expr in walk_exprs(decl.value):
                if isinstance(expr, n.Const):
                    visit(expr.name)
            key = f"const:{name}"
            self.codes[key] = self.compiler.compile_expression(key, "constant", decl.value)
            value = self.evaluate(key, decl.span)
            if isinstance(value, Record) and value.kind == "intent" and value.fields.get("id") is None:
                # `@yes intent(…)`: its id is the constant's name, as the original's intent
                # manager names an intent (`message.intent.id == "yes"`)
                value = Record("intent", {**value.fields, "id": name})
            self.constants[name] = value

        for name in program.constants:
            visit(name)

    def pattern(self, text: str, span: Span | None) -> matching.CompiledPattern:
        compiled = self.patterns.get(text)
        if compiled is None:
            try:
                compiled = compile_pattern_text(text, self.program.limits)
            except PatternError as error:
                raise BubbleCompileError([make_diagnostic("B403", f"invalid pattern `{text}`: {error.message}",
                                                          span, hint=error.hint)]) from None
            self.patterns[text] = compiled
        return compiled

    def record_patterns(self, value: Any, span: Span | None) -> tuple[matching.CompiledPattern, ...]:
        patterns = value.fields.get("match")
        return tuple(self.pattern(str(plain_text(p)), span) for p in (patterns if isinstance(patterns, list)
                                                                      else [patterns]) if p is not None)

    def compiled_pattern(self, text: str, pattern: Any) -> matching.CompiledPattern:
        """A parsed pattern compiled once per text (`setdefault(text, compile_pattern(…))` compiled
        every trigger twice and threw the second away: 4 % of linking a large bot)."""
        compiled = self.patterns.get(text)
        if compiled is None:
            compiled = self.patterns[text] = matching.compile_pattern(pattern)
        return compiled

    def trigger(self, entry: DialogEntry, value: n.Expr | None) -> LinkedTrigger | None:
        """A dialog's `trigger:`, linked: a pattern string, or an intent/entity matcher (or a
        constant holding one), evaluated now since trigger expressions are pure."""
        if value is None:
            return None
        literal = value.literal if isinstance(value, n.Str) else None
        if literal is not None:
            pattern = self.program.patterns.get(value.span)
            if pattern is not None:
                compiled = self.compiled_pattern(literal, pattern)
                return LinkedTrigger((compiled,))
            return LinkedTrigger((self.pattern(literal, value.span),))
        key = f"trigger:{entry.ref}"
        self.codes[key] = self.compiler.compile_expression(key, "guard", value)
        evaluated = plain_text(self.evaluate(key, value.span))
        if isinstance(evaluated, str):
            return LinkedTrigger((self.pattern(evaluated, value.span),))
        if isinstance(evaluated, Record) and evaluated.kind in ("intent", "entity_matcher"):
            return LinkedTrigger(self.record_patterns(evaluated, value.span), evaluated)
        if isinstance(evaluated, list) and all(isinstance(plain_text(item), str) for item in evaluated):
            return LinkedTrigger(tuple(self.pattern(plain_text(item), value.span) for item in evaluated))
        return None

    def collect_patterns(self, value: Any, depth: int = 0) -> None:
        """Compile the patterns of every intent and entity matcher held by a constant, so asks
        `expecting:` them find their patterns linked."""
        if depth > 64:
            return
        if isinstance(value, Record):
            if value.kind in ("intent", "entity_matcher"):
                try:
                    self.record_patterns(value, None)
                except BubbleCompileError:
                    pass  # reported when the pattern is used, at the script position
            for item in value.fields.values():
                self.collect_patterns(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                self.collect_patterns(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                self.collect_patterns(item, depth + 1)

    def seconds(self, name: str, default: float | None) -> float | None:
        value = self.constants.get(name)
        if value is None:
            return default
        try:
            return parse_duration(value)
        except ScriptError as error:
            decl = self.program.constants.get(name)
            raise BubbleCompileError([make_diagnostic(error.code, f"`@{name}`: {error.message}",
                                                      decl.value.span if decl else None, hint=error.hint)]) from None


def _task_display_name(decl: n.TaskDecl) -> str:
    """An unnamed task's name in stacks and error notes: `event@3`, `before@12`, as unnamed
    dialogs show (`trigger@7`, SPEC §4), not its internal identity (`task-event:ping#0`)."""
    kind = "event" if decl.option("event") is not None else "before" if decl.option("before") is not None else "task"
    return f"{kind}@{decl.span.line}"


def _frozen(table: dict[str, list[Any]]) -> Mapping[str, tuple[Any, ...]]:
    return types.MappingProxyType({key: tuple(value) for key, value in table.items()})


def link_bot(program: Program, config: Config, data: dict[str, Any]) -> BotImage:
    """Compile and link a resolved program; a constant or trigger that cannot be evaluated is a
    `BubbleCompileError` with its position."""
    linker = _Linker(program, config, data)
    refs = dialog_refs(program)
    index_of = {id(info): number for number, info in enumerate(program.all_dialogs)}
    dialogs = [linker.dialog(info, number, refs, index_of) for number, info in enumerate(program.all_dialogs)]
    named: dict[str, list[int]] = {}
    kinds: dict[str, list[int]] = {"trigger": [], "event": [], "location": [], "attachment": []}
    for info, entry in zip(program.all_dialogs, dialogs):
        if info.parent is None:
            if entry.name is not None:
                named.setdefault(entry.name, []).append(entry.index)
            kinds.get(entry.kind, []).append(entry.index)
    for name, variants in program.tasks.items():
        for number, decl in enumerate(variants):
            linker.tasks.setdefault(name, []).append(linker.task(decl, f"task:{name}#{number}"))
    for target, hooks in program.before_tasks.items():
        for number, decl in enumerate(hooks):
            linker.before.setdefault(target, []).append(linker.task(decl, f"before:{target}#{number}"))
    counts: dict[str, int] = {}
    for decl in program.event_tasks:
        event = _option_text(decl.option("event").value) if decl.option("event") else None  # type: ignore[union-attr]
        counts[str(event)] = counts.get(str(event), -1) + 1
        linker.event_tasks.append(linker.task(decl, f"task-event:{event}#{counts[str(event)]}"))
    tests = []
    for number, test in enumerate(program.tests):
        title = test.title.literal if isinstance(test.title, n.Str) and test.title.literal is not None else f"test {number}"
        key = f"test:{title}#{number}"
        linker.compile_body(key, "test", test)
        tests.append(TestEntry(code=key, title=title, span=test.span))
    for pattern in program.patterns.values():
        linker.compiled_pattern(pattern.text, pattern)
    image = BotImage(
        program=program, config=config, codes=linker.codes, dialogs=tuple(dialogs),
        entries=types.MappingProxyType({entry.ref: entry for entry in dialogs}), named=_frozen(named),
        triggers=tuple(kinds["trigger"]), events=tuple(kinds["event"]), locations=tuple(kinds["location"]),
        attachments=tuple(kinds["attachment"]), tasks=_frozen(linker.tasks), before=_frozen(linker.before),
        event_tasks=tuple(linker.event_tasks), tests=tuple(tests), constants=linker.constants,
        patterns=linker.patterns, trigger_index=(None, ()), entry=program.entry,
        session_timeout=DEFAULT_SESSION_TIMEOUT, ask_timeout=None, revision="")
    linker.image = image
    linker.evaluate_constants()
    for value in linker.constants.values():
        linker.collect_patterns(value)
    linked = [attrs.evolve(entry, trigger=linker.trigger(entry, trigger.value))
              if (trigger := info.decl.option("trigger")) is not None else entry
              for info, entry in zip(program.all_dialogs, dialogs)]
    keyed: list[tuple[int, matching.CompiledPattern]] = []
    always: list[int] = []
    for position in image.triggers:
        trigger = linked[position].trigger
        if trigger is None or not trigger.patterns:
            always.append(position)
        keyed.extend((position, compiled) for compiled in (trigger.patterns if trigger else ()))
    revision = hashlib.sha256("\n".join(f"{key}={code.code_hash}" for key, code in sorted(linker.codes.items()))
                              .encode()).hexdigest()[:16]
    return attrs.evolve(
        image, codes=types.MappingProxyType(dict(linker.codes)), dialogs=tuple(linked),
        entries=types.MappingProxyType({entry.ref: entry for entry in linked}),
        constants=types.MappingProxyType(dict(linker.constants)),
        concepts=concept_table(types.MappingProxyType(dict(linker.constants))),
        constant_sizes=types.MappingProxyType(constant_sizes(linker.constants, config.limits)),
        patterns=types.MappingProxyType(dict(linker.patterns)),
        trigger_index=(matching.TriggerIndex(keyed), tuple(always)),
        session_timeout=linker.seconds("timeout", DEFAULT_SESSION_TIMEOUT),
        ask_timeout=linker.seconds("ask_timeout", None), revision=revision)

