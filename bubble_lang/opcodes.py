"""The instruction set (layer 5), declared once.

Input: nothing. Output: `OPCODES` (number, name, stack effect, one-line picture) and the
`CodeObject` the compiler produces. The compiler sums stack effects for `max_stack`, `disasm`
prints the pictures, and the VM builds its dispatch table from this list (a missing handler fails
at import). Bump `BYTECODE_VERSION`
when an opcode or the state format changes: stored conversations of another version are refused.

Every instruction has one integer argument (0 when unused); its meaning is in the picture:
`k` a constants index, `n` a count, `t` a jump target.
"""

from __future__ import annotations

import enum
import hashlib
import json
from typing import Any

import attrs

BYTECODE_VERSION = 2


@attrs.frozen
class Opcode:
    number: int
    name: str
    effect: int  # net stack change; for variable effects, the effect with the argument applied
    picture: str
    variable: bool = False  # the effect depends on the argument (see `stack_effect`)


_TABLE: list[tuple[str, int, str]] = [
    # values
    ("LOAD_CONST", 1, "-> constants[k]"),
    ("LOAD_ATOM", 1, "-> :constants[k]"),
    ("LOAD_GLOBAL", 1, "-> globals[constants[k]]"),
    ("STORE_GLOBAL", -1, "v -> (globals[constants[k]] = v)"),
    ("LOAD_LOCAL", 1, "-> locals[constants[k]]"),
    ("STORE_LOCAL", -1, "v -> (locals[constants[k]] = v)"),
    ("LOAD_RUNTIME", 1, "-> runtime variable constants[k] (message, answer, user, dialog, …)"),
    ("LOAD_CONSTANT", 1, "-> @constants[k]"),
    ("STORE_USER", -1, "v -> (user.<path constants[k]> = v)"),
    ("POP", -1, "v ->"),
    ("DUP", 1, "v -> v v"),
    # building
    ("BUILD_LIST", 0, "a1 … an -> [a1, …, an]"),
    ("BUILD_MAP", 0, "k1 v1 … kn vn -> %{k1: v1, …}"),
    ("BUILD_STRING", 0, "p1 … pn -> text of p1 … pn joined"),
    ("TRANSLATE", 0, "v1 … vn -> _\"…\" in the conversation's locale; constants[k] = (text as written, parts)"),
    ("GET_FIELD", 0, "v -> v.<constants[k]>"),
    ("GET_INDEX", -1, "v i -> v[i]"),
    ("QUERY", 0, "v k1 v1 … kn vn -> elements of v whose fields equal (n pairs)"),
    # operators (`and`/`or` compile to jumps)
    ("ADD", -1, "a b -> a + b (numbers, text, lists, date-time + duration)"),
    ("SUBTRACT", -1, "a b -> a - b"),
    ("MULTIPLY", -1, "a b -> a * b"),
    ("DIVIDE", -1, "a b -> a / b (exact integer division gives an integer)"),
    ("COMPARE_EQUAL", -1, "a b -> a == b"),
    ("COMPARE_NOT_EQUAL", -1, "a b -> a != b"),
    ("COMPARE_LESS", -1, "a b -> a < b"),
    ("COMPARE_LESS_EQUAL", -1, "a b -> a <= b"),
    ("COMPARE_GREATER", -1, "a b -> a > b"),
    ("COMPARE_GREATER_EQUAL", -1, "a b -> a >= b"),
    ("MEMBER_OF", -1, "a b -> a in b"),
    ("NOT", 0, "a -> not a"),
    ("NEGATE", 0, "a -> -a"),
    ("CALL_BUILTIN", 0, "a1 … an kwnames -> builtin(a…) with constants[k] = (name, n, kwnames)"),
    # control flow
    ("JUMP", 0, "-> (pc = t)"),
    ("JUMP_IF_FALSE", -1, "c -> (if not c: pc = t)"),
    ("JUMP_IF_FALSE_KEEP", 0, "c -> c (if not c: pc = t, else pop)"),
    ("JUMP_IF_TRUE_KEEP", 0, "c -> c (if c: pc = t, else pop)"),
    ("ITER_START", 0, "list -> iterator"),
    ("ITER_NEXT", 1, "iterator -> iterator item (or pop and pc = t when done)"),
    ("SWITCH_RANDOM", -1, "targets -> (pc = one of the targets list, uniformly)"),
    ("SWITCH_ONCE", -1, "targets -> (pc = n-th target of this `once`, counted per conversation)"),
    ("RETURN", 0, "-> (leave the dialog or task)"),
    ("RETURN_VALUE", -1, "v -> (leave with v; guards, constants, tasks)"),
    # statements (options are a map built just before)
    ("SAY", -2, "text options -> (send a message)"),
    ("ASK", -2, "question options -> (send and wait; the answer goes to the target constants[k])"),
    ("PROMPT", -2, "question options -> (wait, re-prompting, until `continue`)"),
    ("SHOW", -2, "content options -> (send rich content)"),
    ("TYPE", -1, "duration -> (typing indicator)"),
    ("PAUSE", -1, "duration -> (silent pause)"),
    ("INVOKE", -1, "options -> (push dialog constants[k]; return here)"),
    ("GOTO", 0, "-> (replace this dialog with constants[k])"),
    ("PERFORM", 0, "-> (run task constants[k] now)"),
    ("CONTINUE", 0, "-> (release the ask/prompt waiting below)"),
    ("CLOSE", 0, "-> (end the conversation)"),
    ("EMIT", -3, "name payload options -> (send or schedule an event)"),
    ("CANCEL", -1, "schedule_id -> (cancel a scheduled emit)"),
    ("AWAIT", -2, "event options -> (wait for the event)"),
    ("EXTENSION", -2, "name options -> (call an extension server)"),
    ("REMEMBER", 0, "-> (persist user.<constants[k]>)"),
    ("FORGET", 0, "-> (delete user.<constants[k]>)"),
    ("TAG", -1, "tag -> (add a conversation tag)"),
    ("UNTAG", -1, "tag -> (remove a conversation tag)"),
    ("LOG", -1, "v -> (structured log line)"),
    ("MAIL", -3, "to subject body -> (an e-mail, sent by the host once the turn commits)"),
    ("STEP", -2, "title options -> (wizard step boundary; constants[k] = (index, total) in the dialog)"),
    # tests
    ("TEST_SAY", -1, "text -> (the test user sends a message)"),
    ("TEST_EXPECT", -2, "pattern options -> (next bot message must (not) match; constants[k] = kind)"),
    ("TEST_EXPECT_END", 0, "-> (no more bot messages)"),
    ("TEST_SUBMIT", -1, "value -> (answer the pending widget)"),
    ("TEST_EVENT", -3, "name payload options -> (send an event)"),
    ("TEST_LOCATION", -1, "point -> (send a location)"),
    ("TEST_ATTACHMENT", -2, "kind options -> (send an attachment)"),
    ("TEST_ADVANCE", -1, "duration -> (move the test clock)"),
    ("TEST_ASSERT", -1, "c -> (fail the test unless c)"),
    ("TEST_MOCK_EXTENSION", -2, "name options -> (the answer of extension `name` in this test)"),
    # coverage (only in code instrumented by `bubble test --coverage`)
    ("COVER", 0, "-> (record probe constants[k])"),
    # added last, so the numbers (and code hashes) of the opcodes above stay as they were
    ("TEST_BACK", -1, "options -> (the test user presses Back)"),
    ("PUT_IN", 0, "v root k1 … kn -> root with v at the path constants[k] (field names; None: the next key)"),
]

