"""Lint: translated texts a locale lacks (B310).

Input: a bot's scripts and its translation tables (`translations.py`; a folder bot's
`translations/<locale>.yaml`). Output: a warning at each `_"…"` whose text some locale file has
no translation for, naming those locales — the text is then shown as written to their users.
Silent for a bot without translation files. `translated_text` is also how the compiler names
the text (`compiler.py`), so the two can never disagree on a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .. import nodes as n
from ..diagnostics import Diagnostic, make_diagnostic
from .walk import iter_nodes


def translated_text(expr: n.Str) -> tuple[str, tuple[Any, ...], list[n.Expr]]:
    """(the text as written: the key of the translation files, its parts — literal texts and
    placeholder indexes —, the placeholders' expressions). A placeholder is its expression's
    source text (`#{user.name}`), whatever spaces stood inside the braces."""
    key, parts, values = "", [], []
    for part in expr.parts if expr.literal is None else (n.TextPart(value=expr.literal, span=expr.span),):
        if isinstance(part, n.TextPart):
            key += part.value
            parts.append(part.value)
        else:
            key += "#{" + (part.span.text if part.span is not None else "") + "}"
            parts.append(len(values))
            values.append(part)
    return key, tuple(parts), values


def translation_gaps(scripts: Iterable[n.Node], tables: Mapping[str, Mapping[str, Any]]) -> Iterator[Diagnostic]:
    if not tables:
        return
    seen: set[str] = set()
    for script in scripts:
        for node in iter_nodes(script):
            if not (isinstance(node, n.Str) and node.translated):
                continue
            key = translated_text(node)[0]
            if key in seen:
                continue
            seen.add(key)
            lacking = sorted(locale for locale, table in tables.items() if key not in table)
            if lacking:
                files = ", ".join(f"translations/{locale}.yaml" for locale in lacking)
                yield make_diagnostic(
                    "B310", f"this text has no translation in {files}", node.span,
                    label="shown as written in " + ", ".join(lacking),
                    hint=f"add `{_quoted(key)}: \"…\"` to {files}")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
