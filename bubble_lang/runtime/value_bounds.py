"""How big a value is, counted as it is built (layer 6, SPEC §13).

Input: values — built by the VM (`BUILD_LIST`, `+`, a builtin's result), or arriving from outside
(an event payload, an extension's reply). Output: their size and depth, or a `LimitError` when one
is over its limit: the total size (`value_bytes`, counted as if every shared part were written out
in full), the depth (`json_nesting`), the items of one list or map (`collection_items`), integers
(`integer_magnitude`), and numbers that are not finite.

Why "as if written out": `x = [x, x]` ten times over is twenty list objects, but printing it,
comparing it or storing it writes 2^20 copies. The meter remembers the size of every container it
measured (while the turn keeps it alive; past `_RETAINED_ITEMS` items it starts over), so measuring
a new value costs its own items only, and `x = [x, x]` fails at the step that goes over the limit,
before anything prints, compares or commits it. Every walk is iterative: a value from outside may
be nested arbitrarily deep.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pendulum

from ..limits import Limits
from .script_errors import LimitError
from .values import Atom, Captured, Record, Text

_MIB = 1024 * 1024
_SCALAR = 4  # an int, a float, true/false/nil: what the size counts for them
# What the meter may keep alive: a loop of `m = put(m, k, v)` builds a new map each step, and
# remembering all of them held 1.3 GB at 10,000 items. Past this many items the meter forgets
# (a later walk measures again, still once per shared part), so memory stays near the values'.
_RETAINED_ITEMS = 200_000


def _amount(size: int) -> str:
    if size >= _MIB:
        return f"{size / _MIB:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} bytes"


class ValueMeter:
    """Measures values and remembers containers it measured (see the module docstring). One
    meter lives for one turn: it keeps the containers it remembers alive, so an `id` can never
    be reused for another container while the meter has it."""

    def __init__(self, limits: Limits, shared: Mapping[int, tuple[int, int, Any]] | None = None, *,
                 outside: bool = False):
        self.limits = limits
        # A script's `range` may build up to `range_items`; data from outside (an event payload,
        # an answer) holds at most `collection_items` per list or map, as SPEC §13 says.
        self._ceiling = limits.collection_items if outside else max(limits.collection_items, limits.range_items)
        self._known: dict[int, tuple[int, int, Any]] = {}
        self._retained = 0  # items of the containers `_known` keeps alive
        # The bot's constants, measured once when it was linked (`constant_sizes`): they never
        # change and the image keeps them alive, so every turn may trust those sizes.
        self._shared = shared or {}

    def _lookup(self, node: Any) -> tuple[int, int, Any] | None:
        key = id(node)
        known = self._known.get(key) or self._shared.get(key)
        return known if known is not None and known[2] is node else None

    def check_items(self, count: int) -> None:
        """A list or map a script builds (literal, `+`) holds at most `collection_items`."""
        if count > self.limits.collection_items:
            self._too_many(count)

    def check(self, value: Any) -> Any:
        """`value`, once it is measured within every limit; else `LimitError`."""
        self.measure(value)
        return value

    def concat(self, left: list[Any], right: list[Any], result: list[Any]) -> list[Any]:
        """`left + right`, measured from what is known of both (no walk over the items)."""
        (left_size, left_depth), (right_size, right_depth) = self.measure(left), self.measure(right)
        self.check_items(len(result))
        self._remember(result, left_size + right_size - 2, max(left_depth, right_depth))
        return result

    def measure(self, value: Any) -> tuple[int, int]:
        """(size, depth) of `value`: the size as if written out in full, the depth in levels."""
        leaf = self._leaf(value)
        if leaf is not None:
            return leaf, 0
        known = self._lookup(value)
        if known is not None:
            return known[0], known[1]
        if self._retained > _RETAINED_ITEMS:  # between walks only: a walk reads what it remembered
            self._known.clear()
            self._retained = 0
        # Fast path: a container whose parts are all scalars or measured already (most values a
        # turn builds: `%{expecting: @pizzas}`, a list of texts) is measured without the walk.
        parts = self._parts(value)
        size, depth = self._own(value), 0
        for part in parts:
            part_leaf = self._leaf(part)
            if part_leaf is not None:
                size += part_leaf
                continue
            found = self._lookup(part)
            if found is None:
                break
            size += found[0]
            depth = max(depth, found[1])
        else:
            self._remember(value, size, depth + 1)
            return size, depth + 1
        # Post-order over containers not measured yet: (node, children measured?, level).
        stack: list[tuple[Any, bool, int]] = [(value, False, 1)]
        nesting = self.limits.json_nesting
        while stack:
            node, expanded, level = stack.pop()
            if self._lookup(node) is not None:
                continue
            parts = self._parts(node)
            if not expanded:
                if level > nesting:
                    self._too_deep()
                stack.append((node, True, level))
                for part in parts:
                    if self._leaf(part) is None:
                        stack.append((part, False, level + 1))
                continue
            size, depth = self._own(node), 0
            for part in parts:
                part_leaf = self._leaf(part)
                if part_leaf is not None:
                    size += part_leaf
                else:
                    part_size, part_depth = self._lookup(part)[:2]  # type: ignore[index]
                    size += part_size
                    depth = max(depth, part_depth)
            self._remember(node, size, depth + 1)
        return self._lookup(value)[:2]  # type: ignore[index]

    # ------------------------------------------------------------------------------ helpers
    def _remember(self, node: Any, size: int, depth: int) -> None:
        limits = self.limits
        if size > limits.value_bytes:
            raise LimitError(f"the value would be about {_amount(size)} written out, over the limit of "
                             f"{_amount(limits.value_bytes)}",
                             "build smaller values (a list that holds itself twice doubles each time), "
                             "or raise `value_bytes` in bubble.toml")
        if depth > limits.json_nesting:
            self._too_deep()
        self._known[id(node)] = (size, depth, node)
        self._retained += len(node) if isinstance(node, (list, dict)) else 1

    def _too_deep(self) -> None:
        raise LimitError(f"the value is nested more than {self.limits.json_nesting} levels deep",
                         "flatten the data, or raise `json_nesting` in bubble.toml")

    def _too_many(self, count: int) -> None:
        limit = self.limits.collection_items if count <= self._ceiling else self._ceiling
        knob = "collection_items" if limit == self.limits.collection_items else "range_items"
        raise LimitError(f"the list or map would have {count:,} items, over the limit of {limit:,}",
                         f"work on smaller lists, or raise `{knob}` in bubble.toml")

    def _leaf(self, value: Any) -> int | None:
        """The size of a scalar (checking it), or None for a container or record."""
        kind = type(value)
        if kind is str:
            if len(value) > self.limits.string_bytes:
                raise LimitError(f"a text of {len(value):,} characters is over the limit of "
                                 f"{self.limits.string_bytes:,}", "work on smaller pieces of text")
            return len(value) + 2
        if kind is int:
            if abs(value) > self.limits.integer_magnitude:
                raise LimitError(f"an integer is out of range: the limit is ±{self.limits.integer_magnitude:,}",
                                 "keep numbers smaller, or keep long identifiers as text")
            return _SCALAR
        if kind is float:
            if not math.isfinite(value):
                raise LimitError("a number is too large to compute (it overflowed)", "keep numbers smaller")
            return _SCALAR
        if value is None or kind is bool:
            return _SCALAR
        if kind is Atom:
            return len(value.name) + 1
        if isinstance(value, (pendulum.DateTime, pendulum.Duration)):
            return 32
        if kind in (list, dict, Text, Captured, Record):
            return None
        return _SCALAR

    def _parts(self, node: Any) -> list[Any]:
        # Lists and maps a script writes are held to `collection_items` where they are built
        # (`check_items`); a `range` may make up to `range_items`, so that is the ceiling here.
        kind = type(node)
        if kind is list:
            if len(node) > self._ceiling:
                self._too_many(len(node))
            return node
        if kind is dict:
            if len(node) > self._ceiling:
                self._too_many(len(node))
            return list(node.values())
        if kind is Text:
            return [node.fields]
        if kind is Captured:
            return [node.value]
        if kind is Record:
            return [node.fields]
        return []

    def _own(self, node: Any) -> int:
        """What a container or record adds besides its parts: brackets, keys, its text."""
        kind = type(node)
        if kind is dict:
            return 2 + sum(len(str(key)) + 3 for key in node)
        if kind is list:
            return 2 + len(node)
        if kind in (Text, Captured):
            return len(node.text) + 2
        if kind is Record:
            return len(node.kind) + 2
        return 2


def constant_sizes(constants: Any, limits: Limits) -> dict[int, tuple[int, int, Any]]:
    """The sizes of a bot's constants and everything in them, measured once at link time (a
    constant over a limit is left out: measuring it in a turn reports it there)."""
    meter = ValueMeter(limits)
    for value in constants.values():
        try:
            meter.measure(value)
        except LimitError:
            pass
    return meter._known
