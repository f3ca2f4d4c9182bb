"""List builtins (layer 6): access, ordering, slicing, field queries, sums, `range`, random.

Input: argument values. Output: new lists (an argument is never changed), items, numbers.
Ordering and equality come from `compare`; field names may be texts or atoms and read maps,
keyword lists and records alike. Randomness comes only from the conversation's generator.
"""

from __future__ import annotations

from typing import Any

from ..runtime.script_errors import LimitError, ScriptError
from .args import (
    ABSENT,
    TYPE_ERROR,
    bad_argument,
    describe,
    field_of,
    integer_arg,
    is_number,
    list_arg,
    name_arg,
    order_arg,
)
from .binding import builtin
from .compare import identity_key, sort_keys
from .context import Context
from .guards import check_depth, check_float, check_integer, check_items


@builtin("first")
def first(ctx: Context, items: Any) -> Any:
    """The first item, or nil."""
    values = list_arg("first", items)
    return values[0] if values else None


@builtin("last")
def last(ctx: Context, items: Any) -> Any:
    """The last item, or nil."""
    values = list_arg("last", items)
    return values[-1] if values else None


@builtin("count")
def count(ctx: Context, items: Any, value: Any = ABSENT) -> int:
    """All items, or the items equal to `value` (which may be nil: `count(list, nil)`)."""
    values = list_arg("count", items)
    if value is ABSENT:
        return len(values)
    wanted = identity_key(value, ctx.limits)
    return sum(1 for item in values if identity_key(item, ctx.limits) == wanted)


def _sorted(values: list[Any], keys: list[Any], descending: bool) -> list[Any]:
    """`values` ordered by `keys`, stable, so equal values keep their order either way."""
    order = sorted(range(len(values)), key=keys.__getitem__, reverse=descending)
    return [values[i] for i in order]


@builtin("sort")
def sort(ctx: Context, items: Any, order: Any = None) -> list[Any]:
    """Numbers by value, texts ignoring case, date-times by time; `:desc` reverses."""
    values = list_arg("sort", items)
    descending = order_arg("sort", order)
    return _sorted(values, sort_keys("sort", values), descending)


@builtin("sort_by")
def sort_by(ctx: Context, items: Any, field: Any, order: Any = None) -> list[Any]:
    """Maps ordered by one field, compared as `sort` does."""
    values = list_arg("sort_by", items)
    name = name_arg("sort_by", field, "field")
    descending = order_arg("sort_by", order)
    fields = [field_of("sort_by", item, name, position) for position, item in enumerate(values, 1)]
    return _sorted(values, sort_keys("sort_by", fields), descending)


@builtin("reverse")
def reverse(ctx: Context, items: Any) -> list[Any]:
    """The items in the opposite order."""
    return list(reversed(list_arg("reverse", items)))


@builtin("uniq")
def uniq(ctx: Context, items: Any) -> list[Any]:
    """Each distinct item once, at its first place."""
    seen: set[Any] = set()
    result = []
    for item in list_arg("uniq", items):
        key = identity_key(item, ctx.limits)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


@builtin("flatten")
def flatten(ctx: Context, items: Any) -> list[Any]:
    """Nested lists spread out into one list, without recursion in Python: the depth is
    bounded by the nesting limit and the size by the collection limit as it grows."""
    result: list[Any] = []
    stack = [iter(list_arg("flatten", items))]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif isinstance(item, list):
            check_depth(len(stack), ctx.limits)
            stack.append(iter(item))
        else:
            result.append(item)
            if len(result) > ctx.limits.collection_items:
                check_items(len(result), ctx.limits)
    return result


_END = object()


@builtin("take")
def take(ctx: Context, items: Any, n: Any) -> list[Any]:
    """The first `n` items, or the last `-n`."""
    values = list_arg("take", items)
    amount = integer_arg("take", n, "n")
    return values[:amount] if amount >= 0 else values[max(len(values) + amount, 0):]


@builtin("drop")
def drop(ctx: Context, items: Any, n: Any) -> list[Any]:
    """Without the first `n` items, or without the last `-n`."""
    values = list_arg("drop", items)
    amount = integer_arg("drop", n, "n")
    return values[amount:] if amount >= 0 else values[:max(len(values) + amount, 0)]


