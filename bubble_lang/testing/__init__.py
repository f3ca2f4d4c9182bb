"""Conversation tests (layer 11): `test "…" do … end` blocks run against their bot (SPEC §12).

`driver` runs one test on a fixed clock and seed; `expectations` holds what `expect`, `assert`
and friends check; `suite` finds bots and tests under paths; `coverage` records which dialogs,
branches, asks and triggers the tests reached; `report` renders outcomes; `record` writes a test
from a conversation; `pytest_plugin` collects `*.test.bot` files for plain `pytest`.
"""

from __future__ import annotations

from .driver import DEFAULT_SEED, TestOutcome, run_test, test_clock

__all__ = ["DEFAULT_SEED", "TestOutcome", "run_test", "test_clock"]
