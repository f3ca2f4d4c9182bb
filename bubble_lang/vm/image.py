"""The linked bot (layer 7): compiled code plus the tables the VM looks things up in.

Input: a resolved `Program` (no errors), data-file constants and the config. Output: a
`BotImage`: a code object per dialog, task, test and guard; dialog entries with their triggers;
hook and event tables; and the values of all constants (evaluated once, here, since constant
expressions are pure). Linking never runs a dialog.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import nodes as n
from ..compiler import Compiler
from ..config import Config
from ..opcodes import CodeObject
from ..resolve import DialogInfo, Program
from ..source import Span

SPECIAL_DIALOGS = ("__main__", "main", "__root__", "__unknown__", "__unknown_event__", "__unknown_location__",
                   "__unknown_attachment__", "__returning__", "__timeout__", "__resume__", "__ask_timeout__",
                   "__closed__", "__error__")


@attrs.define(eq=False, kw_only=True)
class DialogEntry:
    """One dialog definition, ready to run."""

    index: int
    code: str
    name: str | None
    display: str
    kind: str  # named | trigger | label | event | location | attachment
    span: Span
    guard: str | None = None
    parent: int = -1
    inner: list[int] = attrs.field(factory=list)
    trigger: Any = None  # a trigger value: pattern text(s) or an intent record, linked by `triggers.py`
    event: str | None = None
    location: tuple[float, float, float] | None = None  # lat, lon, radius in metres
    attachment: str | None = None
    label: str | None = None


@attrs.define(eq=False, kw_only=True)
class TaskEntry:
    code: str
    name: str
    span: Span
    guard: str | None = None
    event: str | None = None


@attrs.define(eq=False, kw_only=True)
class TestEntry:
    code: str
    title: str
    span: Span


@attrs.define(eq=False, kw_only=True)
class BotImage:
    """Everything a conversation of this bot runs against; shared by all conversations."""

    program: Program
    config: Config
    codes: dict[str, CodeObject] = attrs.field(factory=dict)
    dialogs: list[DialogEntry] = attrs.field(factory=list)
    named: dict[str, list[int]] = attrs.field(factory=dict)  # top-level name -> variants
    triggers: list[int] = attrs.field(factory=list)  # global trigger dialogs, in order
    events: list[int] = attrs.field(factory=list)
    locations: list[int] = attrs.field(factory=list)
    attachments: list[int] = attrs.field(factory=list)
    tasks: dict[str, list[TaskEntry]] = attrs.field(factory=dict)
    before: dict[str, list[TaskEntry]] = attrs.field(factory=dict)
    event_tasks: list[TaskEntry] = attrs.field(factory=list)
    tests: list[TestEntry] = attrs.field(factory=list)
    constant_codes: dict[str, str] = attrs.field(factory=dict)
    data: dict[str, Any] = attrs.field(factory=dict)
    entry: str | None = None
    cache: dict[str, Any] = attrs.field(factory=dict)  # constant values, compiled triggers, trigger index

    def variants(self, name: str, chain: list[int] | None = None) -> list[DialogEntry]:
        """Dialogs `invoke name` may start: inner dialogs of the enclosing dialogs first."""
        for index in reversed(chain or []):
            found = [self.dialogs[i] for i in self.dialogs[index].inner if self.dialogs[i].name == name]
            if found:
                return found
        return [self.dialogs[i] for i in self.named.get(name, [])]

    def has_dialog(self, name: str) -> bool:
        return name in self.named


def _end_span(decl: n.Decl) -> Span | None:
    span = decl.span
    return span.file.span(max(span.end - 3, span.start), span.end) if span is not None else None


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


def link_bot(program: Program, config: Config, data: dict[str, Any]) -> BotImage:
    """Compile and link a resolved program."""
    compiler = Compiler()
    image = BotImage(program=program, config=config, data=dict(data), entry=program.entry)
    index_of: dict[int, int] = {}
    for info in program.all_dialogs:
        index_of[id(info)] = len(index_of)
    for info in program.all_dialogs:
        image.dialogs.append(_link_dialog(compiler, image, info, index_of))
    for info in program.all_dialogs:
        entry = image.dialogs[index_of[id(info)]]
        if info.parent is None:
            if entry.name is not None:
                image.named.setdefault(entry.name, []).append(entry.index)
            {"trigger": image.triggers, "event": image.events, "location": image.locations,
             "attachment": image.attachments}.get(entry.kind, []).append(entry.index)
    for name, variants in program.tasks.items():
        for number, decl in enumerate(variants):
            image.tasks.setdefault(name, []).append(_link_task(compiler, image, decl, f"task:{name}:{number}"))
    for target, hooks in program.before_tasks.items():
        for decl in hooks:
            image.before.setdefault(target, []).append(
                _link_task(compiler, image, decl, f"task:before:{target}@{decl.span.line}:{decl.span.column}"))
    for decl in program.event_tasks:
        image.event_tasks.append(_link_task(compiler, image, decl, f"task:event@{decl.span.line}:{decl.span.column}"))
    for number, test in enumerate(program.tests):
        title = test.title.literal if isinstance(test.title, n.Str) and test.title.literal is not None else f"test {number}"
        key = f"test:{number}:{title}"
        image.codes[key] = compiler.compile_body(key, "test", test.body, _end_span(test))
        image.tests.append(TestEntry(code=key, title=title, span=test.span))
    for name, decl in program.constants.items():
        key = f"const:{name}"
        image.codes[key] = compiler.compile_expression(key, "constant", decl.value)
        image.constant_codes[name] = key
    return image


def _link_dialog(compiler: Compiler, image: BotImage, info: DialogInfo, index_of: dict[int, int]) -> DialogEntry:
    decl = info.decl
    index = index_of[id(info)]
    key = f"dialog:{info.display_name}@{decl.span.file.name}:{decl.span.line}:{decl.span.column}"
    image.codes[key] = compiler.compile_body(key, "dialog", decl.body, _end_span(decl))
    guard = None
    if decl.guard is not None:
        guard = key + ":guard"
        image.codes[guard] = compiler.compile_expression(guard, "guard", decl.guard)
    entry = DialogEntry(index=index, code=key, name=info.name, display=info.display_name, kind=info.kind,
                        span=decl.span, guard=guard,
                        parent=index_of[id(info.parent)] if info.parent is not None else -1,
                        inner=[index_of[id(child)] for child in info.inner])
    trigger = decl.option("trigger")
    if trigger is not None:
        entry.trigger = trigger.value
    entry.event = _option_text(info.option("event"))
    entry.attachment = _option_text(info.option("attachment"))
    entry.label = _option_text(info.option("label"))
    point = _point(info.option("location"))
    if point is not None:
        radius = _number(info.option("radius"))
        entry.location = (point[0], point[1], radius if radius is not None else 100.0)
    return entry


def _link_task(compiler: Compiler, image: BotImage, decl: n.TaskDecl, key: str) -> TaskEntry:
    image.codes[key] = compiler.compile_body(key, "task", decl.body, _end_span(decl))
    guard = None
    if decl.guard is not None:
        guard = key + ":guard"
        image.codes[guard] = compiler.compile_expression(guard, "guard", decl.guard)
    event = decl.option("event")
    return TaskEntry(code=key, name=decl.name or key, span=decl.span, guard=guard,
                     event=_option_text(event.value) if event is not None else None)
