"""AST to code objects (layer 5).

Input: checked AST nodes (a dialog, task or test body; a guard; a constant's expression).
Output: `CodeObject`s of flat instruction lists with a span per instruction. No Python source is
generated and nothing is evaluated: the VM interprets the instructions (DESIGN §5).

Names compile by their form: `_x` is a local, runtime variables (`message`, `answer`, …) are
read-only loads, anything else is a conversation global; `user.x = …` stores into the user record.
"""

from __future__ import annotations

from typing import Any

from . import nodes as n
from .checks.translation_gaps import translated_text
from .checks.walk import count_commands
from .compile_tests import ConversationTestStatements
from .opcodes import BINARY_OPCODES, FIXED_EFFECTS, UNARY_OPCODES, CodeObject, Op, stack_effect
from .source import Span
from .statements import RUNTIME_VARIABLES

# Options that statements pass on to the VM, evaluated at run time into one map.
_EMIT_CONTROL = ("to", "in", "at")


class _Emitter:
    """Builds one code object."""

    def __init__(self, name: str, kind: str):
        self.name = name
        self.kind = kind
        self.ops: list[int] = []
        self.args: list[int] = []
        self.spans: list[Span | None] = []
        self.constants: list[Any] = []
        self.pool: dict[Any, int] = {}
        self.loops: list[list[int]] = []  # per open `repeat`: jumps to patch to its end
        self.hidden = 0
        self.onces = 0  # `once` blocks so far: each counts per conversation under `name#onceN`
        self.body: tuple[n.Stmt, ...] = ()  # what compile_body compiles (`step` counts in it)
        self.steps_total = 0  # `step` statements in the body (SPEC §9: "Step k of n", n per dialog)
        self.steps_seen = 0

    def constant(self, value: Any) -> int:
        """The index of `value` in the pool, adding it once (a dict lookup: a 20,000-line bot
        must not search the pool linearly for each constant)."""
        try:
            key = (type(value), value)
            found = self.pool.get(key)
        except TypeError:  # unhashable (a tuple holding a list): search, rare
            key, found = None, next((i for i, c in enumerate(self.constants)
                                     if type(c) is type(value) and c == value), None)
        if found is None:
            found = len(self.constants)
            self.constants.append(value)
            if key is not None:
                self.pool[key] = found
        return found

    def emit(self, op: Op, arg: int = 0, span: Span | None = None) -> int:
        self.ops.append(int(op))
        self.args.append(arg)
        self.spans.append(span)
        return len(self.ops) - 1

    def patch(self, at: int, target: int | None = None) -> None:
        self.args[at] = len(self.ops) if target is None else target

    @property
    def here(self) -> int:
        return len(self.ops)

    def finish(self) -> CodeObject:
        ops, args, constants = tuple(self.ops), tuple(self.args), tuple(self.constants)
        depth = peak = 0
        fixed = FIXED_EFFECTS
        for op, arg in zip(ops, args):
            effect = fixed[op]
            depth += stack_effect(op, arg, constants) if effect is None else effect
            if depth > peak:
                peak = depth
        return CodeObject(name=self.name, kind=self.kind, ops=ops, args=args, constants=constants,
                          spans=tuple(self.spans), max_stack=peak,
                          code_hash=CodeObject.hash_of(ops, args, constants))


