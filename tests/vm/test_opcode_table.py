"""The dispatch table: one handler per opcode, built from the opcode declaration."""

from __future__ import annotations

import pytest

from bubble_lang.opcodes import BY_NUMBER, OPCODES
from bubble_lang.vm import ops_data, ops_flow, ops_talk, ops_test
from bubble_lang.vm.dispatch import TABLE, build_table

FAMILIES = (ops_data.HANDLERS, ops_flow.HANDLERS, ops_talk.HANDLERS, ops_test.HANDLERS)


def test_every_opcode_has_exactly_one_handler_in_opcode_order():
    assert len(TABLE) == len(OPCODES)
    merged = {name: handler for family in FAMILIES for name, handler in family.items()}
    assert [merged[opcode.name] for opcode in BY_NUMBER] == list(TABLE)


def test_a_missing_handler_fails_when_the_table_is_built():
    families = [dict(family) for family in FAMILIES]
    del families[0]["LOAD_CONST"]
    with pytest.raises(ImportError, match="without a handler \\['LOAD_CONST'\\]"):
        build_table(*families)


def test_a_handler_of_no_opcode_or_twice_fails():
    with pytest.raises(ImportError, match="handlers of no opcode \\['NO_SUCH_OP'\\]"):
        build_table(*FAMILIES, {"NO_SUCH_OP": lambda *a: None})
    with pytest.raises(ImportError, match="two handlers"):
        build_table(*FAMILIES, {"POP": lambda *a: None})
