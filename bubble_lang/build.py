"""Parse tree to AST (layer 3).

Input: the Lark tree of one file. Output: a `Script` of frozen nodes from `nodes.py`, or a
`BubbleSyntaxError` with every shape error found (statement at top level, unknown statement,
wrong argument count, bad assignment target, definitions out of place, ...).

Lark calls the builder while it parses (no intermediate tree); the lexer has already bounded
nesting. Declarations and statements are built here, expressions in `build_expressions.py`, and
what both share is in `build_state.py`. This module never evaluates anything.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs
from lark import Lark, Token
from lark.exceptions import UnexpectedToken
from lark.visitors import Transformer

from . import nodes as n
from .accel import ACCEL
from .build_expressions import ExpressionCallbacks
from .build_makers import assign_node, command_node, dialog_node, option_node, span_node
from .build_state import _STATE, _Arm, _Body, _Header, _State, _end_of, _start_of, split_options
from .diagnostics import BubbleSyntaxError, Diagnostic, Label, make_diagnostic
from .gcpause import collector_paused
from .limits import DEFAULT_LIMITS, Limits
from .lexer import tokenize
from .lalr_run import LeanParser, NoAction
from .parser import check_size, make_lark, syntax_error
from .recovery import recover
from .source import SourceFile, Span
from .spelling import nearest_name
from .statements import (BLOCK_WORDS, DIALOG_HEADER_OPTIONS, ORIGINAL_ONLY_STATEMENTS, RUNTIME_VARIABLES,
                         STATEMENTS, TASK_HEADER_OPTIONS)


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    close = nearest_name(word, choices)
    return f"did you mean `{close}`?" if close else None


if ACCEL is not None:
    ACCEL.cover_setup(Token, (n.Node, _Arm), span_node, _start_of, _end_of, _STATE)


class _Builder(ExpressionCallbacks, Transformer):
    """Lark calls one method per grammar rule (or alias) with the already-built children."""

    @property
    def source(self) -> SourceFile:
        return _STATE.get().source

    @property
    def limits(self) -> Limits:
        return _STATE.get().limits

    @property
    def errors(self) -> list[Diagnostic]:
        return _STATE.get().errors

    # ------------------------------------------------------------------ helpers
    def _python_cover(self, children: list[Any]) -> Span | None:
        """A node's span: from its first positioned child to its last."""
        for child in children:
            start = _start_of(child)
            if start is not None:
                break
        else:
            return None
        for child in reversed(children):
            end = _end_of(child)
            if end is not None:
                break
        else:
            end = start
        return Span(_STATE.get().source, start, end)

    def _python_token_span(self, token: Token) -> Span:
        return Span(self.source, token.start_pos, token.end_pos)

    # The same two in C when the accelerator is built (`_accel.c`, reading the source from `_STATE`
    # itself): a sixth of building a large script. Plain functions, called without `self`.
    _cover = _python_cover if ACCEL is None else staticmethod(ACCEL.cover)
    _token_span = _python_token_span if ACCEL is None else staticmethod(ACCEL.token_span)

    def _error(self, code: str, message: str, span: Span | None, **kwargs: Any) -> None:
        self.errors.append(make_diagnostic(code, message, span, **kwargs))

    # ------------------------------------------------------------------ blocks
    def start(self, children: list[Any]) -> n.Script:
        decls: list[n.Decl] = []
        for item in children[0]:
            if isinstance(item, n.Decl):
                decls.append(item)
            elif isinstance(item, n.Assign) and isinstance(item.target, n.Const):
                self._error("B032", "constants are defined without `=`", item.span,
                           label="remove the `=`",
                           hint=f"write `@{item.target.name} <value>` on one line")
            elif isinstance(item, _Arm):
                self._error("B030", "statement at top level", item.span,
                           hint="put it inside a dialog: `dialog main do … end`")
            else:
                self._error("B030", "statement at top level", item.span, label="outside any dialog",
                           hint="put it inside a dialog, task or test, like `dialog main do … end`")
        return n.Script(path=self.source.name, decls=tuple(decls), span=Span(self.source, 0, len(self.source.text)))

    def block(self, children: list[Any]) -> list[Any]:
        return list(children)

    def _statements(self, items: list[Any], where: str) -> tuple[n.Stmt, ...]:
        """Check that `items` may stand in a block of kind `where` (task, test, nested)."""
        result: list[n.Stmt] = []
        for item in items:
            if isinstance(item, _Arm):
                self._error("B035", "`->` arm outside `branch`", item.span,
                           hint="wrap the arms in `branch do … end`")
            elif isinstance(item, n.Decl):
                self._misplaced(item, where)
            else:
                result.append(item)
        return tuple(result)

    def _misplaced(self, decl: n.Decl, where: str) -> None:
        kind = {n.DialogDecl: "dialog", n.TaskDecl: "task", n.TestDecl: "test", n.ConstDecl: "constant"}[type(decl)]
        hint = ("define inner dialogs directly in the dialog's body" if kind == "dialog"
                else f"move the {kind} definition to the top level of the script")
        self._error("B034", f"a {kind} cannot be defined inside {where}", decl.span, hint=hint)

    def block_body(self, children: list[Any]) -> _Body:
        return _Body(children[1], False, children[2])

    def short_body(self, children: list[Any]) -> _Body:
        return _Body([children[1]], True)

    # ------------------------------------------------------------------ declarations
    def const_def(self, children: list[Any]) -> n.ConstDecl:
        token = children[0]
        return n.ConstDecl(name=token.value[1:], value=children[1], span=self._cover(children),
                           name_span=self._token_span(token))

    def header(self, children: list[Any]) -> _Header:
        name = children[0] if isinstance(children[0], Token) and children[0].type == "NAME" else None
        options = tuple(child for child in children if isinstance(child, n.Option))
        return _Header(name, options)


    def guard(self, children: list[Any]) -> n.Expr:
        return children[1]

    def _parts(self, children: list[Any]) -> tuple[_Header | None, n.Expr | None, _Body]:
        header = next((c for c in children if isinstance(c, _Header)), None)
        body = children[-1]
        guard = next((c for c in children[1:-1] if isinstance(c, n.Expr)), None)
        return header, guard, body

    def _check_header(self, header: _Header | None, allowed: tuple[str, ...], what: str) -> tuple[n.Option, ...]:
        if header is None:
            return ()
        seen: dict[str, n.Option] = {}
        for option in header.options:
            if option.key not in allowed:
                hint = _did_you_mean(option.key, list(allowed)) or f"{what} headers take {', '.join(f'`{a}:`' for a in allowed)}"
                self._error("B036", f"{what}s have no header option `{option.key}:`", option.key_span, hint=hint)
            elif option.key in seen:
                self._error("B036", f"`{option.key}:` is given twice", option.key_span,
                           labels=(Label(seen[option.key].key_span, "first given here"),),
                           hint="keep one of them")
            else:
                seen[option.key] = option
        return header.options

    def dialog_def(self, children: list[Any]) -> n.DialogDecl:
        header, guard, body = self._parts(children)
        options = self._check_header(header, DIALOG_HEADER_OPTIONS, "dialog")
        statements: list[n.Stmt] = []
        inner: list[n.DialogDecl] = []
        for item in body.items:
            if isinstance(item, n.DialogDecl):
                inner.append(item)
            elif isinstance(item, n.Decl):
                self._misplaced(item, "a dialog")
            elif isinstance(item, _Arm):
                self._statements([item], "a dialog")
            else:
                statements.append(item)
        name = header.name if header else None
        if name is None and not options:
            self._error("B036", "a dialog needs a name or a trigger", self._token_span(children[0]),
                       hint="write `dialog name do … end` or `dialog trigger: \"words\" do … end`")
        return dialog_node(name.value if name else None, options, guard, tuple(statements), tuple(inner),
                           self._cover(children), self._token_span(name) if name else self._token_span(children[0]))

    def task_def(self, children: list[Any]) -> n.TaskDecl:
        header, guard, body = self._parts(children)
        options = self._check_header(header, TASK_HEADER_OPTIONS, "task")
        name = header.name if header else None
        if name is None and not options:
            self._error("B036", "a task needs a name, `before:` or `event:`", self._token_span(children[0]),
                       hint="write `task name do … end`")
        return n.TaskDecl(name=name.value if name else None, options=options, guard=guard,
                          body=self._statements(body.items, "a task"), span=self._cover(children),
                          name_span=self._token_span(name) if name else self._token_span(children[0]))

    def test_def(self, children: list[Any]) -> n.TestDecl:
        title, body = children[1], children[2]
        if not (isinstance(title, n.Str)):
            self._error("B036", "a test is named with a string", title.span, hint='write `test "what it checks" do … end`')
        return n.TestDecl(title=title, body=self._statements(body.items, "a test"), span=self._cover(children))

    # ------------------------------------------------------------------ statements
    def args(self, children: list[Any]) -> list[Any]:
        return [c for c in children if not isinstance(c, Token)]

    call_args = args
    list_items = args

    def kwarg(self, children: list[Any]) -> n.Option:
        key: Token = children[0]
        return option_node(key.value[:-1], children[1], self._cover(children), self._token_span(key))

    header_opt = kwarg

    def command(self, children: list[Any]) -> n.Stmt:
        word: Token = children[0]
        return self._make_command(word, children[1], self._cover(children))

    def media_command(self, children: list[Any]) -> n.Stmt:
        word: Token = children[0]
        media: Token = children[1]
        media_span = Span(self.source, media.start_pos, children[2].span.end if children[2].span else media.end_pos)
        call = n.Call(name=media.value, args=(children[2],), span=media_span, name_span=self._token_span(media))
        rest = [c for c in children[3:] if not isinstance(c, Token)]
        return self._make_command(word, [call, *rest], self._cover(children))

    def _make_command(self, word: Token, arguments: list[Any], span: Span | None,
                     target: n.Expr | None = None) -> n.Stmt:
        args, options = split_options(arguments)
        word_span = self._token_span(word)
        spec = STATEMENTS.get(word.value)
        if spec is None:
            if word.value in ("elif", "elsif", "elseif"):
                self._error("B040", f"bubble has no `{word.value}`", word_span,
                           hint="use `branch do cond1 -> … cond2 -> … end` for several conditions")
            else:
                hint = ORIGINAL_ONLY_STATEMENTS.get(word.value) or _did_you_mean(word.value, [*STATEMENTS, *BLOCK_WORDS])
                self._error("B031", f"unknown statement `{word.value}`", word_span,
                           hint=hint or "see the statement list in docs/language.md")
            return n.Command(word=word.value, args=args, options=options, span=span, word_span=word_span)
        count = len(args)
        if count < spec.min_args and not (spec.option_only and options):
            self._error("B038", f"`{spec.word}` needs {_count(spec.min_args)}", word_span,
                       hint=f"write `{spec.word} <value>` ({spec.doc})")
        elif count > spec.max_args:
            extra = args[spec.max_args]
            self._error("B038", f"`{spec.word}` takes {_count(spec.max_args)}, got {count}", extra.span,
                       label="not expected here",
                       hint="remove the extra value, or give it as an option like `name: value`"
                       if spec.options else "remove the extra value")
        if word.value in ("invoke", "goto", "perform") and args and not isinstance(args[0], n.Name):
            self._error("B038", f"`{word.value}` takes a {'task' if word.value == 'perform' else 'dialog'} name",
                       args[0].span, hint="write the name without quotes, like `invoke menu`")
        return command_node(word.value, args, options, target, span, word_span)

    def bare(self, children: list[Any]) -> n.Stmt:
        expr = children[0]
        if isinstance(expr, n.Name) and (expr.name in STATEMENTS or expr.name in ("elif", "elsif")):
            token = Token("CMD", expr.name, expr.span.start, end_pos=expr.span.end)
            return self._make_command(token, [], expr.span)
        if isinstance(expr, n.Name):
            hint = ORIGINAL_ONLY_STATEMENTS.get(expr.name) or _did_you_mean(expr.name, list(STATEMENTS))
            self._error("B031", f"unknown statement `{expr.name}`", expr.span,
                       hint=hint or "a name alone does nothing: use `say name` to send it")
        else:
            self._error("B037", "an expression is not a statement", expr.span, label="this value is not used",
                       hint="send it with `say`, or store it with `name = …`")
        return n.Command(word="", args=(expr,), span=self._cover(children))

    def assign(self, children: list[Any]) -> n.Stmt:
        target, value = children[0], children[2]
        self._check_target(target)
        if isinstance(value, n.Command):
            if value.word != "ask":
                self._error("B033", f"only `ask` can be assigned, not `{value.word}`", value.word_span,
                           hint="write `x = ask \"question\"`")
            elif not isinstance(target, (n.Name, n.Const)) and not _user_field(target):
                self._error("B033", "`ask` stores its answer in a variable or a user field", target.span,
                           hint="ask into a variable first, then store it: `x = ask \"…\"` and `order.x = x`")
            return attrs.evolve(value, target=target, span=self._cover(children))
        return assign_node(target, value, self._cover(children))

    def _check_target(self, target: n.Expr) -> None:
        """A variable, a user field (`user.email`), or a path into a variable (`order.items[0].name`:
        maps and lists are made as needed, as the original's AutoMap does)."""
        if isinstance(target, n.Const):
            return  # reported as B032 at the top level, B033 elsewhere by the resolver
        root = target
        while isinstance(root, (n.Field, n.Index)):
            root = root.target
        if _user_field(target):
            return
        if isinstance(root, n.Const):
            self._error("B033", f"cannot assign into the constant `@{root.name}`", target.span,
                       label="constants are read-only",
                       hint=f"copy it into a variable and change that: `{root.name} = @{root.name}`")
            return
        if isinstance(root, n.Name) and root.name not in RUNTIME_VARIABLES:
            return
        if isinstance(root, n.Name):  # a runtime variable, or `user` with an index in the path
            where = target if isinstance(target, n.Name) else root
            self._error("B033", f"`{root.name}` is a runtime variable and cannot be assigned", where.span,
                       hint=f"store the value in a variable of your own, like `my_{root.name} = …`"
                       if root.name != "user" else "a user field is written `user.name = …`, without indexes")
            return
        self._error("B033", "cannot assign to this", target.span,
                   hint="assign to a variable (`total = …`), a local (`_x = …`), a user field (`user.email = …`) "
                        "or a path into a variable (`order.size = …`, `items[0] = …`)")

    def arm(self, children: list[Any]) -> _Arm:
        statement = children[2] if len(children) > 2 else None
        return _Arm(children[0], statement, self._cover(children))

    def if_stmt(self, children: list[Any]) -> n.If:
        return self._if(children, negated=False)

    def unless_stmt(self, children: list[Any]) -> n.If:
        return self._if(children, negated=True)

    def _if(self, children: list[Any], negated: bool) -> n.If:
        blocks = [c for c in children if isinstance(c, list)]
        then = self._statements(blocks[0], "an `if`")
        else_ = self._statements(blocks[1], "an `else`") if len(blocks) > 1 else None
        return n.If(condition=children[1], then=then, else_=else_, negated=negated, span=self._cover(children))

    def branch_stmt(self, children: list[Any]) -> n.Branch:
        subject = children[1] if isinstance(children[1], n.Expr) else None
        blocks = [c for c in children if isinstance(c, list)]
        arms: list[n.BranchArm] = []
        current: tuple[_Arm, list[Any]] | None = None

        def close() -> None:
            if current is not None:
                arm, body = current
                end = body[-1].span.end if body and body[-1].span else arm.span.end
                arms.append(n.BranchArm(condition=arm.condition, body=self._statements(body, "a branch arm"),
                                        span=Span(self.source, arm.span.start, end)))

        for item in blocks[0]:
            if isinstance(item, _Arm):
                close()
                current = (item, [item.statement] if item.statement is not None else [])
            elif current is None:
                self._error("B035", "a `branch` block starts with an arm `condition -> …`", item.span,
                           hint="put `condition ->` before this statement")
            else:
                current[1].append(item)
        close()
        else_ = self._statements(blocks[1], "an `else`") if len(blocks) > 1 else None
        return n.Branch(subject=subject, arms=tuple(arms), else_=else_, span=self._cover(children))

    def repeat_stmt(self, children: list[Any]) -> n.Repeat:
        variable: Token = children[1]
        return n.Repeat(variable=variable.value, iterable=children[3], body=self._statements(children[5], "a `repeat`"),
                        span=self._cover(children), variable_span=self._token_span(variable))

    def random_stmt(self, children: list[Any]) -> n.Random:
        return n.Random(choices=self._statements(children[2], "`random`"), span=self._cover(children))

    def once_stmt(self, children: list[Any]) -> n.Once:
        blocks = [c for c in children if isinstance(c, list)]
        after = self._statements(blocks[1], "`after`") if len(blocks) > 1 else None
        return n.Once(steps=self._statements(blocks[0], "`once`"), after=after, span=self._cover(children))

