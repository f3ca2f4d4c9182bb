"""Numbers in text (layer 6): `number` reads one, `format_number` writes one for people.

Input: texts and numbers. Output: numbers and texts. Reading is strict about what counts as a
number (ASCII digits, an optional sign, `_` between digits or `,` between groups of three, an
optional fraction) because the text usually comes from a user; writing rounds half away from
zero in decimal, so `format_number(2.675, 2)` is "2.68" as a person expects, not "2.67" as
binary floating point would give.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from decimal import Context as DecimalContext
import re
from typing import Any

from ..runtime.script_errors import LimitError
from ..runtime.values import Captured, Text
from .args import bad_argument, integer_arg, is_number, number_arg, optional_text
from .binding import builtin
from .context import Context
from .guards import check_float, check_integer, check_number, check_text_size, text_bytes

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)?(?:\.(?P<fraction>[0-9]+))?",
    re.ASCII,
)

#: An integer with more significant digits than this is beyond any integer limit we allow
#: (2^53 has 16), so it is refused before Python converts it.
_MAX_INTEGER_DIGITS = 19

#: Enough decimal precision for any float (309 digits before the point) plus 20 after it.
_DECIMAL = DecimalContext(prec=400, rounding=ROUND_HALF_UP)

_MAX_DECIMALS = 20


@builtin("number")
def number(ctx: Context, text: Any) -> int | float | None:
    """A number read from text, a number as it is, or nil for anything else."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return check_integer(text, ctx.limits)
    if isinstance(text, float):
        return text
    if isinstance(text, Captured) and is_number(text.value) and not isinstance(text.value, bool):
        return number(ctx, text.value)
    if isinstance(text, (str, Text, Captured)):
        return read_number(str(text), ctx)
    return None


def read_number(text: str, ctx: Context) -> int | float | None:
    """The number a text holds (`" 1,234.5 "` -> 1234.5), or None."""
    found = _NUMBER.fullmatch(text.strip())
    if found is None or (found.group("whole") is None and found.group("fraction") is None):
        return None
    sign = -1 if found.group("sign") == "-" else 1
    whole = (found.group("whole") or "0").replace(",", "").replace("_", "")
    fraction = found.group("fraction")
    if fraction is None:
        digits = whole.lstrip("0") or "0"
        if len(digits) > _MAX_INTEGER_DIGITS:
            raise LimitError(
                f"the number has {len(digits):,} digits, beyond the integer limit of "
                f"±{ctx.limits.integer_magnitude:,}",
                "keep numbers smaller, or keep long identifiers as text",
            )
        return check_integer(sign * int(digits), ctx.limits)
    return check_float(sign * float(f"{whole}.{fraction}"))


@builtin("format_number")
def format_number(ctx: Context, value: Any, decimals: Any = None, *,
                  thousands: Any = None, decimal: Any = None) -> str:
    """A number with grouped thousands and exactly `decimals` digits after the point."""
    amount = check_number(number_arg("format_number", value), ctx.limits)
    places = None if decimals is None else integer_arg("format_number", decimals, "decimals")
    if places is not None and not 0 <= places <= _MAX_DECIMALS:
        bad_argument(f"`format_number` cannot show {places} decimals",
                     f"use from 0 to {_MAX_DECIMALS} decimals")
    group_mark = optional_text("format_number", thousands, "thousands", ",")
    point_mark = optional_text("format_number", decimal, "decimal", ".")
    exact = _to_decimal(amount)
    if places is not None:
        exact = exact.quantize(decimal_unit(places), context=_DECIMAL)
    elif isinstance(amount, float) and exact == exact.to_integral_value():
        exact = exact.quantize(Decimal(1), context=_DECIMAL)
    digits = format(abs(exact), "f")
    whole, _, fraction = digits.partition(".")
    groups = [whole[max(i - 3, 0):i] for i in range(len(whole), 0, -3)][::-1]
    negative = exact.is_signed() and not exact.is_zero()
    size = (len(whole) + len(fraction) + negative + (len(groups) - 1) * text_bytes(group_mark)
            + (text_bytes(point_mark) if fraction else 0))
    check_text_size(size, ctx.limits)
    text = group_mark.join(groups)
    if fraction:
        text += point_mark + fraction
    return "-" + text if negative else text


def decimal_unit(places: int) -> Decimal:
    """10^-places, the step `quantize` rounds to."""
    return Decimal(1).scaleb(-places)


def _to_decimal(amount: int | float) -> Decimal:
    """The decimal a person reads in the number: floats by their shortest repr (`0.1`, not
    `0.1000000000000000055…`)."""
    if isinstance(amount, int):
        return Decimal(amount)
    check_float(amount)
    return Decimal(repr(amount))
