"""Workspace symbol search: the dialogs, tasks, tests and constants of every bot the server has
checked, found by a query typed in the editor's "go to symbol in workspace" box.

Why from the checked bots: the outline of each file (`document_symbols`) is already what the
editor shows per file; searching across them needs no extra parse. Bots never opened are not read
(opening one file of a folder bot checks all its files). A query matches a name when its letters
appear in it in order, case ignored (`ordpz` finds `order_pizza`), as editors' fuzzy pickers do;
names that contain the query as a whole come first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lsprotocol import types

from .analysis import BotResult
from .document_symbols import document_symbols

LIMIT = 500


def _flatten(symbols: Iterable[types.DocumentSymbol], container: str | None
             ) -> Iterable[tuple[types.DocumentSymbol, str | None]]:
    for symbol in symbols:
        yield symbol, container
        yield from _flatten(symbol.children or (), symbol.name)


def _matches(query: str, name: str) -> bool:
    at = 0
    for char in query:
        at = name.find(char, at) + 1
        if at == 0:
            return False
    return True


def workspace_symbols(query: str, results: Iterable[BotResult],
                      uri_of: Callable[[str], str]) -> list[types.SymbolInformation]:
    """Every symbol whose name matches `query`, from the files of `results` (one per path)."""
    wanted = query.lower().replace(" ", "")
    found: list[tuple[bool, str, types.SymbolInformation]] = []
    seen: set[str] = set()
    for result in results:
        for path, layout in result.layouts.items():
            if path in seen:
                continue
            seen.add(path)
            for symbol, container in _flatten(document_symbols(layout), None):
                name = symbol.name.lower()
                if not _matches(wanted, name):
                    continue
                location = types.Location(uri=uri_of(path), range=symbol.selection_range)
                found.append((wanted not in name, symbol.name, types.SymbolInformation(
                    name=symbol.name, kind=symbol.kind, location=location, container_name=container)))
    found.sort(key=lambda entry: (entry[0], entry[1].lower()))
    return [information for _, _, information in found[:LIMIT]]