def _count(number: int) -> str:
    return {0: "no value", 1: "one value", 2: "two values"}.get(number, f"{number} values")


_BUILDER = _Builder()  # stateless: what one parse collects lives in `_STATE`


@functools.lru_cache(maxsize=None)
def _lark() -> Lark:
    """The parser with the builder attached: built once per process."""
    return make_lark(transformer=_BUILDER)


@functools.lru_cache(maxsize=None)
def _lean() -> LeanParser:
    """Lark's tables run by the lean driver (`lalr_run.py`); Lark itself reports syntax errors."""
    return LeanParser(_lark(), _BUILDER)


def parse_script(source: SourceFile, limits: Limits = DEFAULT_LIMITS) -> n.Script:
    """Text to AST: tokenize, then parse and build in one pass.

    Raises `BubbleSyntaxError`: every shape error the builder found, or, after a syntax error,
    each syntax error of each top-level block (`recovery.py`).
    """
    check_size(source, limits)
    try:
        return _parse_whole(source, limits)
    except _ShapeErrors:
        raise  # the file parsed; the builder's findings are all real, and there is nothing to recover
    except BubbleSyntaxError as error:
        whole = _first(error)  # a lexical or parse error: what the parser saw after it may be its echo
    raise BubbleSyntaxError(recover(source, limits, whole, _parse_whole, _ShapeErrors))


