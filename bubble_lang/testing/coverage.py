"""Test coverage (layer 11): which dialogs, branches, asks, triggers, extension calls, wizard
steps and widget asks the tests reached.

Input: a linked bot. Output: an instrumented copy of it whose conversations record what runs,
and `BotCoverage` totals built from the records. The VM pays nothing when coverage is off: it
tells its `tracer`, when it has one, what happens:

- `entered(entry)`: a dialog started; `triggered(entry)`: input handling started it because its
  `trigger:`, `label:`, `event:`, `location:` or `attachment:` fit (not an `invoke`/`goto`);
- `answered(frame)`: the ask the frame waited on got a (non-nil) answer;
- `extension(frame, pc)`: an `extension` call was made (a server or a `mock_extension` answers it);
- `stepped(frame, pc)`: a wizard `step` ran (kind `steps`);
- `branch(probe)`: a branch probe ran. Each `JUMP_IF_FALSE` (`if`, `unless`, `branch` arms) has
  two outcomes; the copy's code gets a `COVER` probe on each edge — right after the jump (the
  true side) and in a trampoline at the end of the code (probe, then `JUMP` to the old target)
  for the false side — with every jump target and `random`/`once` table relocated.
"""

from __future__ import annotations

import types
from typing import Any

import attrs

from .. import nodes as n
from ..checks.walk import iter_statements
from ..engine.bot import Bot
from ..opcodes import CodeObject, Op
from ..runtime.session import Frame
from ..runtime.values import Record
from ..source import Span
from ..vm.bot_image import DialogEntry

KINDS = ("dialogs", "branches", "asks", "triggers", "extensions", "steps", "widgets")
TRIGGER_KINDS = frozenset({"trigger", "label", "event", "location", "attachment"})
PROBE = "$cover"

_JIF = int(Op.JUMP_IF_FALSE)
_COVER = int(Op.COVER)
_JUMP = int(Op.JUMP)
_ASK = int(Op.ASK)
_EXTENSION = int(Op.EXTENSION)
_STEP = int(Op.STEP)
_RELOCATED = frozenset(int(op) for op in (Op.JUMP, Op.JUMP_IF_FALSE_KEEP, Op.JUMP_IF_TRUE_KEEP, Op.ITER_NEXT))
_SWITCHES = frozenset(int(op) for op in (Op.SWITCH_RANDOM, Op.SWITCH_ONCE))


# ------------------------------------------------------------------------------ instrumentation
def instrument_code(code: CodeObject) -> tuple[CodeObject, list[Span | None]]:
    """A copy of `code` with a probe on both edges of every `JUMP_IF_FALSE`; also the span of
    each branch site, in site order."""
    ops, args = code.ops, code.args
    new_pos: list[int] = []
    inserted = 0
    for op in ops:
        new_pos.append(len(new_pos) + inserted)
        inserted += op == _JIF
    new_pos.append(len(ops) + inserted)
    constants = list(code.constants)
    out_ops: list[int] = []
    out_args: list[int] = []
    out_spans: list[Any] = []
    sites: list[tuple[int, int, Span | None]] = []  # (new index of the jump, old target, span)

    def emit(op: int, arg: int, span: Any) -> None:
        out_ops.append(op)
        out_args.append(arg)
        out_spans.append(span)

    def probe(site: int, outcome: bool) -> int:
        constants.append((PROBE, code.name, site, outcome))
        return len(constants) - 1

    for index, (op, arg) in enumerate(zip(ops, args)):
        span = code.spans[index] if index < len(code.spans) else None
        if op in _RELOCATED:
            arg = new_pos[arg]
        elif op == int(Op.LOAD_CONST) and index + 1 < len(ops) and ops[index + 1] in _SWITCHES:
            key, targets, after = constants[arg]
            constants.append((key, tuple(new_pos[t] for t in targets), new_pos[after]))
            arg = len(constants) - 1
        if op == _JIF:
            sites.append((len(out_ops), arg, span))
            emit(op, arg, span)
            emit(_COVER, probe(len(sites) - 1, True), span)
            continue
        emit(op, arg, span)
    for site, (at, old_target, span) in enumerate(sites):
        out_args[at] = len(out_ops)
        emit(_COVER, probe(site, False), span)
        emit(_JUMP, new_pos[old_target], span)
    instrumented = CodeObject(name=code.name, kind=code.kind, ops=tuple(out_ops), args=tuple(out_args),
                              constants=tuple(constants), spans=tuple(out_spans), max_stack=code.max_stack,
                              code_hash=code.code_hash)
    return instrumented, [span for _, _, span in sites]


