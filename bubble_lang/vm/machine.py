"""The instruction loop (layer 7).

Input: a `BotImage`, a `SessionState` and the turn's clock. Output: `Output` records appended to
`self.outputs`, and the state left as the script left it. The loop runs the top frame until it
suspends (`ask`, `prompt`, `await`), returns, pushes another frame, or closes the conversation.
Every instruction counts against the step budget; errors raise `ScriptError` with the span of the
instruction being run. The VM does no IO (DESIGN §1).
"""

from __future__ import annotations

from typing import Any

import pendulum

from ..diagnostics import BubbleRuntimeError, make_diagnostic
from ..opcodes import Op
from ..runtime.errors import LimitError, ScriptError
from ..runtime.outputs import Output
from ..runtime.session import Frame, SessionState
from ..runtime.values import Atom, Record, Text, get_field, plain_text, to_text, truthy, type_name
from .builtins import BuiltinCaller
from .operators import binary, equals, unary
from .statements import run_statement
from .image import BotImage, DialogEntry, TaskEntry

from .signals import RETURN

# Opcode numbers as plain ints: the hot loop compares against module constants, not enum members.
_BINARY = int(Op.BINARY)
_DUP = int(Op.DUP)
_GET_FIELD = int(Op.GET_FIELD)
_JUMP = int(Op.JUMP)
_JUMP_IF_FALSE = int(Op.JUMP_IF_FALSE)
_JUMP_IF_FALSE_KEEP = int(Op.JUMP_IF_FALSE_KEEP)
_JUMP_IF_TRUE_KEEP = int(Op.JUMP_IF_TRUE_KEEP)
_LOAD_ATOM = int(Op.LOAD_ATOM)
_LOAD_CONST = int(Op.LOAD_CONST)
_LOAD_CONSTANT = int(Op.LOAD_CONSTANT)
_LOAD_GLOBAL = int(Op.LOAD_GLOBAL)
_LOAD_LOCAL = int(Op.LOAD_LOCAL)
_LOAD_RUNTIME = int(Op.LOAD_RUNTIME)
_POP = int(Op.POP)
_RETURN = int(Op.RETURN)
_RETURN_VALUE = int(Op.RETURN_VALUE)
_STORE_GLOBAL = int(Op.STORE_GLOBAL)
_STORE_LOCAL = int(Op.STORE_LOCAL)
_UNARY = int(Op.UNARY)


class ScriptFailure(Exception):
    """A ScriptError with the place it happened, on its way to `turns.py`."""

    def __init__(self, error: ScriptError, span: Any, stack: tuple[str, ...]):
        super().__init__(error.message)
        self.error = error
        self.span = span
        self.stack = stack

    def to_runtime_error(self) -> BubbleRuntimeError:
        notes = []
        for index, name in enumerate(self.stack):
            notes.append(f"{'in' if index == 0 else 'invoked from'} {name}")
        diagnostic = make_diagnostic(self.error.code, self.error.message, self.span, hint=self.error.hint,
                                     notes=notes)
        return BubbleRuntimeError([diagnostic], self.stack)