# The opcode for each binary operator of the grammar (`and`/`or` are jumps, not opcodes).
BINARY_OPCODES = {"+": "ADD", "-": "SUBTRACT", "*": "MULTIPLY", "/": "DIVIDE", "==": "COMPARE_EQUAL",
                  "!=": "COMPARE_NOT_EQUAL", "<": "COMPARE_LESS", "<=": "COMPARE_LESS_EQUAL",
                  ">": "COMPARE_GREATER", ">=": "COMPARE_GREATER_EQUAL", "in": "MEMBER_OF"}
UNARY_OPCODES = {"not": "NOT", "-": "NEGATE"}

# Opcodes whose stack effect depends on their argument n.
_VARIABLE = {
    "BUILD_LIST": lambda n: 1 - n,
    "BUILD_MAP": lambda n: 1 - 2 * n,
    "BUILD_STRING": lambda n: 1 - n,
    "QUERY": lambda n: -2 * n,
    "CALL_BUILTIN": None,  # computed from the call constant
    "PUT_IN": None,  # computed from the path constant
    "TRANSLATE": None,  # computed from the text's parts
}

OPCODES: dict[str, Opcode] = {
    name: Opcode(number, name, effect, picture, name in _VARIABLE)
    for number, (name, effect, picture) in enumerate(_TABLE)
}
BY_NUMBER: tuple[Opcode, ...] = tuple(OPCODES.values())
Op = enum.IntEnum("Op", [(name, op.number) for name, op in OPCODES.items()])


