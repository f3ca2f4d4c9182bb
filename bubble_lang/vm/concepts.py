"""`@name` inside a pattern (layer 7, SPEC §7b): the bot's constants as the matcher's concepts.

`dialog trigger: "i like @fruits"` with `@fruits ["apple", "banana split"]` matches "i like
banana split", and the phrase matched is captured under `fruits`. A concept is a constant that is
a list of texts (or of items with a `title`/`value`, as choice lists are), reached by its path
(`@menu.desserts` is the `desserts` list of the map `@menu`), or an intent whose `match:`
patterns are plain alternatives of words (`"yes | yeah | sure"`): those are its phrases. Any other
value has no phrases and the rule matches nothing.

The phrases of a constant are worked out once per bot (constants never change) and shared by
every conversation through one `ConceptTable`, which also keeps them tokenized.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..runtime.matching import ConceptTable
from ..runtime.values import Record, plain_text, to_text

_PLAIN_ALTERNATIVES = re.compile(r"[\w\s'|-]+")


class ConstantConcepts(Mapping[str, list[str]]):
    """The phrases of each constant a pattern names (`"fruits"`, `"menu.desserts"`), computed
    on first use."""

    def __init__(self, constants: Mapping[str, Any]):
        self.constants = constants
        self._phrases: dict[str, list[str] | None] = {}

    def __getitem__(self, name: str) -> list[str]:
        if name not in self._phrases:
            self._phrases[name] = phrases_of(_lookup(self.constants, name.split(".")))
        found = self._phrases[name]
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.constants)

    def __len__(self) -> int:
        return len(self.constants)


def _lookup(constants: Mapping[str, Any], path: list[str]) -> Any:
    value: Any = constants.get(path[0])
    for key in path[1:]:
        value = plain_text(value)
        if isinstance(value, Record):
            value = value.fields.get(key)
        elif isinstance(value, dict):
            value = value.get(key)
        else:
            return None
    return value


def phrases_of(value: Any) -> list[str] | None:
    """The phrases a constant stands for, or None when it is no concept."""
    value = plain_text(value)
    if isinstance(value, Record) and value.kind == "intent":
        patterns = value.fields.get("match")
        phrases: list[str] = []
        for pattern in patterns if isinstance(patterns, list) else [patterns]:
            text = to_text(plain_text(pattern)) if pattern is not None else ""
            if not _PLAIN_ALTERNATIVES.fullmatch(text):
                continue  # BML beyond words and `|`: the intent is matched as a whole elsewhere
            phrases.extend(part.strip() for part in text.split("|") if part.strip())
        return phrases
    if isinstance(value, list):
        found = []
        for item in value:
            item = plain_text(item)
            if isinstance(item, dict):
                item = item.get("title", item.get("value"))
            if isinstance(item, str) and item.strip():
                found.append(item)
        return found
    return None


def concept_table(constants: Mapping[str, Any]) -> ConceptTable:
    """One table for a bot's lifetime: the phrases, tokenized once."""
    return ConceptTable(ConstantConcepts(constants))