class _ShapeErrors(BubbleSyntaxError):
    """What the builder found in a file that parsed (statements at the top level, unknown
    statements): every one is real, unlike what follows a syntax error."""


def _first(error: BubbleSyntaxError) -> list[Diagnostic]:
    return sorted(error.diagnostics, key=lambda d: d.sort_key)[:1]


def _parse_whole(source: SourceFile, limits: Limits) -> n.Script:
    state = _State(source, limits, [])
    reset = _STATE.set(state)
    tokens: list[Token] = []
    try:
        with collector_paused():  # see gcpause.py: 30 % of a 10,000-dialog parse was collection
            tokens = tokenize(source, limits)
            try:
                script = _lean().parse(tokens)
            except NoAction:  # a syntax error: Lark's parser finds it again, with its state
                state.errors.clear()
                state.prefixed.clear()
                script = _lark().parse(tokens)  # type: ignore[arg-type]
    except UnexpectedToken as error:
        raise syntax_error(source, tokens, error) from None
    finally:
        _STATE.reset(reset)
    if state.errors:
        raise _ShapeErrors(sorted(state.errors, key=lambda d: d.sort_key))
    return script


def _user_field(target: n.Expr) -> bool:
    """`user.a` or `user.a.b`: fields of the user record (no indexes)."""
    root = target
    while isinstance(root, n.Field):
        root = root.target
    return isinstance(target, n.Field) and isinstance(root, n.Name) and root.name == "user"
