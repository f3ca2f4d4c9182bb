"""The dispatch table (layer 7): one handler per opcode, in opcode order, built from `OPCODES`.

Every handler is `handler(m, frame, stack, constants, arg, pc)` and returns:
- None: go on with the next instruction;
- an int: jump there (the next pc);
- a `Signal`: stop running this frame (`machine.py` saves the pc after the instruction).

The handlers live by family in `ops_data` (values and operators), `ops_flow` (control flow and
frames), `ops_talk` (statements) and `ops_test` (tests, coverage). An opcode without a handler,
or a handler for an unknown opcode, fails here at import, not in a conversation (DESIGN §1b:
Wren's `OPCODE(name, effect)` list drives both the compiler and the interpreter).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..opcodes import BY_NUMBER, OPCODES
from . import ops_data, ops_flow, ops_talk, ops_test

Handler = Callable[..., Any]


def build_table(*families: dict[str, Handler]) -> tuple[Handler, ...]:
    """The handlers in opcode-number order; raises `ImportError` naming what does not fit."""
    handlers: dict[str, Handler] = {}
    for family in families:
        twice = set(handlers) & set(family)
        if twice:
            raise ImportError(f"opcodes with two handlers: {sorted(twice)}")
        handlers.update(family)
    missing = sorted(set(OPCODES) - set(handlers))
    unknown = sorted(set(handlers) - set(OPCODES))
    if missing or unknown:
        raise ImportError(f"the dispatch table does not fit the opcodes: without a handler {missing}, "
                          f"handlers of no opcode {unknown}")
    return tuple(handlers[opcode.name] for opcode in BY_NUMBER)


TABLE = build_table(ops_data.HANDLERS, ops_flow.HANDLERS, ops_talk.HANDLERS, ops_test.HANDLERS)
