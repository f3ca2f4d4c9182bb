"""Declarations of the map builtins (layer 4): data for the registry, no implementations.

Maps are values: `put`, `delete` and `merge` give a new map and leave their argument as it
was. Keyword lists are accepted wherever a map is.
"""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_map = partial(declare, category="maps")

DECLARATIONS: tuple[Builtin, ...] = (
    _map(
        "keys", "map", "list",
        """Gives the keys of a map in the order they were added.""",
        'keys(%{a: 1, b: 2}) -> ["a", "b"]',
    ),
    _map(
        "values", "map", "list",
        """Gives the values of a map in the order their keys were added.""",
        "values(%{a: 1, b: 2}) -> [1, 2]",
    ),
    _map(
        "get", "map, key, default?", "any",
        """Gives the value stored under a key (text or atom; on a list, an index from 0), or
        `default` (else `nil`) when there is none.""",
        'get(%{a: 1}, "a") -> 1',
        'get(%{a: 1}, "b", 0) -> 0',
    ),
    _map(
        "put", "map, key, value", "map",
        """Gives a copy of the map with the key set to the value.""",
        'put(%{a: 1}, "b", 2) -> %{a: 1, b: 2}',
    ),
    _map(
        "delete", "map, key", "map",
        """Gives a copy of the map without the key; a missing key is not an error.""",
        'delete(%{a: 1, b: 2}, "a") -> %{b: 2}',
    ),
    _map(
        "merge", "map, other, more...", "map",
        """Combines maps into a new one; when several have the same key, the later map
        wins.""",
        "merge(%{a: 1, b: 2}, %{b: 3}) -> %{a: 1, b: 3}",
    ),
)
