"""The emitter (layer 5): one code object's instructions and constants as the compiler makes them.

Input: instructions and constants, one at a time, from `compiler.py` (and `compile_tests.py`).
Output: the finished `CodeObject`, with its `max_stack` and its hash.

Why it looks as it does: a 10,000-dialog bot is 15,000 code objects and 160,000 instructions, and
compiling them was a third of loading it. So an instruction is one `(op, arg, span)` tuple appended
straight to a list (`add` is the list's own `append`: no Python call of ours per instruction), the
opcodes appended most are plain ints here, and what depends only on a code's ops and args is
worked out once per shape of code (see `Emitter.finish`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import nodes as n
from .opcodes import READS_CONSTANTS, CodeObject, Op, code_hash, code_text, max_stack
from .source import Span

# The opcodes emitted most, as plain ints: an instruction stores its opcode as an `int` (an `Op`
# member would be stored, and serialised, as the enum), and `Op.X` is an enum lookup per use.
LOAD_CONST = int(Op.LOAD_CONST)
LOAD_ATOM = int(Op.LOAD_ATOM)
LOAD_GLOBAL = int(Op.LOAD_GLOBAL)
LOAD_LOCAL = int(Op.LOAD_LOCAL)
LOAD_RUNTIME = int(Op.LOAD_RUNTIME)
LOAD_CONSTANT = int(Op.LOAD_CONSTANT)
STORE_GLOBAL = int(Op.STORE_GLOBAL)
STORE_LOCAL = int(Op.STORE_LOCAL)
BUILD_MAP = int(Op.BUILD_MAP)
BUILD_STRING = int(Op.BUILD_STRING)
GET_FIELD = int(Op.GET_FIELD)
COMPARE_EQUAL = int(Op.COMPARE_EQUAL)
JUMP = int(Op.JUMP)
JUMP_IF_FALSE = int(Op.JUMP_IF_FALSE)
RETURN = int(Op.RETURN)
RETURN_VALUE = int(Op.RETURN_VALUE)
SAY = int(Op.SAY)

Instruction = tuple[int, int, "Span | None"]
Shape = tuple[tuple[int, ...], tuple[int, ...]]  # a code's ops and args


class Emitter:
    """Builds one code object: `code` holds `(op, arg, span)` per instruction; `add` appends one
    (the list's own `append`, so the hot paths make no Python call per instruction)."""

    def __init__(self, name: str, kind: str):
        self.name = name
        self.kind = kind
        self.code: list[Instruction] = []
        self.add: Callable[[Instruction], None] = self.code.append
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
        must not search the pool linearly for each constant). One `setdefault` both finds and
        claims the next index: getting that index back means the constant is new."""
        constants = self.constants
        size = len(constants)
        try:
            found = self.pool.setdefault((type(value), value), size)
        except TypeError:  # unhashable (a tuple holding a list): search, rare
            found = next((i for i, c in enumerate(constants) if type(c) is type(value) and c == value), size)
        if found == size:
            constants.append(value)
        return found

    def emit(self, op: int, arg: int = 0, span: Span | None = None) -> int:
        """Append one instruction (`op` may be an `Op`: stored as its plain number); its index."""
        code = self.code
        code.append((int(op), arg, span))
        return len(code) - 1

    def patch(self, at: int, target: int | None = None) -> None:
        """Set the argument of instruction `at`: a jump's target (default: here)."""
        code = self.code
        op, _, span = code[at]
        code[at] = (op, len(code) if target is None else target, span)

    @property
    def here(self) -> int:
        return len(self.code)

    def finish(self, shapes: dict[Shape, tuple[str, int | None]]) -> CodeObject:
        """The code object. `shapes` keeps what depends only on the (ops, args) of a code: the
        start of its hash text and, unless an op's stack effect reads the constants, its
        `max_stack`. Dialogs of one shape (`say …` then `invoke …`) differ only in their constants;
        spelling their ints and summing their stack effects again was a third of `finish`. Every
        op and arg here is a plain `int` (`emit` stores `int(op)`; an arg is a constants index, a
        count or a position), as `code_text` requires."""
        ops, args, spans = zip(*self.code) if self.code else ((), (), ())  # one tuple per column
        constants = tuple(self.constants)
        shape = (ops, args)
        known = shapes.get(shape)
        if known is None:
            peak: int | None = max_stack(ops, args, constants)
            known = shapes[shape] = (code_text(ops, args), peak if READS_CONSTANTS.isdisjoint(ops) else None)
        text, peak = known
        if peak is None:
            peak = max_stack(ops, args, constants)
        return CodeObject(name=self.name, kind=self.kind, ops=ops, args=args, constants=constants,
                          spans=spans, max_stack=peak, code_hash=code_hash(text, constants))
