"""Number builtins (layer 6): `round`, `floor`, `ceil`, `abs`, `div`, `rem`, `random_int`.

Input: numbers. Output: numbers inside the integer limit of SPEC §13. Rounding is decimal and
half away from zero (`round(2.5)` is 3, `round(-2.5)` is -3, `round(2.675, 2)` is 2.68), the
way people round, not Python's banker's rounding of binary floats. Integer division truncates
toward zero and the remainder takes the sign of the dividend, as in Elixir.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from decimal import Context as DecimalContext
from typing import Any

from ..runtime.script_errors import ScriptError
from .args import bad_argument, integer_arg, number_arg
from .binding import builtin
from .context import Context
from .guards import check_float, check_integer, check_number

_DECIMAL = DecimalContext(prec=400, rounding=ROUND_HALF_UP)

#: Digits `round` accepts: a float holds at most 17 significant digits, so more would change
#: nothing, and fewer than -15 would round everything a float can hold exactly to zero.
_MAX_DIGITS = 15


@builtin("round")
def round_(ctx: Context, number: Any, digits: Any = None) -> int | float:
    """Half away from zero: an integer without `digits`; a float with them, or an integer when
    the number was one."""
    value = check_number(number_arg("round", number), ctx.limits)
    places = 0 if digits is None else integer_arg("round", digits, "digits")
    if abs(places) > _MAX_DIGITS:
        bad_argument(f"`round` cannot round to {places} digits",
                     f"use from -{_MAX_DIGITS} to {_MAX_DIGITS} digits")
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    rounded = exact.quantize(Decimal(1).scaleb(-places), context=_DECIMAL)
    if isinstance(value, int) or digits is None:
        return check_integer(int(rounded), ctx.limits)
    return check_float(float(rounded))


@builtin("floor")
def floor(ctx: Context, number: Any) -> int:
    """The largest integer not above the number."""
    value = check_number(number_arg("floor", number), ctx.limits)
    return check_integer(math.floor(value), ctx.limits)


@builtin("ceil")
def ceil(ctx: Context, number: Any) -> int:
    """The smallest integer not below the number."""
    value = check_number(number_arg("ceil", number), ctx.limits)
    return check_integer(math.ceil(value), ctx.limits)


@builtin("abs")
def abs_(ctx: Context, number: Any) -> int | float:
    """The number without its sign."""
    return check_number(abs(number_arg("abs", number)), ctx.limits)


def _divide(function: str, a: Any, b: Any, ctx: Context) -> tuple[int, int, int]:
    """Checked integer operands and the quotient truncated toward zero."""
    left = check_integer(integer_arg(function, a), ctx.limits)
    right = check_integer(integer_arg(function, b, "b"), ctx.limits)
    if right == 0:
        raise ScriptError(f"`{function}` divides by zero", "check the divisor first: `if b != 0 do … end`",
                          code="B402")
    quotient = abs(left) // abs(right)
    return left, right, quotient if (left >= 0) == (right >= 0) else -quotient


@builtin("div")
def div(ctx: Context, a: Any, b: Any) -> int:
    """Integer division, rounding toward zero."""
    return _divide("div", a, b, ctx)[2]


@builtin("rem")
def rem(ctx: Context, a: Any, b: Any) -> int:
    """The remainder of `div`, with the sign of `a`."""
    left, right, quotient = _divide("rem", a, b, ctx)
    return left - right * quotient


@builtin("random_int")
def random_int(ctx: Context, lowest: Any, highest: Any) -> int:
    """A uniformly random integer in [min, max] from the conversation's generator."""
    low = check_integer(integer_arg("random_int", lowest), ctx.limits)
    high = check_integer(integer_arg("random_int", highest, "max"), ctx.limits)
    if low > high:
        bad_argument(f"`random_int` cannot pick from {low} up to the smaller {high}",
                     "put the smaller number first")
    return ctx.rng.randint(low, high)
