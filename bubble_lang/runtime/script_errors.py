"""Errors raised while a script runs (layer 6).

Builtins and runtime helpers raise `ScriptError` with a code, a message and a hint but no
position: only the VM knows the instruction being run, so it attaches the span and the dialog
stack and turns the error into a `BubbleRuntimeError` diagnostic. Never a Python exception type
reaches a user.
"""

from __future__ import annotations

from typing import Any


class ScriptError(Exception):
    """A runtime error in the script (wrong type, division by zero, bad argument)."""

    code = "B401"

    def __init__(self, message: str, hint: str | None = None, *, code: str | None = None, span: Any = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span = span  # where in the script, when the VM's current instruction is not the place
        if code is not None:
            self.code = code


class LimitError(ScriptError):
    """A SPEC §13 budget ran out (string size, list size, integer range, steps, regex time)."""

    code = "B450"