@attrs.define(eq=False)
class CoverageRecorder:
    """What one bot's tests reached: the VM's tracer (see the module docstring)."""

    dialogs: set[int] = attrs.field(factory=set)
    triggers: set[int] = attrs.field(factory=set)
    asks: set[tuple[str, int]] = attrs.field(factory=set)
    branches: set[tuple[str, int, bool]] = attrs.field(factory=set)
    extensions: set[tuple[str, int]] = attrs.field(factory=set)
    steps: set[tuple[str, int]] = attrs.field(factory=set)

    def entered(self, entry: DialogEntry) -> None:
        self.dialogs.add(entry.index)

    def triggered(self, entry: DialogEntry) -> None:
        if entry.kind in TRIGGER_KINDS:
            self.triggers.add(entry.index)

    def answered(self, frame: Frame) -> None:
        if frame.kind == "dialog" and frame.pc:
            self.asks.add((frame.code, frame.pc - 1))

    def branch(self, probe: tuple[str, str, int, bool]) -> None:
        self.branches.add((probe[1], probe[2], probe[3]))

    def extension(self, frame: Frame, pc: int) -> None:
        self.extensions.add((frame.code, pc))

    def stepped(self, frame: Frame, pc: int) -> None:
        self.steps.add((frame.code, pc))


@attrs.define(eq=False)
class CoveredBot:
    """An instrumented bot, the items it could reach, and the recorder its conversations fill."""

    name: str
    bot: Bot
    recorder: CoverageRecorder
    branch_sites: dict[str, list[Span | None]]


def instrument_bot(bot: Bot, name: str) -> CoveredBot:
    """A copy of `bot` whose dialog and task code carries branch probes."""
    codes = dict(bot.image.codes)
    sites: dict[str, list[Span | None]] = {}
    for key, code in bot.image.codes.items():
        if code.kind in ("dialog", "task"):
            codes[key], sites[key] = instrument_code(code)
    image = attrs.evolve(bot.image, codes=types.MappingProxyType(codes))
    return CoveredBot(name=name, bot=Bot(image, bot.check), recorder=CoverageRecorder(), branch_sites=sites)


# ------------------------------------------------------------------------------ totals
@attrs.frozen
class KindCoverage:
    """Covered and total items of one kind, with the places of the missed ones."""

    covered: int
    total: int
    missed: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    def to_plain(self) -> dict[str, Any]:
        return {"covered": self.covered, "total": self.total, "percent": round(self.percent, 1),
                "missed": list(self.missed)}


@attrs.frozen
class BotCoverage:
    name: str
    kinds: dict[str, KindCoverage]

    @property
    def total(self) -> KindCoverage:
        return KindCoverage(sum(k.covered for k in self.kinds.values()), sum(k.total for k in self.kinds.values()))


def _where(span: Span | None) -> str:
    return span.location() if span is not None else "?"


def measure(covered: CoveredBot) -> BotCoverage:
    """Compare what the recorder saw with everything the bot has."""
    image = covered.bot.image
    seen = covered.recorder
    dialogs = [(e, e.index in seen.dialogs) for e in image.dialogs]
    triggers = [(e, e.index in seen.triggers) for e in image.dialogs if e.kind in TRIGGER_KINDS]
    asks: list[tuple[str, bool]] = []
    widgets: list[tuple[str, bool]] = []
    steps: list[tuple[str, bool]] = []
    widget_spans = widget_ask_spans(image)
    for key, code in image.codes.items():
        if code.kind == "dialog" and key in covered.branch_sites:
            for pc, op in enumerate(code.ops):
                if op == _ASK:
                    where = _where(code.spans[pc])
                    asks.append((f"{where} ask in dialog `{_dialog_name(image, key)}`", (key, pc) in seen.asks))
                    if code.spans[pc] in widget_spans:
                        widgets.append((f"{where} widget ask in dialog `{_dialog_name(image, key)}`",
                                        (key, pc) in seen.asks))
                elif op == _STEP:
                    steps.append((f"{_where(code.spans[pc])} step in dialog `{_dialog_name(image, key)}`",
                                  (key, pc) in seen.steps))
    calls: list[tuple[str, bool]] = []
    for key, code in image.codes.items():
        if code.kind in ("dialog", "task") and key in covered.branch_sites:
            calls.extend((f"{_where(code.spans[pc])} extension call in {code.kind} `{_code_name(image, key)}`",
                          (key, pc) in seen.extensions)
                         for pc, op in enumerate(code.ops) if op == _EXTENSION)
    branches: list[tuple[str, bool]] = []
    for key, spans in covered.branch_sites.items():
        for site, span in enumerate(spans):
            for outcome in (True, False):
                label = f"{_where(span)} condition {'true' if outcome else 'false'}"
                branches.append((label, (key, site, outcome) in seen.branches))

    def kind(items: list[tuple[str, bool]]) -> KindCoverage:
        return KindCoverage(sum(hit for _, hit in items), len(items), tuple(label for label, hit in items if not hit))

    return BotCoverage(covered.name, {
        "dialogs": kind([(f"{_where(e.span)} dialog `{e.display}`", hit) for e, hit in dialogs]),
        "branches": kind(branches),
        "asks": kind(asks),
        "triggers": kind([(f"{_where(e.span)} {e.kind} dialog `{e.display}`", hit) for e, hit in triggers]),
        "extensions": kind(calls),
        "steps": kind(steps),
        "widgets": kind(widgets),
    })


