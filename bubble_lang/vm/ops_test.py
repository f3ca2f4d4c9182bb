"""Handlers of the conversation-test instructions and coverage probes (layer 7).

Test instructions (`TEST_SAY`, `TEST_EXPECT`, …) only run inside a `test` block, where the
machine has a `tester` (the test driver, `testing/driver.py`) that plays the test user; anywhere
else they are an error. `COVER` is a branch probe that `bubble test --coverage` inserts into a
copy of the code; it tells the machine's `tracer`, if any, and does nothing else.
"""

from __future__ import annotations

from typing import Any

from ..opcodes import OPCODES
from ..runtime.script_errors import ScriptError


def _test_op(name: str) -> Any:
    def handler(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
        if m.tester is None:
            raise ScriptError(f"`{name.removeprefix('TEST_').lower()}` can only be used in a test", code="B404")
        m.tester.run_test_op(frame, name, constants[arg] if name == "TEST_EXPECT" else None, stack, pc)

    handler.__name__ = name.lower()
    return handler


def cover(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    if m.tracer is not None:
        m.tracer.branch(constants[arg])


HANDLERS = {name: _test_op(name) for name in OPCODES if name.startswith("TEST_")}
HANDLERS["COVER"] = cover
