"""Code objects as text (layer 5), for `bubble disasm` and compiler snapshots.

Each line: source line, instruction index, opcode name, argument, and what the argument means.
"""

from __future__ import annotations

from .opcodes import BY_NUMBER, CodeObject

_CONSTANT_ARGS = {"LOAD_CONST", "LOAD_ATOM", "LOAD_GLOBAL", "STORE_GLOBAL", "LOAD_LOCAL", "STORE_LOCAL",
                  "LOAD_RUNTIME", "LOAD_CONSTANT", "STORE_USER", "GET_FIELD", "BINARY", "UNARY",
                  "CALL_BUILTIN", "ASK", "INVOKE", "GOTO", "PERFORM", "REMEMBER", "FORGET", "TEST_EXPECT", "STEP"}
_JUMP_ARGS = {"JUMP", "JUMP_IF_FALSE", "JUMP_IF_FALSE_KEEP", "JUMP_IF_TRUE_KEEP", "ITER_NEXT"}


def disassemble(code: CodeObject) -> str:
    """A listing of one code object."""
    lines = [f"{code.kind} {code.name} (max stack {code.max_stack}, hash {code.code_hash})"]
    previous_line = None
    for index, (op, arg) in enumerate(zip(code.ops, code.args)):
        name = BY_NUMBER[op].name
        span = code.spans[index]
        line = span.line if span is not None else None
        marker = f"{line:>4}" if line is not None and line != previous_line else "    "
        previous_line = line if line is not None else previous_line
        note = ""
        if name in _CONSTANT_ARGS:
            note = f"  ({code.constants[arg]!r})"
        elif name in _JUMP_ARGS:
            note = f"  (to {arg})"
        elif name in ("SWITCH_RANDOM", "SWITCH_ONCE") or (name == "LOAD_CONST" and isinstance(code.constants[arg], tuple)):
            note = ""
        lines.append(f"{marker} {index:>5} {name:<20} {arg:>3}{note}")
    return "\n".join(lines) + "\n"
