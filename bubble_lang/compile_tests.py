"""Code for the statements of conversation tests (layer 5): `expect`, `submit`, `event`, `back`, ….

Input: a test body's commands, from `Compiler`'s dispatch (`cmd_<word>`). Output: `TEST_*`
instructions, which the VM hands to the test driver (`vm/ops_test.py`, `testing/driver.py`).
Kept apart from the compiler so neither grows past one screenful of concerns: these statements
exist only inside `test` blocks.
"""

from __future__ import annotations

from typing import Any

from . import nodes as n
from .opcodes import Op


class ConversationTestStatements:
    """The `cmd_*` methods of test statements; mixed into `Compiler`, whose expression helpers
    (`expression`, `first`, `options_map`, `with_options`, `nil`) they use."""

    expression: Any
    first: Any
    options_map: Any
    with_options: Any
    nil: Any

    def cmd_expect(self, e: Any, stmt: n.Command, negate: bool = False) -> None:
        kind = "text"
        if stmt.args:
            self.expression(e, stmt.args[0])
        elif stmt.options:
            kind = stmt.options[0].key
            self.expression(e, stmt.options[0].value)
        else:
            self.nil(e, stmt.span)
        self.options_map(e, stmt.options[1:] if kind == "widget" else (), stmt.span)
        e.emit(Op.TEST_EXPECT, e.constant(("not_" if negate else "") + kind), stmt.span)

    def cmd_expect_not(self, e: Any, stmt: n.Command) -> None:
        self.cmd_expect(e, stmt, negate=True)

    def cmd_back(self, e: Any, stmt: n.Command) -> None:
        self.options_map(e, stmt.options, stmt.span)
        e.emit(Op.TEST_BACK, 0, stmt.span)

    def cmd_expect_end(self, e: Any, stmt: n.Command) -> None:
        e.emit(Op.TEST_EXPECT_END, 0, stmt.span)

    def cmd_submit(self, e: Any, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TEST_SUBMIT, 0, stmt.span)

    def cmd_event(self, e: Any, stmt: n.Command) -> None:
        self.first(e, stmt)
        if len(stmt.args) > 1:
            self.expression(e, stmt.args[1])
        else:
            self.options_map(e, stmt.options, stmt.span)
        self.options_map(e, (), stmt.span)
        e.emit(Op.TEST_EVENT, 0, stmt.span)

    def cmd_location(self, e: Any, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TEST_LOCATION, 0, stmt.span)

    def cmd_attachment(self, e: Any, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.TEST_ATTACHMENT)

    def cmd_advance(self, e: Any, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TEST_ADVANCE, 0, stmt.span)

    def cmd_mock_extension(self, e: Any, stmt: n.Command) -> None:
        self.with_options(e, stmt, Op.TEST_MOCK_EXTENSION)

    def cmd_assert(self, e: Any, stmt: n.Command) -> None:
        self.first(e, stmt)
        e.emit(Op.TEST_ASSERT, 0, stmt.span)
