"""AST to code objects (layer 5).

Input: checked AST nodes (a dialog, task or test body; a guard; a constant's expression).
Output: `CodeObject`s of flat instruction lists with a span per instruction. No Python source is
generated and nothing is evaluated: the VM interprets the instructions (DESIGN §5).

Names compile by their form: `_x` is a local, runtime variables (`message`, `answer`, …) are
read-only loads, anything else is a conversation global; `user.x = …` stores into the user record.

Speed (compiling was a third of loading a 10,000-dialog bot): the common instructions are appended
as `(op, arg, span)` tuples straight onto the emitter's list (`emitter.py`), with plain-int
opcodes; handlers are found by node type through a dict filled on first use, not by formatting a
method name for every node.
"""

from __future__ import annotations

from typing import Any

from . import nodes as n
from .checks.translation_gaps import translated_text
from .checks.walk import count_commands
from .compile_tests import ConversationTestStatements
from .emitter import (BUILD_MAP, BUILD_STRING, COMPARE_EQUAL, GET_FIELD, JUMP, JUMP_IF_FALSE, LOAD_ATOM, LOAD_CONST,
                      LOAD_CONSTANT, LOAD_GLOBAL, LOAD_LOCAL, LOAD_RUNTIME, RETURN, RETURN_VALUE, SAY, STORE_GLOBAL,
                      STORE_LOCAL, Emitter, Shape)
from .opcodes import BINARY_OPCODES, UNARY_OPCODES, CodeObject, Op
from .source import Span
from .statements import RUNTIME_VARIABLES

# Options that statements pass on to the VM, evaluated at run time into one map.
_EMIT_CONTROL = ("to", "in", "at")
# `Op` by operator, as plain ints (`Op[BINARY_OPCODES[op]]` was two lookups and an enum)
_BINARY = {symbol: int(Op[name]) for symbol, name in BINARY_OPCODES.items()}
_UNARY = {symbol: int(Op[name]) for symbol, name in UNARY_OPCODES.items()}


class _Handlers(dict[Any, Any]):
    """Node type (or statement word) -> the `Compiler` method compiling it (`expr_Str`, `stmt_If`,
    `cmd_say`), looked up by name once per key. Plain functions of the class, called with the
    compiler, so the table holds no reference back to it. A missing `expr_`/`stmt_` method is
    the same AttributeError as ever; a missing `cmd_` is None (the builder reported it)."""

    def __init__(self, owner: type, prefix: str, required: bool):
        super().__init__()
        self.owner = owner
        self.prefix = prefix
        self.required = required

    def __missing__(self, key: Any) -> Any:
        name = self.prefix + (key if isinstance(key, str) else key.__name__)
        handler = getattr(self.owner, name) if self.required else getattr(self.owner, name, None)
        self[key] = handler
        return handler


