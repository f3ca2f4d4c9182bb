"""Declarations of the number builtins (layer 4): data for the registry, no implementations.

Results respect the integer limit of SPEC §13 (|n| <= 2^53); integer arguments that must be
integers (`div`, `rem`, `random_int`) reject floats with a runtime error.
"""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_num = partial(declare, category="numbers")

DECLARATIONS: tuple[Builtin, ...] = (
    _num(
        "round", "number, digits?", "number",
        """Rounds half away from zero: to an integer, or to a float with `digits` digits after
        the point.""",
        "round(2.5) -> 3",
        "round(-2.5) -> -3",
        "round(3.14159, 2) -> 3.14",
    ),
    _num(
        "floor", "number", "number",
        """Gives the largest integer not above the number.""",
        "floor(2.7) -> 2",
        "floor(-2.1) -> -3",
    ),
    _num(
        "ceil", "number", "number",
        """Gives the smallest integer not below the number.""",
        "ceil(2.1) -> 3",
    ),
    _num(
        "abs", "number", "number",
        """Gives the number without its sign.""",
        "abs(-4) -> 4",
    ),
    _num(
        "div", "a, b", "number",
        """Divides two integers and drops the fraction, rounding toward zero; dividing by zero
        is a runtime error.""",
        "div(7, 2) -> 3",
        "div(-7, 2) -> -3",
    ),
    _num(
        "rem", "a, b", "number",
        """Gives the remainder of `div(a, b)`, with the sign of `a`; dividing by zero is a
        runtime error.""",
        "rem(7, 2) -> 1",
        "rem(-7, 2) -> -1",
    ),
    _num(
        "random_int", "min, max", "number",
        """Picks a random integer from `min` to `max`, both included (seeded in tests).""",
        "random_int(1, 6) -> 4",
        pure=False,
        effectful=True,
    ),
)