class Compiler(ConversationTestStatements):
    """Compiles bodies and expressions; one instance per bot."""

    # ------------------------------------------------------------------ entry points
    def compile_body(self, name: str, kind: str, body: tuple[n.Stmt, ...], end_span: Span | None) -> CodeObject:
        emitter = _Emitter(name, kind)
        emitter.body = body
        for statement in body:
            self.statement(emitter, statement)
        emitter.emit(Op.RETURN, 0, end_span)
        return emitter.finish()

    def compile_expression(self, name: str, kind: str, expr: n.Expr) -> CodeObject:
        emitter = _Emitter(name, kind)
        self.expression(emitter, expr)
        emitter.emit(Op.RETURN_VALUE, 0, expr.span)
        return emitter.finish()

    # ------------------------------------------------------------------ expressions
    def expression(self, e: _Emitter, expr: n.Expr) -> None:
        method = getattr(self, f"expr_{type(expr).__name__}")
        method(e, expr)

    def expr_Literal(self, e: _Emitter, expr: n.Literal) -> None:
        e.emit(Op.LOAD_CONST, e.constant(expr.value), expr.span)

    def expr_Str(self, e: _Emitter, expr: n.Str) -> None:
        literal = expr.literal
        if expr.translated:
            self.translated(e, expr)
        elif literal is not None:
            e.emit(Op.LOAD_CONST, e.constant(literal), expr.span)
        else:
            for part in expr.parts:
                if isinstance(part, n.TextPart):
                    e.emit(Op.LOAD_CONST, e.constant(part.value), part.span)
                else:
                    self.expression(e, part)
            e.emit(Op.BUILD_STRING, len(expr.parts), expr.span)

    def translated(self, e: _Emitter, expr: n.Str) -> None:
        """`_"Hello #{name}"`: the values of its placeholders, then TRANSLATE with the text as
        written (the key of `translations/<locale>.yaml`) and its parts (`translations.py`)."""
        key, parts, values = translated_text(expr)
        for value in values:
            self.expression(e, value)
        e.emit(Op.TRANSLATE, e.constant((key, parts)), expr.span)

    def expr_Atom(self, e: _Emitter, expr: n.Atom) -> None:
        e.emit(Op.LOAD_ATOM, e.constant(expr.name), expr.span)

    def expr_Name(self, e: _Emitter, expr: n.Name) -> None:
        if expr.name.startswith("_"):
            e.emit(Op.LOAD_LOCAL, e.constant(expr.name), expr.span)
        elif expr.name in RUNTIME_VARIABLES:
            e.emit(Op.LOAD_RUNTIME, e.constant(expr.name), expr.span)
        else:
            e.emit(Op.LOAD_GLOBAL, e.constant(expr.name), expr.span)

    def expr_Const(self, e: _Emitter, expr: n.Const) -> None:
        e.emit(Op.LOAD_CONSTANT, e.constant(expr.name), expr.span)

    def expr_Field(self, e: _Emitter, expr: n.Field) -> None:
        self.expression(e, expr.target)
        e.emit(Op.GET_FIELD, e.constant(expr.name), expr.name_span or expr.span)

    def expr_Index(self, e: _Emitter, expr: n.Index) -> None:
        self.expression(e, expr.target)
        self.expression(e, expr.index)
        e.emit(Op.GET_INDEX, 0, expr.span)

    def expr_Query(self, e: _Emitter, expr: n.Query) -> None:
        self.expression(e, expr.target)
        for option in expr.fields:
            e.emit(Op.LOAD_CONST, e.constant(option.key), option.key_span)
            self.expression(e, option.value)
        e.emit(Op.QUERY, len(expr.fields), expr.span)

    def expr_Call(self, e: _Emitter, expr: n.Call) -> None:
        for arg in expr.args:
            self.expression(e, arg)
        for option in expr.options:
            self.expression(e, option.value)
        keys = tuple(option.key for option in expr.options)
        e.emit(Op.CALL_BUILTIN, e.constant((expr.name, len(expr.args), keys)), expr.name_span or expr.span)

    def expr_ListExpr(self, e: _Emitter, expr: n.ListExpr) -> None:
        for item in expr.items:
            self.expression(e, item)
        e.emit(Op.BUILD_LIST, len(expr.items), expr.span)

    def expr_KeywordList(self, e: _Emitter, expr: n.KeywordList) -> None:
        self.options_map(e, expr.items, expr.span)

    def expr_MapExpr(self, e: _Emitter, expr: n.MapExpr) -> None:
        for entry in expr.entries:
            self.expression(e, entry.key)
            self.expression(e, entry.value)
        e.emit(Op.BUILD_MAP, len(expr.entries), expr.span)

    def expr_Binary(self, e: _Emitter, expr: n.Binary) -> None:
        self.expression(e, expr.left)
        if expr.op in ("and", "or"):
            jump = e.emit(Op.JUMP_IF_FALSE_KEEP if expr.op == "and" else Op.JUMP_IF_TRUE_KEEP, 0, expr.op_span)
            self.expression(e, expr.right)
            e.patch(jump)
            return
        self.expression(e, expr.right)
        e.emit(Op[BINARY_OPCODES[expr.op]], 0, expr.op_span or expr.span)

    def expr_Unary(self, e: _Emitter, expr: n.Unary) -> None:
        self.expression(e, expr.operand)
        e.emit(Op[UNARY_OPCODES[expr.op]], 0, expr.span)

    def options_map(self, e: _Emitter, options: tuple[n.Option, ...], span: Span | None) -> None:
        for option in options:
            e.emit(Op.LOAD_CONST, e.constant(option.key), option.key_span)
            if option.key == "timeout_dialog" and isinstance(option.value, n.Name):
                e.emit(Op.LOAD_CONST, e.constant(option.value.name), option.value.span)  # a dialog name
            else:
                self.expression(e, option.value)
        e.emit(Op.BUILD_MAP, len(options), span)

    def nil(self, e: _Emitter, span: Span | None) -> None:
        e.emit(Op.LOAD_CONST, e.constant(None), span)

    # ------------------------------------------------------------------ statements
    def statement(self, e: _Emitter, stmt: n.Stmt) -> None:
        getattr(self, f"stmt_{type(stmt).__name__}")(e, stmt)

    def block(self, e: _Emitter, body: tuple[n.Stmt, ...]) -> None:
        for statement in body:
            self.statement(e, statement)

    def stmt_Assign(self, e: _Emitter, stmt: n.Assign) -> None:
        self.expression(e, stmt.value)
        self.store(e, stmt.target)

    def store(self, e: _Emitter, target: n.Expr) -> None:
        if isinstance(target, n.Name):
            op = Op.STORE_LOCAL if target.name.startswith("_") else Op.STORE_GLOBAL
            e.emit(op, e.constant(target.name), target.span)
            return
        steps: list[n.Expr] = []
        node: n.Expr = target
        while isinstance(node, (n.Field, n.Index)):
            steps.insert(0, node)
            node = node.target
        assert isinstance(node, n.Name)  # the builder refused other targets
        if node.name == "user":  # `user.a.b = v`: the user record (the builder allows fields only)
            e.emit(Op.STORE_USER, e.constant(tuple(step.name for step in steps)), target.span)  # type: ignore[attr-defined]
            return
        # `order.items[2].name = v`: the variable's new value, maps and lists made as needed
        e.emit(Op.LOAD_LOCAL if node.name.startswith("_") else Op.LOAD_GLOBAL, e.constant(node.name), node.span)
        path: list[str | None] = []
        for step in steps:
            if isinstance(step, n.Index):
                self.expression(e, step.index)
                path.append(None)
            else:
                path.append(step.name)  # type: ignore[attr-defined]
        e.emit(Op.PUT_IN, e.constant(tuple(path)), target.span)
        self.store(e, node)

    def target_descriptor(self, target: n.Expr | None) -> tuple[str, ...]:
        """Where `x = ask …` stores its answer: `("global", x)`, `("local", _x)` or
        `("user", key, …)`; `()` for a plain `ask`."""
        if target is None:
            return ()
        if isinstance(target, n.Name):
            return ("local" if target.name.startswith("_") else "global", target.name)
        path: list[str] = []
        node: n.Expr = target
        while isinstance(node, n.Field):
            path.insert(0, node.name)
            node = node.target
        return ("user", *path)

    def stmt_If(self, e: _Emitter, stmt: n.If) -> None:
        self.expression(e, stmt.condition)
        if stmt.negated:
            e.emit(Op.NOT, 0, stmt.condition.span)
        to_else = e.emit(Op.JUMP_IF_FALSE, 0, stmt.condition.span)
        self.block(e, stmt.then)
        if stmt.else_ is None:
            e.patch(to_else)
            return
        to_end = e.emit(Op.JUMP, 0, None)
        e.patch(to_else)
        self.block(e, stmt.else_)
        e.patch(to_end)

    def stmt_Branch(self, e: _Emitter, stmt: n.Branch) -> None:
        subject = None
        if stmt.subject is not None:
            e.hidden += 1
            subject = f"$branch{e.hidden}"
            self.expression(e, stmt.subject)
            e.emit(Op.STORE_LOCAL, e.constant(subject), stmt.subject.span)
        ends: list[int] = []
        for arm in stmt.arms:
            if subject is not None:
                e.emit(Op.LOAD_LOCAL, e.constant(subject), arm.condition.span)
                self.expression(e, arm.condition)
                e.emit(Op.COMPARE_EQUAL, 0, arm.condition.span)
            else:
                self.expression(e, arm.condition)
            skip = e.emit(Op.JUMP_IF_FALSE, 0, arm.condition.span)
            self.block(e, arm.body)
            ends.append(e.emit(Op.JUMP, 0, None))
            e.patch(skip)
        if stmt.else_ is not None:
            self.block(e, stmt.else_)
        for jump in ends:
            e.patch(jump)

    def stmt_Repeat(self, e: _Emitter, stmt: n.Repeat) -> None:
        self.expression(e, stmt.iterable)
        e.emit(Op.ITER_START, 0, stmt.iterable.span)
        top = e.here
        done = e.emit(Op.ITER_NEXT, 0, stmt.variable_span)
        self.store(e, n.Name(name=stmt.variable, span=stmt.variable_span))
        e.loops.append([])
        self.block(e, stmt.body)
        e.emit(Op.JUMP, top, None)
        breaks = e.loops.pop()
        e.patch(done)
        for jump in breaks:
            e.patch(jump)

    def stmt_Random(self, e: _Emitter, stmt: n.Random) -> None:
        self.switch(e, Op.SWITCH_RANDOM, stmt.choices, None, stmt.span)

    def stmt_Once(self, e: _Emitter, stmt: n.Once) -> None:
        self.switch(e, Op.SWITCH_ONCE, stmt.steps, stmt.after, stmt.span)

    def switch(self, e: _Emitter, op: Op, choices: tuple[n.Stmt, ...], after: tuple[n.Stmt, ...] | None,
               span: Span | None) -> None:
        """A jump table: one target per statement (and one for `after`, or the end)."""
        load = e.emit(Op.LOAD_CONST, 0, span)
        e.emit(op, 0, span)
        targets: list[int] = []
        ends: list[int] = []
        for choice in choices:
            targets.append(e.here)
            self.statement(e, choice)
            ends.append(e.emit(Op.JUMP, 0, None))
        after_target = e.here
        if after is not None:
            self.block(e, after)
        end = e.here
        for jump in ends:
            e.patch(jump, end)
        # The counter key names the code and the block's ordinal in it, not a source position, so
        # a comment added above a `once` keeps its count (SPEC §14).
        key = ""
        if op == Op.SWITCH_ONCE:
            e.onces += 1
            key = f"{e.name}#once{e.onces}"
        table = (key, tuple(targets), after_target if after is not None else end)
        e.args[load] = e.constant(table)

    def stmt_Command(self, e: _Emitter, stmt: n.Command) -> None:
        handler = getattr(self, f"cmd_{stmt.word}", None)
        if handler is None:  # the builder reported it; keep going for the other errors
            return
        handler(e, stmt)

    # Each `cmd_` compiles one statement word of statements.STATEMENTS.
    def first(self, e: _Emitter, stmt: n.Command) -> None:
        if stmt.args:
            self.expression(e, stmt.args[0])
        else:
            self.nil(e, stmt.span)

    def with_options(self, e: _Emitter, stmt: n.Command, op: Op, arg: int = 0) -> None:
        self.first(e, stmt)
        self.options_map(e, stmt.options, stmt.span)
        e.emit(op, arg, stmt.word_span or stmt.span)

    def cmd_say(self, e: _Emitter, stmt: n.Command) -> None:
        if e.kind == "test":
            self.first(e, stmt)
            e.emit(Op.TEST_SAY, 0, stmt.word_span)
        else:
            self.with_options(e, stmt, Op.SAY)

    def cmd_ask(self, e: _Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.ASK, e.constant(self.target_descriptor(stmt.target)))

    def cmd_prompt(self, e: _Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.PROMPT)

    def cmd_show(self, e: _Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.SHOW)

    def cmd_type(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TYPE, 0, stmt.word_span)

    def cmd_pause(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.PAUSE, 0, stmt.word_span)

    def target_name(self, stmt: n.Command) -> str:
        arg = stmt.args[0] if stmt.args else None
        return arg.name if isinstance(arg, n.Name) else ""

    def cmd_invoke(self, e: _Emitter, stmt: n.Command) -> None:
        self.options_map(e, stmt.options, stmt.span)
        e.emit(Op.INVOKE, e.constant(self.target_name(stmt)), stmt.args[0].span if stmt.args else stmt.span)

    def cmd_goto(self, e: _Emitter, stmt: n.Command) -> None:
        e.emit(Op.GOTO, e.constant(self.target_name(stmt)), stmt.args[0].span if stmt.args else stmt.span)

    def cmd_perform(self, e: _Emitter, stmt: n.Command) -> None:
        e.emit(Op.PERFORM, e.constant(self.target_name(stmt)), stmt.args[0].span if stmt.args else stmt.span)

    def cmd_continue(self, e: _Emitter, stmt: n.Command) -> None:
        e.emit(Op.CONTINUE, 0, stmt.span)

    def cmd_close(self, e: _Emitter, stmt: n.Command) -> None:
        e.emit(Op.CLOSE, 0, stmt.span)

    def cmd_return(self, e: _Emitter, stmt: n.Command) -> None:
        if stmt.args:
            self.expression(e, stmt.args[0])
            e.emit(Op.RETURN_VALUE, 0, stmt.span)
        else:
            e.emit(Op.RETURN, 0, stmt.span)

    def cmd_break(self, e: _Emitter, stmt: n.Command) -> None:
        if e.loops:
            e.emit(Op.POP, 0, stmt.span)  # the loop's iterator
            e.loops[-1].append(e.emit(Op.JUMP, 0, stmt.span))

    def cmd_emit(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        payload = [o for o in stmt.options if o.key not in _EMIT_CONTROL]
        if len(stmt.args) > 1:
            self.expression(e, stmt.args[1])
        else:
            self.options_map(e, tuple(payload), stmt.span)
        self.options_map(e, tuple(o for o in stmt.options if o.key in _EMIT_CONTROL), stmt.span)
        e.emit(Op.EMIT, 0, stmt.word_span)

    def cmd_cancel(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.CANCEL, 0, stmt.word_span)

    def cmd_await(self, e: _Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.AWAIT)

    def cmd_extension(self, e: _Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.EXTENSION)

    def user_path(self, stmt: n.Command) -> tuple[str, ...]:
        descriptor = self.target_descriptor(stmt.args[0]) if stmt.args else ()
        return descriptor[1:] if descriptor[:1] == ("user",) else ()

    def cmd_remember(self, e: _Emitter, stmt: n.Command) -> None:
        e.emit(Op.REMEMBER, e.constant(self.user_path(stmt)), stmt.span)

    def cmd_forget(self, e: _Emitter, stmt: n.Command) -> None:
        e.emit(Op.FORGET, e.constant(self.user_path(stmt)), stmt.span)

    def cmd_tag(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TAG, 0, stmt.word_span)

    def cmd_untag(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.UNTAG, 0, stmt.word_span)

    def cmd_log(self, e: _Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.LOG, 0, stmt.span)

    def cmd_mail(self, e: _Emitter, stmt: n.Command) -> None:
        for argument in stmt.args:  # to, subject, body (the builder checked there are three)
            self.expression(e, argument)
        e.emit(Op.MAIL, 0, stmt.word_span)

    def cmd_step(self, e: _Emitter, stmt: n.Command) -> None:
        # "Step k of n": k-th `step` in source order, whatever branch or loop (docs/widgets.md); n
        # counted at the first one (counting every body first was 4 % of compiling a large bot)
        if e.steps_seen == 0:
            e.steps_total = count_commands(e.body, "step")
        e.steps_seen += 1
        self.with_options(e, stmt, Op.STEP, e.constant((e.steps_seen, e.steps_total)))