class Compiler(ConversationTestStatements):
    """Compiles bodies and expressions; one instance per bot."""

    def __init__(self) -> None:
        cls = type(self)
        self._expressions = _Handlers(cls, "expr_", required=True)
        self._statements = _Handlers(cls, "stmt_", required=True)
        self._commands = _Handlers(cls, "cmd_", required=False)
        self._shapes: dict[Shape, tuple[str, int | None]] = {}  # see `Emitter.finish`

    # ------------------------------------------------------------------ entry points
    def compile_body(self, name: str, kind: str, body: tuple[n.Stmt, ...], end_span: Span | None) -> CodeObject:
        emitter = Emitter(name, kind)
        emitter.body = body
        self.block(emitter, body)
        emitter.add((RETURN, 0, end_span))
        return emitter.finish(self._shapes)

    def compile_expression(self, name: str, kind: str, expr: n.Expr) -> CodeObject:
        emitter = Emitter(name, kind)
        self.expression(emitter, expr)
        emitter.add((RETURN_VALUE, 0, expr.span))
        return emitter.finish(self._shapes)

    # ------------------------------------------------------------------ expressions
    def expression(self, e: Emitter, expr: n.Expr) -> None:
        self._expressions[type(expr)](self, e, expr)

    def expr_Literal(self, e: Emitter, expr: n.Literal) -> None:
        e.add((LOAD_CONST, e.constant(expr.value), expr.span))

    def expr_Str(self, e: Emitter, expr: n.Str) -> None:
        if expr.translated:
            self.translated(e, expr)
            return
        parts = expr.parts
        if len(parts) == 1 and isinstance(parts[0], n.TextPart):  # `"Hello"`: most strings
            e.add((LOAD_CONST, e.constant(parts[0].value), expr.span))
            return
        literal = expr.literal  # no interpolation: the text itself
        if literal is not None:
            e.add((LOAD_CONST, e.constant(literal), expr.span))
            return
        add, constant = e.add, e.constant
        for part in parts:
            if isinstance(part, n.TextPart):
                add((LOAD_CONST, constant(part.value), part.span))
            else:
                self.expression(e, part)
        add((BUILD_STRING, len(parts), expr.span))

    def translated(self, e: Emitter, expr: n.Str) -> None:
        """`_"Hello #{name}"`: the values of its placeholders, then TRANSLATE with the text as
        written (the key of `translations/<locale>.yaml`) and its parts (`translations.py`)."""
        key, parts, values = translated_text(expr)
        for value in values:
            self.expression(e, value)
        e.emit(Op.TRANSLATE, e.constant((key, parts)), expr.span)

    def expr_Atom(self, e: Emitter, expr: n.Atom) -> None:
        e.add((LOAD_ATOM, e.constant(expr.name), expr.span))

    def expr_Name(self, e: Emitter, expr: n.Name) -> None:
        name = expr.name
        if name.startswith("_"):
            op = LOAD_LOCAL
        elif name in RUNTIME_VARIABLES:
            op = LOAD_RUNTIME
        else:
            op = LOAD_GLOBAL
        e.add((op, e.constant(name), expr.span))

    def expr_Const(self, e: Emitter, expr: n.Const) -> None:
        e.add((LOAD_CONSTANT, e.constant(expr.name), expr.span))

    def expr_Field(self, e: Emitter, expr: n.Field) -> None:
        self.expression(e, expr.target)
        e.add((GET_FIELD, e.constant(expr.name), expr.name_span or expr.span))

    def expr_Index(self, e: Emitter, expr: n.Index) -> None:
        self.expression(e, expr.target)
        self.expression(e, expr.index)
        e.emit(Op.GET_INDEX, 0, expr.span)

    def expr_Query(self, e: Emitter, expr: n.Query) -> None:
        self.expression(e, expr.target)
        for option in expr.fields:
            e.add((LOAD_CONST, e.constant(option.key), option.key_span))
            self.expression(e, option.value)
        e.emit(Op.QUERY, len(expr.fields), expr.span)

    def expr_Call(self, e: Emitter, expr: n.Call) -> None:
        for arg in expr.args:
            self.expression(e, arg)
        for option in expr.options:
            self.expression(e, option.value)
        keys = tuple(option.key for option in expr.options)
        e.emit(Op.CALL_BUILTIN, e.constant((expr.name, len(expr.args), keys)), expr.name_span or expr.span)

    def expr_ListExpr(self, e: Emitter, expr: n.ListExpr) -> None:
        for item in expr.items:
            self.expression(e, item)
        e.emit(Op.BUILD_LIST, len(expr.items), expr.span)

    def expr_KeywordList(self, e: Emitter, expr: n.KeywordList) -> None:
        self.options_map(e, expr.items, expr.span)

    def expr_MapExpr(self, e: Emitter, expr: n.MapExpr) -> None:
        for entry in expr.entries:
            self.expression(e, entry.key)
            self.expression(e, entry.value)
        e.add((BUILD_MAP, len(expr.entries), expr.span))

    def expr_Binary(self, e: Emitter, expr: n.Binary) -> None:
        self.expression(e, expr.left)
        if expr.op in ("and", "or"):
            jump = e.emit(Op.JUMP_IF_FALSE_KEEP if expr.op == "and" else Op.JUMP_IF_TRUE_KEEP, 0, expr.op_span)
            self.expression(e, expr.right)
            e.patch(jump)
            return
        self.expression(e, expr.right)
        e.add((_BINARY[expr.op], 0, expr.op_span or expr.span))

    def expr_Unary(self, e: Emitter, expr: n.Unary) -> None:
        self.expression(e, expr.operand)
        e.add((_UNARY[expr.op], 0, expr.span))

    def options_map(self, e: Emitter, options: tuple[n.Option, ...], span: Span | None) -> None:
        for option in options:
            e.add((LOAD_CONST, e.constant(option.key), option.key_span))
            if option.key == "timeout_dialog" and isinstance(option.value, n.Name):
                e.add((LOAD_CONST, e.constant(option.value.name), option.value.span))  # a dialog name
            else:
                self.expression(e, option.value)
        e.add((BUILD_MAP, len(options), span))

    def nil(self, e: Emitter, span: Span | None) -> None:
        e.add((LOAD_CONST, e.constant(None), span))

    # ------------------------------------------------------------------ statements
    def statement(self, e: Emitter, stmt: n.Stmt) -> None:
        self._statements[type(stmt)](self, e, stmt)

    def block(self, e: Emitter, body: tuple[n.Stmt, ...]) -> None:
        for statement in body:
            self.statement(e, statement)

    def stmt_Assign(self, e: Emitter, stmt: n.Assign) -> None:
        self.expression(e, stmt.value)
        self.store(e, stmt.target)

    def store(self, e: Emitter, target: n.Expr) -> None:
        if isinstance(target, n.Name):
            op = STORE_LOCAL if target.name.startswith("_") else STORE_GLOBAL
            e.add((op, e.constant(target.name), target.span))
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
        e.add((LOAD_LOCAL if node.name.startswith("_") else LOAD_GLOBAL, e.constant(node.name), node.span))
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

    def stmt_If(self, e: Emitter, stmt: n.If) -> None:
        condition = stmt.condition
        self.expression(e, condition)
        if stmt.negated:
            e.emit(Op.NOT, 0, condition.span)
        to_else = e.emit(JUMP_IF_FALSE, 0, condition.span)
        self.block(e, stmt.then)
        if stmt.else_ is None:
            e.patch(to_else)
            return
        to_end = e.emit(JUMP, 0, None)
        e.patch(to_else)
        self.block(e, stmt.else_)
        e.patch(to_end)

    def stmt_Branch(self, e: Emitter, stmt: n.Branch) -> None:
        subject = None
        if stmt.subject is not None:
            e.hidden += 1
            subject = f"$branch{e.hidden}"
            self.expression(e, stmt.subject)
            e.add((STORE_LOCAL, e.constant(subject), stmt.subject.span))
        add = e.add
        ends: list[int] = []
        for arm in stmt.arms:
            span = arm.condition.span
            if subject is not None:
                add((LOAD_LOCAL, e.constant(subject), span))
                self.expression(e, arm.condition)
                add((COMPARE_EQUAL, 0, span))
            else:
                self.expression(e, arm.condition)
            skip = e.emit(JUMP_IF_FALSE, 0, span)
            self.block(e, arm.body)
            ends.append(e.emit(JUMP, 0, None))
            e.patch(skip)
        if stmt.else_ is not None:
            self.block(e, stmt.else_)
        for jump in ends:
            e.patch(jump)

    def stmt_Repeat(self, e: Emitter, stmt: n.Repeat) -> None:
        self.expression(e, stmt.iterable)
        e.emit(Op.ITER_START, 0, stmt.iterable.span)
        top = e.here
        done = e.emit(Op.ITER_NEXT, 0, stmt.variable_span)
        self.store(e, n.Name(name=stmt.variable, span=stmt.variable_span))
        e.loops.append([])
        self.block(e, stmt.body)
        e.emit(JUMP, top, None)
        breaks = e.loops.pop()
        e.patch(done)
        for jump in breaks:
            e.patch(jump)

    def stmt_Random(self, e: Emitter, stmt: n.Random) -> None:
        self.switch(e, Op.SWITCH_RANDOM, stmt.choices, None, stmt.span)

    def stmt_Once(self, e: Emitter, stmt: n.Once) -> None:
        self.switch(e, Op.SWITCH_ONCE, stmt.steps, stmt.after, stmt.span)

    def switch(self, e: Emitter, op: Op, choices: tuple[n.Stmt, ...], after: tuple[n.Stmt, ...] | None,
               span: Span | None) -> None:
        """A jump table: one target per statement (and one for `after`, or the end)."""
        load = e.emit(LOAD_CONST, 0, span)
        e.emit(op, 0, span)
        targets: list[int] = []
        ends: list[int] = []
        for choice in choices:
            targets.append(e.here)
            self.statement(e, choice)
            ends.append(e.emit(JUMP, 0, None))
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
        e.patch(load, e.constant(table))

    def stmt_Command(self, e: Emitter, stmt: n.Command) -> None:
        handler = self._commands[stmt.word]
        if handler is None:  # the builder reported it; keep going for the other errors
            return
        handler(self, e, stmt)

    # Each `cmd_` compiles one statement word of statements.STATEMENTS.
    def first(self, e: Emitter, stmt: n.Command) -> None:
        if stmt.args:
            self.expression(e, stmt.args[0])
        else:
            self.nil(e, stmt.span)

    def with_options(self, e: Emitter, stmt: n.Command, op: int, arg: int = 0) -> None:
        self.first(e, stmt)
        self.options_map(e, stmt.options, stmt.span)
        e.emit(op, arg, stmt.word_span or stmt.span)

    def cmd_say(self, e: Emitter, stmt: n.Command) -> None:
        if e.kind == "test":
            self.first(e, stmt)
            e.emit(Op.TEST_SAY, 0, stmt.word_span)
        else:
            self.with_options(e, stmt, SAY)

    def cmd_ask(self, e: Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.ASK, e.constant(self.target_descriptor(stmt.target)))

    def cmd_prompt(self, e: Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.PROMPT)

    def cmd_show(self, e: Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.SHOW)

    def cmd_type(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TYPE, 0, stmt.word_span)

    def cmd_pause(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.PAUSE, 0, stmt.word_span)

    def target_name(self, stmt: n.Command) -> str:
        arg = stmt.args[0] if stmt.args else None
        return arg.name if isinstance(arg, n.Name) else ""

    def cmd_invoke(self, e: Emitter, stmt: n.Command) -> None:
        self.options_map(e, stmt.options, stmt.span)
        e.emit(Op.INVOKE, e.constant(self.target_name(stmt)), stmt.args[0].span if stmt.args else stmt.span)

    def cmd_goto(self, e: Emitter, stmt: n.Command) -> None:
        e.emit(Op.GOTO, e.constant(self.target_name(stmt)), stmt.args[0].span if stmt.args else stmt.span)

    def cmd_perform(self, e: Emitter, stmt: n.Command) -> None:
        e.emit(Op.PERFORM, e.constant(self.target_name(stmt)), stmt.args[0].span if stmt.args else stmt.span)

    def cmd_continue(self, e: Emitter, stmt: n.Command) -> None:
        e.emit(Op.CONTINUE, 0, stmt.span)

    def cmd_close(self, e: Emitter, stmt: n.Command) -> None:
        e.emit(Op.CLOSE, 0, stmt.span)

    def cmd_return(self, e: Emitter, stmt: n.Command) -> None:
        if stmt.args:
            self.expression(e, stmt.args[0])
            e.emit(Op.RETURN_VALUE, 0, stmt.span)
        else:
            e.emit(Op.RETURN, 0, stmt.span)

    def cmd_break(self, e: Emitter, stmt: n.Command) -> None:
        if e.loops:
            e.emit(Op.POP, 0, stmt.span)  # the loop's iterator
            e.loops[-1].append(e.emit(Op.JUMP, 0, stmt.span))

    def cmd_emit(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        payload = [o for o in stmt.options if o.key not in _EMIT_CONTROL]
        if len(stmt.args) > 1:
            self.expression(e, stmt.args[1])
        else:
            self.options_map(e, tuple(payload), stmt.span)
        self.options_map(e, tuple(o for o in stmt.options if o.key in _EMIT_CONTROL), stmt.span)
        e.emit(Op.EMIT, 0, stmt.word_span)

    def cmd_cancel(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.CANCEL, 0, stmt.word_span)

    def cmd_await(self, e: Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.AWAIT)

    def cmd_extension(self, e: Emitter, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.EXTENSION)

    def user_path(self, stmt: n.Command) -> tuple[str, ...]:
        descriptor = self.target_descriptor(stmt.args[0]) if stmt.args else ()
        return descriptor[1:] if descriptor[:1] == ("user",) else ()

    def cmd_remember(self, e: Emitter, stmt: n.Command) -> None:
        e.emit(Op.REMEMBER, e.constant(self.user_path(stmt)), stmt.span)

    def cmd_forget(self, e: Emitter, stmt: n.Command) -> None:
        e.emit(Op.FORGET, e.constant(self.user_path(stmt)), stmt.span)

    def cmd_tag(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TAG, 0, stmt.word_span)

    def cmd_untag(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.UNTAG, 0, stmt.word_span)

    def cmd_log(self, e: Emitter, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.LOG, 0, stmt.span)

    def cmd_mail(self, e: Emitter, stmt: n.Command) -> None:
        for argument in stmt.args:  # to, subject, body (the builder checked there are three)
            self.expression(e, argument)
        e.emit(Op.MAIL, 0, stmt.word_span)

    def cmd_step(self, e: Emitter, stmt: n.Command) -> None:
        # "Step k of n": k-th `step` in source order, whatever branch or loop (docs/widgets.md); n
        # counted at the first one (counting every body first was 4 % of compiling a large bot)
        if e.steps_seen == 0:
            e.steps_total = count_commands(e.body, "step")
        e.steps_seen += 1
        self.with_options(e, stmt, Op.STEP, e.constant((e.steps_seen, e.steps_total)))
