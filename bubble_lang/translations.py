"""Translations of `_"text"` and `_(text)` (layer 2): a folder bot's `translations/<locale>.yaml`.

Input: the translation files of a folder bot (`translations/nl.yaml`, `translations/en_GB.yml`,
`.json` too), each a map from the text as the script writes it to its translation:

    "Hello #{name}, what would you like?": "Hallo #{name}, wat wil je?"

Output: per locale, each text and its translation as a template — literal parts and the indexes
of the key's `#{…}` placeholders — or B506 diagnostics at the file. A placeholder is the
expression's source text as written in the script (`#{user.first_name}`), so a translation may
move or repeat it, never name one the text lacks.

Why keys as written: authors (and a translator's sheet, as the original's CMS extracts them) see
the text of the script; a key computed from values would change with every user. Loading goes
through `data_files.py`, so every limit of SPEC §13 holds here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .data_files import load_data_file
from .diagnostics import BubbleError, Diagnostic, make_diagnostic
from .limits import Limits
from .source import SourceFile

FOLDER = "translations"
SUFFIXES = (".yaml", ".yml", ".json")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?")

Template = tuple[Any, ...]  # literal texts and placeholder indexes (ints), in order


def translation_files(root: Path) -> tuple[Path, ...]:
    """The translation files of a folder bot, by name."""
    folder = root / FOLDER
    if not folder.is_dir():
        return ()
    return tuple(sorted(path for path in folder.iterdir() if path.suffix in SUFFIXES and path.is_file()))


def locale_key(locale: str) -> str:
    """`nl`, `en_GB`, `en-gb` → `nl`, `en_gb`: the form tables are kept and looked up by."""
    return locale.replace("-", "_").lower()


def placeholders(text: str) -> list[str]:
    """The `#{…}` placeholders of a text as written, in order (braces inside them counted)."""
    found = []
    index = text.find("#{")
    while index != -1:
        depth, end = 1, index + 2
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        if depth:
            break
        found.append(text[index + 2:end - 1])
        index = text.find("#{", end)
    return found


def template(translation: str, slots: list[str]) -> Template | None:
    """The translation split into literal parts and indexes into `slots`; None when it names a
    placeholder `slots` lacks."""
    parts: list[Any] = []
    rest = translation
    for name in placeholders(translation):
        marker = "#{" + name + "}"
        before, rest = rest.split(marker, 1)
        if name not in slots:
            return None
        parts.extend(part for part in (before, slots.index(name)) if part != "")
    if rest:
        parts.append(rest)
    return tuple(parts)


def load_translations(sources: Mapping[Path, SourceFile],
                      limits: Limits) -> tuple[dict[str, dict[str, Template]], list[Diagnostic]]:
    """Every locale's table (see the module docstring), and the problems found (B506, B502)."""
    tables: dict[str, dict[str, Template]] = {}
    problems: list[Diagnostic] = []
    for path, source in sources.items():
        locale = path.stem
        if not _LOCALE.fullmatch(locale):
            problems.append(make_diagnostic("B506", f"`{path.name}` does not name a locale", source.span(0, 0),
                                            hint="name translation files after their locale: `nl.yaml`, `en_GB.yaml`"))
            continue
        try:
            value = load_data_file(source, limits)
        except BubbleError as error:
            problems.extend(error.diagnostics)
            continue
        if not isinstance(value, dict):
            problems.append(make_diagnostic("B506", f"`{path.name}` must map texts to their translations",
                                            source.span(0, 0),
                                            hint='write one `"text": "translation"` line per text'))
            continue
        table = tables.setdefault(locale_key(locale), {})
        for key, translation in value.items():
            where = _line_of(source, key)
            if not isinstance(key, str) or not isinstance(translation, str):
                problems.append(make_diagnostic("B506", f"the translation of {str(key)[:60]!r} is not a text", where,
                                                hint='write it in quotes: `"text": "translation"`'))
                continue
            split = template(translation, placeholders(key))
            if split is None:
                extra = next(name for name in placeholders(translation) if name not in placeholders(key))
                problems.append(make_diagnostic(
                    "B506", f"the translation of {key[:60]!r} uses `#{{{extra}}}`, which the text does not have", where,
                    hint="use the placeholders of the text, written as in the script: "
                         + (", ".join(f"`#{{{name}}}`" for name in placeholders(key)) or "it has none")))
                continue
            table[key] = split
    return tables, problems


def _line_of(source: SourceFile, key: Any) -> Any:
    """The span of the line where `key` is written (the start of the file when not found)."""
    text = str(key).split("\n", 1)[0]
    at = source.text.find(text) if text else -1
    if at == -1:
        return source.span(0, 0)
    start = source.text.rfind("\n", 0, at) + 1
    end = source.text.find("\n", at)
    return source.span(start, len(source.text) if end == -1 else end)


def translate(tables: Mapping[str, Mapping[str, Template]], locales: Iterable[str], key: str) -> Template | None:
    """The template of `key` in the first of `locales` that has one (`nl_be`, then `nl`)."""
    for locale in locales:
        table = tables.get(locale)
        if table is not None and key in table:
            return table[key]
    return None


def candidate_locales(locale: str) -> list[str]:
    """Where to look for a locale's translation: itself, then its language (`nl_be` → `nl`)."""
    key = locale_key(locale)
    language = key.split("_", 1)[0]
    return [key] if language == key else [key, language]
