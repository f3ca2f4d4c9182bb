"""What a linked bot is (layer 7): the frozen `BotImage` and its dialog, task and test entries.

Why apart from the linker: the machine, the image codec, the cache and the test runner read these
records; only the linker makes them. Kept here, the machine can name them without importing the
linker (which imports the machine to evaluate constants), so the two need no cycle.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any

import attrs

from ..config import Config
from ..opcodes import CodeObject
from ..program import Program
from ..runtime import matching
from ..source import Span
from .pattern_match import LinkedTrigger


@attrs.frozen(kw_only=True)
class DialogEntry:
    """One dialog definition, ready to run."""

    index: int  # in source order, inner dialogs included (the extension state table is index + 1)
    ref: str
    code_hash: str
    name: str | None
    display: str
    kind: str  # named | trigger | label | event | location | attachment
    span: Span
    guard: str | None = None
    parent: int = -1
    inner: tuple[int, ...] = ()
    trigger: LinkedTrigger | None = None
    trigger_span: Span | None = None  # the `trigger:` value, where a matching error is reported
    event: str | None = None
    location: tuple[float, float, float] | None = None  # lat, lon, radius in metres
    attachment: str | None = None
    label: str | None = None


@attrs.frozen(kw_only=True)
class TaskEntry:
    ref: str
    code_hash: str
    name: str
    span: Span
    guard: str | None = None
    event: str | None = None


@attrs.frozen(kw_only=True)
class TestEntry:
    code: str
    title: str
    span: Span


@attrs.frozen(kw_only=True)
class BotImage:
    """Everything a conversation of this bot runs against; shared, read-only."""

    program: Program
    config: Config
    codes: Mapping[str, CodeObject]
    dialogs: tuple[DialogEntry, ...]
    entries: Mapping[str, DialogEntry]  # by identity (frames refer to dialogs by it)
    named: Mapping[str, tuple[int, ...]]  # top-level name -> variants
    triggers: tuple[int, ...]  # global trigger dialogs, in order
    events: tuple[int, ...]
    locations: tuple[int, ...]
    attachments: tuple[int, ...]
    tasks: Mapping[str, tuple[TaskEntry, ...]]
    before: Mapping[str, tuple[TaskEntry, ...]]
    event_tasks: tuple[TaskEntry, ...]
    tests: tuple[TestEntry, ...]
    constants: Mapping[str, Any]
    patterns: Mapping[str, matching.CompiledPattern]  # pattern text -> compiled
    trigger_index: tuple[Any, tuple[int, ...]]  # (TriggerIndex of global triggers, always-try positions)
    entry: str | None
    session_timeout: float
    ask_timeout: float | None
    revision: str  # changes when any code changes: a stored conversation is reconciled then
    concepts: Any = None  # `@name` in patterns: the constants' phrases (`vm/concepts.py`)
    name: str = "bot"  # the bot's identity (`Bot.name`), `bot.id` in scripts
    translations: Mapping[str, Mapping[str, Any]] = attrs.field(  # locale -> text -> template (`translations.py`)
        factory=lambda: types.MappingProxyType({}), converter=lambda tables: _read_only_tables(tables))
    constant_sizes: Any = None  # the constants measured once for SPEC §13 (`runtime/value_bounds.py`)

    def variants(self, name: str, chain: list[int] | None = None) -> list[DialogEntry]:
        """Dialogs `invoke name` may start: inner dialogs of the enclosing dialogs first."""
        dialogs = self.dialogs
        for index in reversed(chain or ()):
            found = [dialogs[i] for i in dialogs[index].inner if dialogs[i].name == name]
            if found:
                return found
        return [dialogs[i] for i in self.named.get(name, ())]

    def has_dialog(self, name: str) -> bool:
        return name in self.named


def _read_only_tables(tables: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    """Translation tables as the rest of the image: shared by every conversation, never changed."""
    return types.MappingProxyType({locale: types.MappingProxyType({key: tuple(parts) for key, parts in table.items()})
                                   for locale, table in tables.items()})
