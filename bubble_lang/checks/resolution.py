"""The resolver's walk over bodies and expressions (layer 4, driven by `resolve.resolve_bot`).

Input: the `Program` being built (its symbol tables already collected). Output: diagnostics
appended to `program.diagnostics` (B1xx unknown names, B2xx context, arity and literal values)
and `program.usage` (reads, writes, references) and `program.patterns` filled in. It visits
every constant, guard, header, statement and interpolation once, reports every problem it sees
and never stops early; it evaluates nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .. import nodes as n
from ..diagnostics import Label, make_diagnostic
from ..patterns import LegacyPattern, Pattern, PatternError, is_legacy_trigger, parse_bml, parse_legacy
from ..statements import DIALOG, RUNTIME_VARIABLES, STATEMENTS, TASK, TEST, StatementSpec
from ..stdlib import WIDGET_OPTIONS
from ..stdlib.model import ANY_KEYWORD
from ..stdlib.registry import check_call, lookup
from ..source import Span
from . import headers
from .durations import DURATION_HINT, parse_duration
from .spans import span_in_string
from .suggest import did_you_mean, nearest
from .walk import child_nodes, root_name
from .widget_kinds import widget_kind_problems, widget_value_problems

if TYPE_CHECKING:
    from ..program import DialogInfo, Program

GUARD = "guard"
"""Expressions in a `when` guard: effectful builtins are refused (SPEC §6)."""
CONSTANT = "constant"
"""A constant's definition: only pure builtins (SPEC §10)."""

_PLACE = {DIALOG: "a dialog", TASK: "a task", TEST: "a test"}
_PLURAL = {DIALOG: "dialogs", TASK: "tasks", TEST: "tests"}
_DURATION_OPTIONS = {"ask": ("timeout",), "await": ("timeout",), "emit": ("in",)}
_DURATION_ARGS = frozenset({"type", "pause", "advance"})
_CALL_CODES = {"unknown": "B104", "arity": "B201", "keyword": "B202"}
_EXPECT_KINDS = frozenset({"buttons", "quick_replies", "widget", "show", "step", "mail"})


@attrs.frozen
class Where:
    """Where a statement stands: dialog, task or test; the enclosing dialogs; loop depth."""

    kind: str
    chain: tuple[DialogInfo, ...] = ()
    loops: int = 0