@builtin("pluck")
def pluck(ctx: Context, items: Any, field: Any) -> list[Any]:
    """One field of every map."""
    values = list_arg("pluck", items)
    name = name_arg("pluck", field, "field")
    return [field_of("pluck", item, name, position) for position, item in enumerate(values, 1)]


def _matching(function: str, items: Any, field: Any, value: Any, ctx: Context) -> Any:
    """The maps whose field equals the value, lazily, in order."""
    values = list_arg(function, items)
    name = name_arg(function, field, "field")
    wanted = identity_key(value, ctx.limits)
    for position, item in enumerate(values, 1):
        if identity_key(field_of(function, item, name, position), ctx.limits) == wanted:
            yield item


@builtin("filter")
def filter_(ctx: Context, items: Any, field: Any, value: Any) -> list[Any]:
    """The maps whose field equals the value."""
    return list(_matching("filter", items, field, value, ctx))


@builtin("find")
def find(ctx: Context, items: Any, field: Any, value: Any) -> Any:
    """The first map whose field equals the value, or nil."""
    return next(_matching("find", items, field, value, ctx), None)


@builtin("sum")
def sum_(ctx: Context, items: Any) -> int | float:
    """The total; integers stay exact and an integer total stays an integer."""
    whole = 0
    fractional = 0.0
    has_float = False
    for position, item in enumerate(list_arg("sum", items), 1):
        if not is_number(item):
            raise ScriptError(
                f"`sum` needs a list of numbers, item {position} is {describe(item)}",
                "convert the items with `number(…)` first",
                code=TYPE_ERROR,
            )
        if isinstance(item, float):
            fractional += item
            has_float = True
        else:
            whole += item
    if has_float:
        return check_float(whole + fractional)
    return check_integer(whole, ctx.limits)


def _extreme(function: str, values: Any, more: tuple[Any, ...], smallest: bool) -> Any:
    """The smallest or largest of one list, or of all the arguments."""
    if more:
        pool = [values, *more]
    elif isinstance(values, list):
        pool = values
    else:
        pool = [values]
    if not pool:
        return None
    keys = sort_keys(function, pool)
    choose = min if smallest else max
    return pool[choose(range(len(pool)), key=keys.__getitem__)]


@builtin("min")
def min_(ctx: Context, values: Any, *more: Any) -> Any:
    """The smallest value."""
    return _extreme("min", values, more, smallest=True)


@builtin("max")
def max_(ctx: Context, values: Any, *more: Any) -> Any:
    """The largest value."""
    return _extreme("max", values, more, smallest=False)


@builtin("range")
def range_(ctx: Context, start: Any, stop: Any, step: Any = None) -> list[int]:
    """The integers from `start` to `stop`, both included. The length is computed first, so
    `range(1, 10_000_000)` is refused without building anything."""
    low = check_integer(integer_arg("range", start), ctx.limits)
    high = check_integer(integer_arg("range", stop, "to"), ctx.limits)
    if step is None:
        stride = 1 if high >= low else -1
    else:
        stride = check_integer(integer_arg("range", step, "step"), ctx.limits)
    if stride == 0:
        bad_argument("`range` cannot count with a step of 0", "use a step such as 1 or -1")
    if (high - low) * stride < 0:
        bad_argument(f"`range` with step {stride} never gets from {low} to {high}",
                     f"use a step of {'-' if stride > 0 else ''}{abs(stride)}, or swap the ends")
    length = (high - low) // stride + 1
    if length > ctx.limits.range_items:
        raise LimitError(
            f"`range` would give {length:,} numbers, over the limit of {ctx.limits.range_items:,}",
            "use a smaller range, or raise `range_items` in bubble.toml",
        )
    return list(range(low, high + (1 if stride > 0 else -1), stride))


@builtin("random_item")
def random_item(ctx: Context, items: Any) -> Any:
    """One item picked with the conversation's generator, or nil."""
    values = list_arg("random_item", items)
    return values[ctx.rng.randrange(len(values))] if values else None


@builtin("shuffle")
def shuffle(ctx: Context, items: Any) -> list[Any]:
    """The items in an order drawn from the conversation's generator."""
    values = list(list_arg("shuffle", items))
    ctx.rng.shuffle(values)
    return values

