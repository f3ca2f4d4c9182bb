"""Go to definition, find references and rename, over every file of the bot.

Why by (kind, name): a dialog may be invoked from any file of a folder bot and defined several
times (variants chosen by guards), so a definition is every variant and a rename edits every use
in every file. Inner dialogs are looked up as the runtime does: from `invoke x` inside a dialog,
an inner dialog `x` of an enclosing dialog wins over a top-level one.

Rename is for dialogs, tasks and constants (what other files refer to by name), and refuses what
would not parse or would change meaning: a builtin, a statement or keyword, a runtime variable,
a data-file constant (its name is the file's), or a new name that is not a plain name or already
names another dialog, task or constant. Conversation variables are not renamed: stored
conversations keep their values by name, so a rename would silently drop what users told the bot.
"""

from __future__ import annotations

import re

import attrs

from .. import nodes as n
from ..lexer import KEYWORDS
from ..statements import RUNTIME_VARIABLES, STATEMENTS
from ..stdlib.registry import lookup
from .analysis import BotResult
from .bot_index import Place, index_of, references_of
from .node_lookup import Target
from .symbol_index import CONSTANT, DIALOG, TASK, VARIABLE, Symbol
from .text_blocks import FileLayout

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class RenameRefused(Exception):
    """Why a rename cannot be done, in words for the editor's message."""


@attrs.frozen
class Edit:
    path: str
    start: int
    end: int
    text: str


def definitions(target: Target, result: BotResult, layout: FileLayout, offset: int) -> list[Place | tuple[str, int, int]]:
    """Where the target is defined: places in scripts, or (path, 0, 0) for a data-file constant."""
    if target.kind not in (DIALOG, TASK, CONSTANT, VARIABLE):
        return []
    if target.kind == DIALOG:
        inner = _inner_definitions(target, layout, offset)
        if inner:
            return list(inner)
    places = index_of(result).defined(target.kind, target.name)
    if target.kind == DIALOG:
        top = [p for p in places if p.symbol.parent is None]
        places = top or places
    if not places and target.kind == CONSTANT and target.name in result.data_constants:
        span = result.data_constants[target.name]
        if span is not None:
            return [(span.file.name, 0, 0)]
    return list(places)


def _inner_definitions(target: Target, layout: FileLayout, offset: int) -> list[Place]:
    placed = layout.block_at(offset)
    if placed is None:
        return []
    for node in reversed(target.chain):
        if isinstance(node, n.DialogDecl):
            found = [inner for inner in node.inner if inner.name == target.name]
            if found:
                return [Place(layout.path, d.name_span.start + placed.start, d.name_span.end + placed.start,
                              Symbol(DIALOG, target.name, d.name_span, d, node.name), placed) for d in found]
    return []


def references(target: Target, result: BotResult, *, include_declaration: bool) -> list[Place]:
    if target.kind not in (DIALOG, TASK, CONSTANT, VARIABLE):
        return []
    key = (target.kind, target.name)
    found = list(references_of(result).get(key, []))
    if include_declaration:
        found.extend(index_of(result).defined(*key))
    unique: dict[tuple[str, int], Place] = {}
    for place in found:
        unique.setdefault((place.path, place.start), place)
    return sorted(unique.values(), key=lambda p: (p.path, p.start))


def check_rename(target: Target | None, result: BotResult) -> Target:
    """The target if it may be renamed, else `RenameRefused`."""
    if target is None:
        raise RenameRefused("nothing to rename here: put the cursor on a dialog, task or constant name")
    if target.kind == "builtin":
        raise RenameRefused(f"`{target.name}` is a builtin function and cannot be renamed")
    if target.kind in ("statement", "option") or target.name in KEYWORDS:
        raise RenameRefused(f"`{target.name}` is part of the language and cannot be renamed")
    if target.kind == "runtime" or (target.kind == VARIABLE and target.name in RUNTIME_VARIABLES):
        raise RenameRefused(f"`{target.name}` is a runtime variable and cannot be renamed")
    if target.kind == VARIABLE:
        raise RenameRefused(f"`{target.name}` is a conversation variable: stored conversations keep it by name, "
                            "so it is not renamed (only dialogs, tasks and constants are)")
    if target.kind not in (DIALOG, TASK, CONSTANT):
        raise RenameRefused(f"only dialogs, tasks and constants can be renamed, and `{target.name}` is a {target.kind}")
    if target.kind == CONSTANT and not index_of(result).defined(CONSTANT, target.name):
        if target.name in result.data_constants:
            raise RenameRefused(f"`@{target.name}` comes from a data file: rename the file instead")
        raise RenameRefused(f"`@{target.name}` is not defined in this bot")
    if target.kind in (DIALOG, TASK) and not index_of(result).defined(target.kind, target.name):
        raise RenameRefused(f"no {target.kind} `{target.name}` is defined in this bot")
    return target


def rename_edits(target: Target, new_name: str, result: BotResult) -> list[Edit]:
    """Every edit of a rename (`RenameRefused` when the new name cannot be used)."""
    check_rename(target, result)
    name = new_name[1:] if target.kind == CONSTANT and new_name.startswith("@") else new_name
    if not NAME.match(name):
        raise RenameRefused(f"`{new_name}` is not a valid name: use letters, digits and `_`, "
                            "not starting with a digit")
    if name in KEYWORDS or name in STATEMENTS or name in RUNTIME_VARIABLES:
        raise RenameRefused(f"`{name}` is a keyword, statement or runtime variable of the language")
    if target.kind in (DIALOG, TASK) and lookup(name) is not None:
        raise RenameRefused(f"`{name}` is a builtin function; pick another name")
    if name == target.name:
        return []
    if index_of(result).defined(target.kind, name) or (target.kind == CONSTANT and name in result.data_constants):
        raise RenameRefused(f"a {target.kind} named `{name}` exists already: renaming would merge the two")
    written = f"@{name}" if target.kind == CONSTANT else name
    return [Edit(place.path, place.start, place.end, written)
            for place in references(target, result, include_declaration=True)]