class Resolver:
    """Checks bodies and expressions against the symbol tables of one `Program`."""

    def __init__(self, program: Program):
        self.program = program
        self.usage = program.usage
        self.limits = program.limits

    def report(self, code: str, message: str, span: Span | None, **kwargs: Any) -> None:
        self.program.diagnostics.append(make_diagnostic(code, message, span, **kwargs))

    # ------------------------------------------------------------------ declarations
    def constant(self, decl: n.ConstDecl) -> None:
        self.expr(decl.value, CONSTANT)
        if decl.name in ("timeout", "ask_timeout"):
            self.duration(decl.value, f"`@{decl.name}`")

    def dialog(self, info: DialogInfo, chain: tuple[DialogInfo, ...]) -> None:
        headers.check_dialog_header(self, info, chain)
        if info.guard is not None:
            self.expr(info.guard, GUARD)
        inside = (*chain, info)
        self.body(info.decl.body, Where(DIALOG, inside))
        for inner in info.inner:
            self.dialog(inner, inside)

    def task(self, decl: n.TaskDecl) -> None:
        headers.check_task_header(self, decl)
        if decl.guard is not None:
            self.expr(decl.guard, GUARD)
        self.body(decl.body, Where(TASK))

    def test(self, decl: n.TestDecl) -> None:
        self.expr(decl.title)
        self.body(decl.body, Where(TEST))

    # ------------------------------------------------------------------ statements
    def body(self, statements: tuple[n.Stmt, ...], where: Where) -> None:
        for statement in statements:
            self.statement(statement, where)

    def statement(self, statement: n.Stmt, where: Where) -> None:
        if isinstance(statement, n.Command):
            self.command(statement, where)
        elif isinstance(statement, n.Assign):
            self.assign(statement)
        elif isinstance(statement, n.If):
            self.expr(statement.condition)
            self.body(statement.then, where)
            if statement.else_ is not None:
                self.body(statement.else_, where)
        elif isinstance(statement, n.Branch):
            if statement.subject is not None:
                self.expr(statement.subject)
            for arm in statement.arms:
                self.expr(arm.condition)
                self.body(arm.body, where)
            if statement.else_ is not None:
                self.body(statement.else_, where)
        elif isinstance(statement, n.Repeat):
            self.loop_variable(statement)
            self.expr(statement.iterable)
            self.body(statement.body, attrs.evolve(where, loops=where.loops + 1))
        elif isinstance(statement, n.Random):
            self.body(statement.choices, where)
        elif isinstance(statement, n.Once):
            self.body(statement.steps, where)
            if statement.after is not None:
                self.body(statement.after, where)
        else:  # a statement kind added later: at least check its expressions
            for child in child_nodes(statement):
                if isinstance(child, n.Expr):
                    self.expr(child)

    def command(self, command: n.Command, where: Where) -> None:
        spec = STATEMENTS.get(command.word)
        if spec is None:
            for expr in command.args:
                self.expr(expr)
            return
        self.check_context(command, spec, where)
        self.check_options(command, spec)
        word = command.word
        skip: set[int] = set()
        if word in ("invoke", "goto") and command.args and isinstance(command.args[0], n.Name):
            self.dialog_target(command.args[0], where.chain)
            skip.add(id(command.args[0]))
        elif word == "perform" and command.args and isinstance(command.args[0], n.Name):
            self.task_target(command.args[0])
            skip.add(id(command.args[0]))
        elif word == "break" and where.loops == 0:
            self.report("B204", "`break` outside `repeat`", command.word_span, label="no loop to leave",
                        hint="remove it, or use `return` to leave the dialog")
        elif word in ("remember", "forget") and command.args:
            self.check_user_field(command, command.args[0])
            skip.add(id(command.args[0]))
        elif word == "extension":
            self.usage.extensions.append(command)
        if word in _DURATION_ARGS and command.args:
            self.duration(command.args[0], f"`{word}`")
        if word in ("expect", "expect_not") and where.kind == TEST and command.args:
            self.pattern_value(command.args[0])
        for key in _DURATION_OPTIONS.get(word, ()):
            value = command.option(key)
            if value is not None:
                self.duration(value, f"`{key}:`")
        for option in command.options:
            if option.key == "timeout_dialog" and isinstance(option.value, (n.Name, n.Str)):
                self.dialog_target(option.value, where.chain)
                skip.add(id(option.value))
            elif option.key == "expecting" and word == "ask":
                self.pattern_value(option.value, in_list=False)
                headers.check_media_expectation(self, option.value)
        if isinstance(command.target, n.Name):
            self.write(command.target)
        elif isinstance(command.target, n.Const):
            self.constant_target(command.target)
        for expr in command.args:
            if id(expr) not in skip:
                self.expr(expr)
        for option in command.options:
            if id(option.value) not in skip:
                self.expr(option.value)

    def check_context(self, command: n.Command, spec: StatementSpec, where: Where) -> None:
        if where.kind in spec.contexts:
            return
        word = spec.word
        if TEST in spec.contexts and DIALOG not in spec.contexts:
            hint = f'move `{word}` into a `test "…" do … end` block: it checks the bot\'s behaviour'
        elif where.kind == TASK:
            hint = f"move `{word}` into a dialog: tasks run without a user to talk to"
        elif where.kind == TEST and word in ("ask", "prompt", "show"):
            hint = "speak for the user with `say` and check the bot's reply with `expect`"
        else:
            places = " or ".join(_PLURAL[kind] for kind in (DIALOG, TASK, TEST) if kind in spec.contexts)
            hint = f"use `{word}` only in {places}"
        self.report("B203", f"`{word}` cannot be used in {_PLACE[where.kind]}", command.word_span,
                    label=f"not allowed in {_PLACE[where.kind]}", hint=hint)

    def check_one_expectation(self, command: n.Command, spec: StatementSpec) -> None:
        """`expect` checks one thing: a text pattern, or one of `widget:`, `mail:`, `step:`, …
        (`expect "How many", widget: "confirm"` checked only the text, and a wrong test passed)."""
        kinds = [option for option in command.options if option.key in _EXPECT_KINDS and spec.accepts(option.key)]
        extra = kinds if command.args else kinds[1:]
        if extra:
            first = "a text pattern" if command.args else f"`{kinds[0].key}:`"
            self.report("B207", f"`{command.word}` checks one thing: {first} here, so `{extra[0].key}:` would be "
                        "ignored", extra[0].key_span, label="a second check",
                        hint=f"write one `{command.word}` for each check")

    def check_options(self, command: n.Command, spec: StatementSpec) -> None:
        if command.word in ("expect", "expect_not"):
            self.check_one_expectation(command, spec)
        if not command.options:
            return
        seen: dict[str, n.Option] = {}
        # `expect widget: "int", min: 1, max: 20`: after `widget:`, the widget's options
        extra = WIDGET_OPTIONS if command.word == "expect" and command.options[0].key == "widget" else {}
        for option in command.options:
            if not spec.accepts(option.key) and option.key not in extra:
                known = sorted(extra) if extra else sorted(spec.options - {"*"})
                guess = nearest(option.key, known)
                if guess:
                    hint = f"did you mean `{guess}:`?"
                elif known:
                    hint = "use one of " + ", ".join(f"`{k}:`" for k in known)
                else:
                    hint = f"remove `{option.key}:`; `{spec.word}` takes no options"
                self.report("B207", f"`{spec.word}` has no option `{option.key}:`", option.key_span,
                            label="unknown option", hint=hint)
            elif option.key in seen:
                self.report("B207", f"`{option.key}:` is given twice", option.key_span,
                            labels=(Label(seen[option.key].key_span, "first given here"),),
                            hint="keep one of them")
            else:
                seen[option.key] = option

    def assign(self, statement: n.Assign) -> None:
        target = statement.target
        if isinstance(target, n.Const):
            self.constant_target(target)
        elif isinstance(target, n.Name):
            self.write(target)
        else:
            self.target_parts(target)
            root = root_name(target)
            if root is not None and root.name != "user":  # `order.size = …` writes `order`
                self.write(root)
        self.expr(statement.value)

    def constant_target(self, target: n.Const) -> None:
        self.report("B033", f"cannot assign to the constant `@{target.name}`", target.span,
                    label="constants are read-only",
                    hint=f"store the value in a variable instead, like `{target.name} = …`")

    def target_parts(self, target: n.Expr) -> None:
        """Index expressions inside an assignment target are reads (`user.items[_i] = …`)."""
        while isinstance(target, (n.Field, n.Index)):
            if isinstance(target, n.Index):
                self.expr(target.index)
            target = target.target

    def loop_variable(self, statement: n.Repeat) -> None:
        if statement.variable in RUNTIME_VARIABLES:
            self.report("B033", f"`{statement.variable}` is a runtime variable and cannot be a loop variable",
                        statement.variable_span, label="read-only",
                        hint=f"name the loop variable something else, like `repeat my_{statement.variable} in …`")
        else:
            self.usage.add(self.usage.writes, statement.variable, statement.variable_span)

    def check_user_field(self, command: n.Command, argument: n.Expr) -> None:
        root = root_name(argument)
        if isinstance(argument, n.Field) and root is not None and root.name == "user":
            return
        shown = f"user.{argument.name}" if isinstance(argument, n.Name) else "user.field"
        self.report("B214", f"`{command.word}` takes a field of `user`", argument.span,
                    label="not a `user.` field", hint=f"write `{command.word} {shown}`")

    def write(self, name: n.Name) -> None:
        self.usage.add(self.usage.writes, name.name, name.span)

    # ------------------------------------------------------------------ targets
    def dialog_target(self, target: n.Name | n.Str, chain: tuple[DialogInfo, ...]) -> None:
        name = target.name if isinstance(target, n.Name) else target.literal
        if name is None:
            return
        self.usage.add(self.usage.dialogs, name, target.span)
        if self.program.find_dialogs(name, chain):
            return
        fallback = (f"define it with `dialog {name} do … end`" if name.startswith("__")
                    else "check the name, or define the dialog")
        hint, labels = did_you_mean(name, self.program.dialog_names(chain), fallback=fallback)
        if name in self.program.tasks:
            task = self.program.tasks[name][0]
            hint, labels = f"use `perform {name}`: `{name}` is a task", (Label(task.name_span, "the task"),)
        elif name in STATEMENTS:  # `invoke close` in the training course: the statement was meant
            hint = f"`{name}` is a statement, not a dialog: write `{name}` on its own"
        self.report("B101", f"unknown dialog `{name}`", target.span, label="no dialog has this name",
                    hint=hint, labels=labels)

    def task_target(self, target: n.Name) -> None:
        self.usage.add(self.usage.tasks, target.name, target.span)
        if target.name in self.program.tasks:
            return
        hint, labels = did_you_mean(target.name, self.program.task_names(),
                                    fallback="check the name, or define the task")
        if target.name in self.program.dialogs:
            dialog = self.program.dialogs[target.name][0]
            hint = f"use `invoke {target.name}`: `{target.name}` is a dialog"
            labels = (Label(dialog.decl.name_span, "the dialog"),)
        self.report("B102", f"unknown task `{target.name}`", target.span, label="no task has this name",
                    hint=hint, labels=labels)

    # ------------------------------------------------------------------ expressions
    def expr(self, expr: n.Expr, purity: str | None = None) -> None:
        kind = expr.__class__
        if kind is n.Literal:  # the commonest leaves first: no children to walk
            return
        if kind is n.Str and not expr.translated:  # type: ignore[attr-defined]
            for part in expr.parts:  # type: ignore[attr-defined]
                if isinstance(part, n.Expr):
                    self.expr(part, purity)
            return
        if isinstance(expr, n.Name):
            if expr.name not in RUNTIME_VARIABLES:
                self.usage.add(self.usage.reads, expr.name, expr.span)
        elif isinstance(expr, n.Const):
            self.constant_ref(expr)
        elif isinstance(expr, n.Call):
            self.call(expr, purity)
        else:
            if isinstance(expr, n.Str) and expr.translated and purity == CONSTANT and expr.span is not None:
                # `_"…"` is the `_` call written short (SPEC §10): its text is the conversation's language
                self.report("B206", "`_` is not pure and cannot be used in a constant",
                            expr.span.file.span(expr.span.start, expr.span.start + 1),
                            label="depends on the clock, the conversation or chance",
                            hint='set a variable in a dialog instead, like `value = _"…"`')
            for child in child_nodes(expr):
                if isinstance(child, n.Expr):
                    self.expr(child, purity)
                elif isinstance(child, n.Option):
                    self.expr(child.value, purity)
                elif isinstance(child, n.MapEntry):
                    self.expr(child.key, purity)
                    self.expr(child.value, purity)

    def constant_ref(self, expr: n.Const) -> None:
        name = expr.name
        if name in self.program.constants or name in self.program.data_constants:
            self.usage.add(self.usage.constants, name, expr.span)
            return
        if name in ("timeout", "ask_timeout"):
            fallback = f'define the setting at the top level, like `@{name} "15m"`'
        else:
            fallback = f"define it at the top level: `@{name} <value>`"
        hint, labels = did_you_mean(name, self.program.constant_names(), shown="`@{}`", fallback=fallback)
        self.report("B103", f"unknown constant `@{name}`", expr.span, label="no constant has this name",
                    hint=hint, labels=labels)

    def call(self, call: n.Call, purity: str | None) -> None:
        keys = tuple(option.key for option in call.options)
        problem = check_call(call.name, len(call.args), keys)
        if problem is not None:
            code = _CALL_CODES[problem.kind]
            span = call.name_span if problem.kind == "unknown" else self.problem_span(call)
            label = "no builtin has this name" if problem.kind == "unknown" else ""
            self.report(code, problem.message, span, label=label, hint=problem.hint)
        if call.name == "input_method":
            for message, span, hint in widget_kind_problems(call):
                self.report("B216", message, span, label="not an option of this widget", hint=hint)
            for message, span, hint in widget_value_problems(call):
                self.report("B215", message, span, label="wrong type of value", hint=hint)
        builtin = lookup(call.name)
        if builtin is not None and purity == GUARD and builtin.effectful:
            self.report("B205", f"`{call.name}` has effects and cannot be used in a guard", call.name_span,
                        label="random or with a side effect",
                        hint="compute the value in a statement first and test a variable in the guard")
        elif builtin is not None and purity == CONSTANT and not builtin.pure:
            self.report("B206", f"`{call.name}` is not pure and cannot be used in a constant", call.name_span,
                        label="depends on the clock, the conversation or chance",
                        hint=f"set a variable in a dialog instead, like `value = {call.name}(…)`")
        if call.name in ("intent", "entity"):
            match = next((o.value for o in call.options if o.key == "match"), None)
            if match is not None:
                self.pattern_value(match)
        elif call.name == "match" and call.args:
            self.pattern_value(call.args[0], in_list=False)
        for argument in call.args:
            self.expr(argument, purity)
        for option in call.options:
            self.expr(option.value, purity)

    def problem_span(self, call: n.Call) -> Span:
        """Where an arity or option problem is best shown: the offending option, else the call."""
        builtin = lookup(call.name)
        if builtin is None:
            return call.name_span
        seen: set[str] = set()
        for option in call.options:
            unknown = ANY_KEYWORD not in builtin.keywords and option.key not in builtin.keywords
            if unknown or option.key in seen:
                return option.key_span
            seen.add(option.key)
        high = builtin.max_args
        if high is not None and len(call.args) > high:
            return call.args[high].span
        return call.span

    # ------------------------------------------------------------------ literal values
    def pattern_value(self, value: n.Expr, *, in_list: bool = True) -> None:
        """Parse the literal patterns of a `match:`-like value: a string or a list of strings."""
        if isinstance(value, n.Str):
            self.pattern(value)
        elif in_list and isinstance(value, n.ListExpr):
            for item in value.items:
                if isinstance(item, n.Str):
                    self.pattern(item)

    def pattern(self, string: n.Str, *, trigger: bool = False) -> Pattern | LegacyPattern | None:
        """Parse a literal pattern now; an error becomes B212 at its spot inside the string."""
        text = string.literal
        if text is None:
            return None
        try:
            if trigger and is_legacy_trigger(text):
                parsed: Pattern | LegacyPattern = parse_legacy(text, self.limits)
            else:
                parsed = parse_bml(text, self.limits)
        except PatternError as error:
            self.report("B212", error.message, span_in_string(string, error.start, error.end),
                        hint=error.hint)
            return None
        self.program.patterns[string.span] = parsed
        return parsed

    def duration(self, value: n.Expr, what: str) -> None:
        """Check a literal duration; computed values are checked at run time."""
        problem: str | None = None
        if isinstance(value, n.Literal):
            if value.value is None or isinstance(value.value, bool):
                problem = f"{what} takes a duration, not `{_literal_text(value.value)}`"
            elif value.value < 0:
                problem = "a duration cannot be negative"
        elif isinstance(value, n.Unary) and value.op == "-" and isinstance(value.operand, n.Literal):
            problem = "a duration cannot be negative"
        elif isinstance(value, n.Str) and value.literal is not None:
            if parse_duration(value.literal) is None:
                problem = f'malformed duration `"{value.literal}"`'
        elif isinstance(value, (n.Atom, n.ListExpr, n.MapExpr, n.KeywordList)):
            problem = f"{what} takes a duration, not {_kind_word(value)}"
        if problem is not None:
            self.report("B211", problem, value.span, label="not a duration", hint=DURATION_HINT)


def _literal_text(value: object) -> str:
    return {None: "nil", True: "true", False: "false"}.get(value, str(value))  # type: ignore[arg-type]


def _kind_word(value: n.Expr) -> str:
    return {n.Atom: "an atom", n.ListExpr: "a list", n.MapExpr: "a map", n.KeywordList: "a keyword list"}[type(value)]