#: Each opcode's net stack change by number, None where it depends on the argument: `max_stack` of a
#: 10,000-dialog bot reads 160,000 instructions, and most need no `stack_effect` call.
FIXED_EFFECTS: tuple[int | None, ...] = tuple(None if op.variable else op.effect for op in BY_NUMBER)


#: Opcodes whose stack effect reads the constants (`_VARIABLE` computes it from the constant, not
#: from the argument alone): the only ones for which `max_stack` depends on more than ops and args.
READS_CONSTANTS: frozenset[int] = frozenset(OPCODES[name].number for name, effect in _VARIABLE.items()
                                            if effect is None)


def max_stack(ops: tuple[int, ...], args: tuple[int, ...], constants: tuple[Any, ...]) -> int:
    """The deepest the stack gets: the highest running sum of the stack effects, 0 at least."""
    depth = peak = 0
    fixed = FIXED_EFFECTS
    for op, arg in zip(ops, args):
        effect = fixed[op]
        depth += stack_effect(op, arg, constants) if effect is None else effect
        if depth > peak:
            peak = depth
    return peak


def stack_effect(op: int, arg: int, constants: tuple[Any, ...]) -> int:
    """Net stack change of one instruction."""
    opcode = BY_NUMBER[op]
    if not opcode.variable:
        return opcode.effect
    if opcode.name == "CALL_BUILTIN":
        _name, positional, keywords = constants[arg]
        return 1 - positional - len(keywords)
    if opcode.name == "PUT_IN":
        return -1 - sum(1 for step in constants[arg] if step is None)
    if opcode.name == "TRANSLATE":
        return 1 - sum(1 for part in constants[arg][1] if isinstance(part, int))
    return _VARIABLE[opcode.name](arg)  # type: ignore[misc]


@attrs.frozen(kw_only=True)
class CodeObject:
    """One compiled dialog, task, test, guard or constant: flat parallel instruction lists."""

    name: str
    kind: str
    ops: tuple[int, ...]
    args: tuple[int, ...]
    constants: tuple[Any, ...]
    spans: tuple[Any, ...] = attrs.field(eq=False, repr=False)  # a Span (or None) per instruction
    max_stack: int = 0
    code_hash: str = ""

    @staticmethod
    def hash_of(ops: tuple[int, ...], args: tuple[int, ...], constants: tuple[Any, ...]) -> str:
        """The code's identity across reloads (stored conversations name their frames by it): the
        first 16 hex digits of SHA-256 over `json.dumps([BYTECODE_VERSION, ops, args, [repr(c) for
        c in constants]])`. This is the definition; never change what it covers or how it is
        spelled. The compiler computes the same digest faster with `code_text` and `code_hash`
        (tests/compiler/test_code_hash.py holds them to this)."""
        payload = json.dumps([BYTECODE_VERSION, ops, args, [repr(c) for c in constants]])
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


_VERSION_JSON = json.dumps(BYTECODE_VERSION)
#: JSON's own string encoder, the one `json.dumps` uses with its default `ensure_ascii=True`.
_json_string = json.encoder.encode_basestring_ascii


def code_text(ops: tuple[int, ...], args: tuple[int, ...]) -> str:
    """The start of `hash_of`'s text, `[BYTECODE_VERSION, ops, args, [`, as `json.dumps` spells it
    when every op and arg is a plain `int` (for those, the `repr` of a list is its JSON with the
    default separators; a bool or an int subclass would be spelled differently: the emitter stores
    only plain ints). Apart so the compiler can keep it per code shape: `json.dumps`
    took half of hashing a small code object, the ints' text most of the rest."""
    return f"[{_VERSION_JSON}, {list(ops)!r}, {list(args)!r}, ["


def code_hash(text: str, constants: tuple[Any, ...]) -> str:
    """`hash_of` from `code_text(ops, args)`: each constant's `repr` as a JSON string, through the
    encoder `json.dumps` uses, joined with its separator."""
    payload = text + ", ".join(map(_json_string, map(repr, constants))) + "]]"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
