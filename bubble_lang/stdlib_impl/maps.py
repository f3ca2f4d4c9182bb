"""Map builtins (layer 6): `keys`, `values`, `get`, `put`, `delete`, `merge`.

Input: maps (keyword lists are maps at run time), keys, values. Output: lists, values and new
maps; maps are values, so an argument is never changed. Keys are texts; an atom key means its
name and an integer key its digits (data files often have numeric keys, which load as text).
"""

from __future__ import annotations

from typing import Any

from ..runtime.values import Atom, Captured, Record, Text, get_field
from .args import is_integer, is_text, map_arg, type_error
from .binding import builtin
from .context import Context
from .guards import check_items


def map_key(function: str, key: Any) -> str:
    """A map key from a text, an atom or an integer."""
    if isinstance(key, Atom):
        return key.name
    if is_text(key):
        return str(key)
    if is_integer(key):
        return str(key)
    type_error(function, "a text or an atom", key, "key",
               hint="write the key as a text or an atom, like `\"name\"` or `:name`")


@builtin("keys")
def keys(ctx: Context, mapping: Any) -> list[str]:
    """The keys, in the order they were added."""
    return list(map_arg("keys", mapping))


@builtin("values")
def values(ctx: Context, mapping: Any) -> list[Any]:
    """The values, in the order their keys were added."""
    return list(map_arg("values", mapping).values())


@builtin("get")
def get(ctx: Context, mapping: Any, key: Any, default: Any = None) -> Any:
    """The value under a key (or at an index of a list), else `default`. Reading from nil gives
    the default too: `get` is the safe way to read data that may be missing."""
    if mapping is None:
        return default
    if isinstance(mapping, dict):
        name = map_key("get", key)
        return mapping[name] if name in mapping else default
    if isinstance(mapping, list):
        if not is_integer(key):
            type_error("get", "an integer index", key, "key",
                       hint="index a list with an integer from 0, like `get(list, 0)`")
        return mapping[key] if 0 <= key < len(mapping) else default
    if isinstance(mapping, (Record, Text, Captured)):
        found = get_field(mapping, map_key("get", key))
        return default if found is None else found
    type_error("get", "a map or a list", mapping,
               hint="check the value; `get` reads maps, keyword lists, lists and records")


@builtin("put")
def put(ctx: Context, mapping: Any, key: Any, value: Any) -> dict[str, Any]:
    """A copy with the key set."""
    original = map_arg("put", mapping)
    name = map_key("put", key)
    if name not in original:
        check_items(len(original) + 1, ctx.limits)
    changed = dict(original)
    changed[name] = value
    return changed


@builtin("delete")
def delete(ctx: Context, mapping: Any, key: Any) -> dict[str, Any]:
    """A copy without the key."""
    original = map_arg("delete", mapping)
    name = map_key("delete", key)
    return {k: v for k, v in original.items() if k != name}


@builtin("merge")
def merge(ctx: Context, mapping: Any, other: Any, *more: Any) -> dict[str, Any]:
    """The maps combined, later keys winning."""
    merged = dict(map_arg("merge", mapping))
    for position, extra in enumerate((other, *more), 2):
        if not isinstance(extra, dict):
            type_error("merge", "a map", extra, "other" if position == 2 else "more")
        merged.update(extra)
        check_items(len(merged), ctx.limits)
    return merged