def widget_ask_spans(image: Any) -> set[Any]:
    """The spans of the `ask` instructions whose `expecting:` is written as a widget: a call of
    `input_method(…)`, or a constant whose value is one (kind `widgets`). A widget held in a
    variable is only known at run time and is not counted."""
    found: set[Any] = set()
    for info in image.program.all_dialogs:
        for statement in iter_statements(info.decl.body):
            if not (isinstance(statement, n.Command) and statement.word == "ask"):
                continue
            expecting = statement.option("expecting")
            if isinstance(expecting, n.Call) and expecting.name == "input_method":
                widget = True
            elif isinstance(expecting, n.Const):
                value = image.constants.get(expecting.name)
                widget = isinstance(value, Record) and value.kind == "widget"
            else:
                widget = False
            if widget:
                found.add(statement.word_span or statement.span)
    return found


def _code_name(image: Any, key: str) -> str:
    """A dialog's display name, or a task's name, from its code key."""
    entry = image.entries.get(key)
    return entry.display if entry is not None else key.split(":", 1)[-1].split("#")[0]


def _dialog_name(image: Any, key: str) -> str:
    entry = image.entries.get(key)
    return entry.display if entry is not None else key


def total_of(bots: list[BotCoverage]) -> dict[str, KindCoverage]:
    result = {}
    for name in KINDS:
        parts = [bot.kinds[name] for bot in bots]
        result[name] = KindCoverage(sum(p.covered for p in parts), sum(p.total for p in parts))
    return result


def coverage_json(bots: list[BotCoverage]) -> dict[str, Any]:
    """The report as data: per bot and in total, covered/total/percent and the missed places."""
    totals = total_of(bots)
    everything = KindCoverage(sum(k.covered for k in totals.values()), sum(k.total for k in totals.values()))
    return {
        "bots": [{"bot": bot.name, **{name: bot.kinds[name].to_plain() for name in KINDS},
                  "all": _counts(bot.total)} for bot in bots],
        "total": {**{name: _counts(totals[name]) for name in KINDS}, "all": _counts(everything)},
    }


def _counts(kind: KindCoverage) -> dict[str, Any]:
    return {key: value for key, value in kind.to_plain().items() if key != "missed"}


def render_table(bots: list[BotCoverage]) -> str:
    """A fixed-width table, one row per bot and a total, then the dialogs, asks and triggers missed."""
    names = [bot.name for bot in bots] + ["total"]
    width = max(len(name) for name in names + ["coverage"])

    def cell(kind: KindCoverage) -> str:
        return f"{kind.covered}/{kind.total}".rjust(7) + f" {kind.percent:4.0f}%"

    header = "coverage".ljust(width) + "".join(f"  {name:>13}" for name in (*KINDS, "all"))
    rows = [header]
    for bot in bots:
        rows.append(bot.name.ljust(width) + "".join(f"  {cell(bot.kinds[k])}" for k in KINDS) + f"  {cell(bot.total)}")
    totals = total_of(bots)
    everything = KindCoverage(sum(k.covered for k in totals.values()), sum(k.total for k in totals.values()))
    rows.append("total".ljust(width) + "".join(f"  {cell(totals[k])}" for k in KINDS) + f"  {cell(everything)}")
    missed = [line for bot in bots for line in _missed_lines(bot)]
    if missed:
        rows += ["", "not reached:"] + [f"  {line}" for line in missed]
    return "\n".join(rows) + "\n"


def _missed_lines(bot: BotCoverage) -> list[str]:
    """The dialogs, asks, triggers and extension calls no test reached; one line for a bot no test
    reached at all."""
    dialogs = bot.kinds["dialogs"]
    if dialogs.total and not dialogs.covered:
        return [f"{bot.name}: no test reached it ({dialogs.total} dialogs)"]
    places = {label.split(" ", 1)[0] for label in dialogs.missed}
    triggers = [label for label in bot.kinds["triggers"].missed if label.split(" ", 1)[0] not in places]
    return [*dialogs.missed, *bot.kinds["asks"].missed, *triggers, *bot.kinds["extensions"].missed,
            *bot.kinds["steps"].missed]