class Machine:
    """Runs frames of one conversation for one turn."""

    def __init__(self, image: BotImage, state: SessionState, now: pendulum.DateTime):
        self.image = image
        self.state = state
        self.now = now
        self.limits = image.config.limits
        self.outputs: list[Output] = []
        self.steps = 0
        self.builtins = BuiltinCaller(self)
        self.task_depth = 0
        self.sentence_cache: dict[tuple[str, bool], Any] = {}  # the message, tokenized (vm/matching.py)
        self.regex_budget: Any = None

    # ------------------------------------------------------------------ helpers
    def fail(self, error: ScriptError, frame: Frame | None, pc: int) -> ScriptFailure:
        span = None
        if frame is not None:
            code = self.image.codes[frame.code]
            span = code.spans[min(pc, len(code.spans) - 1)] if code.spans else None
        stack = tuple(f"{f.kind} `{f.name}`" for f in reversed(self.state.frames))
        if frame is not None and (not self.state.frames or frame is not self.state.frames[-1]):
            stack = (f"{frame.kind} `{frame.name}`",) + stack
        return ScriptFailure(error, span, stack)

    def say(self, text: str, **data: Any) -> None:
        self.outputs.append(Output(kind="text", text=text, data=data))
        self.remember_bot(text)

    def remember_bot(self, text: str) -> None:
        utterances = self.state.bot_utterances
        utterances.insert(0, text)
        del utterances[5:]

    def constant(self, name: str) -> Any:
        values = self.image.cache.setdefault("constants", {})
        if name in values:
            return values[name]
        if name in self.image.data:
            return self.image.data[name]
        key = self.image.constant_codes.get(name)
        if key is None:
            return None  # resolver rejects unknown constants; `@timeout` etc. read as nil
        values[name] = self.evaluate(key, {})
        return values[name]

    def evaluate(self, key: str, local_values: dict[str, Any]) -> Any:
        """Run a guard or constant code object to its value (it cannot suspend)."""
        frame = Frame(code=key, name=key, kind="task", locals=dict(local_values))
        signal = self.execute(frame)
        if signal != RETURN:  # pragma: no cover - guards and constants have no statements
            raise ScriptError("a guard or constant did not produce a value")
        return frame.locals.get("$result")

    def guard_holds(self, guard: str | None) -> bool:
        return guard is None or truthy(self.evaluate(guard, {}))

    def runtime_variable(self, name: str) -> Any:
        state = self.state
        if name == "user":
            return state.user
        if name == "dialog":
            stack = [f.name for f in reversed(state.frames) if f.kind == "dialog"]
            return {"stack": stack, "history": list(state.history),
                    "last_user_utterances": list(state.user_utterances),
                    "last_bot_utterances": list(state.bot_utterances)}
        if name == "conversation":
            return {"id": state.conversation_id, "tags": list(state.tags)}
        if name == "bot":
            return {"locale": self.image.config.locale, "timezone": self.image.config.timezone}
        return state.runtime.get(name)

    # ------------------------------------------------------------------ frames
    def push_dialog(self, entry: DialogEntry, *, interrupt: bool = False, message: Any = None) -> Frame:
        if len(self.state.frames) >= self.limits.stack_depth:
            raise LimitError(f"dialog stack too deep: more than {self.limits.stack_depth} dialogs",
                             "check for an `invoke` that calls itself without end")
        if entry.name is not None:
            for task in self.image.before.get(entry.name, []):
                self.run_task(task)
        frame = Frame(code=entry.code, name=entry.display, dialog=entry.index, interrupt=interrupt)
        self.state.frames.append(frame)
        self.state.history.insert(0, entry.display)
        del self.state.history[50:]
        return frame

    def choose(self, variants: list[DialogEntry]) -> DialogEntry | None:
        for entry in variants:
            if self.guard_holds(entry.guard):
                return entry
        return None

    def chain(self) -> list[int]:
        return [f.dialog for f in self.state.frames if f.kind == "dialog" and f.dialog >= 0]

    def run_task(self, task: TaskEntry) -> bool:
        """Run one task synchronously if its guard holds; tasks never touch the dialog stack."""
        if not self.guard_holds(task.guard):
            return False
        self.task_depth += 1
        if self.task_depth > self.limits.stack_depth:
            raise LimitError(f"tasks nested too deep: more than {self.limits.stack_depth}",
                             "check for a task that performs itself")
        try:
            frame = Frame(code=task.code, name=task.name, kind="task")
            self.execute(frame)
        finally:
            self.task_depth -= 1
        return True

    def perform(self, name: str) -> None:
        for task in self.image.tasks.get(name, []):
            if self.run_task(task):
                return

    # ------------------------------------------------------------------ the loop
    def execute(self, frame: Frame) -> str:
        """Run `frame` until it suspends, returns, pushes a frame or closes."""
        code = self.image.codes[frame.code]
        ops, args, constants = code.ops, code.args, code.constants
        stack = frame.stack
        limits = self.limits
        budget = limits.vm_steps_per_turn
        pc = frame.pc
        try:
            while True:
                op = ops[pc]
                arg = args[pc]
                pc += 1
                self.steps += 1
                if self.steps > budget:
                    raise LimitError(f"the script ran too long: more than {budget} steps in one turn",
                                     "look for a loop that never ends, or raise `vm_steps_per_turn`")
                if op == _LOAD_CONST:
                    stack.append(constants[arg])
                elif op == _LOAD_GLOBAL:
                    stack.append(self.state.globals.get(constants[arg]))
                elif op == _STORE_GLOBAL:
                    self.state.globals[constants[arg]] = stack.pop()
                elif op == _LOAD_LOCAL:
                    stack.append(frame.locals.get(constants[arg]))
                elif op == _STORE_LOCAL:
                    frame.locals[constants[arg]] = stack.pop()
                elif op == _LOAD_RUNTIME:
                    stack.append(self.runtime_variable(constants[arg]))
                elif op == _LOAD_CONSTANT:
                    stack.append(self.constant(constants[arg]))
                elif op == _LOAD_ATOM:
                    stack.append(Atom(constants[arg]))
                elif op == _GET_FIELD:
                    stack.append(get_field(stack.pop(), constants[arg]))
                elif op == _BINARY:
                    right = stack.pop()
                    stack.append(binary(constants[arg], stack.pop(), right, limits))
                elif op == _UNARY:
                    stack.append(unary(constants[arg], stack.pop(), limits))
                elif op == _JUMP:
                    pc = arg
                elif op == _JUMP_IF_FALSE:
                    if not truthy(stack.pop()):
                        pc = arg
                elif op == _JUMP_IF_FALSE_KEEP:
                    if not truthy(stack[-1]):
                        pc = arg
                    else:
                        stack.pop()
                elif op == _JUMP_IF_TRUE_KEEP:
                    if truthy(stack[-1]):
                        pc = arg
                    else:
                        stack.pop()
                elif op == _POP:
                    stack.pop()
                elif op == _DUP:
                    stack.append(stack[-1])
                elif op == _RETURN:
                    frame.pc = pc
                    stack.clear()
                    return RETURN
                elif op == _RETURN_VALUE:
                    frame.locals["$result"] = stack.pop()
                    frame.pc = pc
                    stack.clear()
                    return RETURN
                else:
                    frame.pc = pc
                    signal = self.slow_op(frame, op, arg, constants, stack)
                    pc = frame.pc
                    if signal is not None:
                        return signal
        except ScriptError as error:
            raise self.fail(error, frame, pc - 1) from None

    def slow_op(self, frame: Frame, op: int, arg: int, constants: tuple[Any, ...], stack: list[Any]) -> str | None:
        """Instructions that build values or talk to the conversation (less hot than the loop's)."""
        if op == Op.BUILD_LIST:
            items = stack[len(stack) - arg:] if arg else []
            del stack[len(stack) - arg:]
            stack.append(items)
        elif op == Op.BUILD_MAP:
            flat = stack[len(stack) - 2 * arg:] if arg else []
            del stack[len(stack) - 2 * arg:]
            stack.append({to_text(plain_text(flat[i])): flat[i + 1] for i in range(0, len(flat), 2)})
        elif op == Op.BUILD_STRING:
            parts = stack[len(stack) - arg:] if arg else []
            del stack[len(stack) - arg:]
            text = "".join(to_text(part) for part in parts)
            if len(text) > self.limits.string_bytes:
                raise LimitError(f"text too long: more than {self.limits.string_bytes} characters")
            stack.append(text)
        elif op == Op.GET_INDEX:
            index = plain_text(stack.pop())
            target = plain_text(stack.pop())
            stack.append(_index(target, index))
        elif op == Op.QUERY:
            flat = stack[len(stack) - 2 * arg:]
            del stack[len(stack) - 2 * arg:]
            target = stack.pop()
            pairs = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
            if not isinstance(target, list):
                raise ScriptError(f"cannot query {type_name(target)} with `[field: value]`", "query a list of maps")
            stack.append([item for item in target
                          if all(equals(get_field(item, key), value) for key, value in pairs)])
        elif op == Op.CALL_BUILTIN:
            name, positional, keywords = constants[arg]
            values = stack[len(stack) - positional - len(keywords):] if positional + len(keywords) else []
            del stack[len(stack) - positional - len(keywords):]
            args = values[:positional]
            kwargs = dict(zip(keywords, values[positional:]))
            stack.append(self.builtins.call(name, args, kwargs))
        elif op == Op.STORE_USER:
            path = constants[arg]
            value = stack.pop()
            target = self.state.user
            for key in path[:-1]:
                nxt = target.get(key)
                if not isinstance(nxt, dict):
                    nxt = {}
                    target[key] = nxt
                target = nxt
            target[path[-1]] = value
        elif op == Op.ITER_START:
            items = stack.pop()
            if isinstance(items, dict):
                items = [{"key": key, "value": value} for key, value in items.items()]
            elif isinstance(items, (str, Text)):
                items = list(plain_text(items))
            elif items is None:
                items = []
            elif not isinstance(items, list):
                raise ScriptError(f"cannot repeat over {type_name(items)}", "repeat over a list")
            stack.append([list(items), 0])
        elif op == Op.ITER_NEXT:
            iterator = stack[-1]
            if iterator[1] >= len(iterator[0]):
                stack.pop()
                frame.pc = arg
            else:
                stack.append(iterator[0][iterator[1]])
                iterator[1] += 1
        elif op in (Op.SWITCH_RANDOM, Op.SWITCH_ONCE):
            key, targets, after = stack.pop()
            if op == Op.SWITCH_RANDOM:
                frame.pc = targets[self.builtins.rng().randrange(len(targets))] if targets else after
            else:
                count = self.state.once.get(key, 0)
                self.state.once[key] = count + 1
                frame.pc = targets[count] if count < len(targets) else after
        else:
            return run_statement(self, frame, op, arg, constants, stack)
        return None


def _index(target: Any, index: Any) -> Any:
    if isinstance(target, list):
        if isinstance(index, bool) or not isinstance(index, int):
            raise ScriptError(f"a list index must be an integer, got {type_name(index)}", "write `list[0]`")
        return target[index] if -len(target) <= index < len(target) else None
    if isinstance(target, dict):
        return target.get(to_text(index))
    if isinstance(target, str):
        if isinstance(index, int) and not isinstance(index, bool):
            return target[index] if -len(target) <= index < len(target) else None
    if target is None:
        return None
    if isinstance(target, Record):
        return target.fields.get(to_text(index))
    raise ScriptError(f"cannot index {type_name(target)}", "index lists with numbers and maps with keys")
