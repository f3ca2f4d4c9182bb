"""Text builtins (layer 6): `length`, case, `trim`, `split`, `join`, `join_and`, `replace`,
`contains`, `starts_with`, `ends_with`, `string`.

Input: argument values. Output: texts, lists, booleans. A message, answer or capture reads as
the text it covers. Every result that can grow (`join`, `replace`, `upcase` of "ß") is measured
against the string limit before it is built where the size is known in advance.
"""

from __future__ import annotations

import re
from typing import Any

from ..runtime.script_errors import ScriptError
from ..runtime.values import Atom
from .args import TYPE_ERROR, describe, is_text, list_arg, optional_text, text_arg, type_error
from .binding import builtin
from .compare import identity_key
from .context import Context
from .guards import check_items, check_text, check_text_size, text_bytes
from .literal import render_text


@builtin("length")
def length(ctx: Context, value: Any) -> int:
    """Characters of a text, items of a list, entries of a map; nil counts as empty."""
    if value is None:
        return 0
    if is_text(value):
        return len(str(value))
    if isinstance(value, (list, dict)):
        return len(value)
    raise ScriptError(
        f"`length` needs a text, a list or a map, got {describe(value)}",
        "convert it with `string(…)` to count its characters",
        code=TYPE_ERROR,
    )


@builtin("upcase")
def upcase(ctx: Context, text: Any) -> str:
    """Upper case; "ß" becomes "SS", so the result is measured again."""
    return check_text(text_arg("upcase", text).upper(), ctx.limits)


@builtin("downcase")
def downcase(ctx: Context, text: Any) -> str:
    """Lower case."""
    return check_text(text_arg("downcase", text).lower(), ctx.limits)


@builtin("capitalize")
def capitalize(ctx: Context, text: Any) -> str:
    """First character upper case, the rest lower case."""
    return check_text(text_arg("capitalize", text).capitalize(), ctx.limits)


@builtin("trim")
def trim(ctx: Context, text: Any) -> str:
    """Without whitespace at both ends."""
    return text_arg("trim", text).strip()


@builtin("split")
def split(ctx: Context, text: Any, separator: Any = None) -> list[str]:
    """Pieces between separators; no separator cuts at whitespace runs, an empty one gives the
    characters. The number of pieces is counted before the list is built."""
    source = text_arg("split", text)
    if separator is None:
        # Each piece needs a character and a gap, so half the length bounds the count.
        if len(source) // 2 + 1 > ctx.limits.collection_items:
            check_items(sum(1 for _ in re.finditer(r"\S+", source)), ctx.limits)
        return source.split()
    cut = text_arg("split", separator, "separator")
    if cut == "":
        check_items(len(source), ctx.limits)
        return list(source)
    check_items(source.count(cut) + 1, ctx.limits)
    return source.split(cut)


@builtin("join")
def join(ctx: Context, items: Any, separator: Any = None) -> str:
    """The items as `string` writes them, with the separator between; the size is added up
    from the pieces before the text is glued together."""
    values = list_arg("join", items)
    glue = optional_text("join", separator, "separator", "")
    pieces = [render_text(item, ctx.limits) for item in values]
    return _glue(ctx, pieces, [glue] * max(len(pieces) - 1, 0))


def _glue(ctx: Context, pieces: list[str], gaps: list[str]) -> str:
    """`pieces` with `gaps[i]` after piece i, refused before building when too large."""
    size = sum(_size(piece) for piece in pieces) + sum(_size(gap) for gap in gaps)
    check_text_size(size, ctx.limits)
    out: list[str] = []
    for position, piece in enumerate(pieces):
        out.append(piece)
        if position < len(gaps):
            out.append(gaps[position])
    return "".join(out)


def _size(text: str) -> int:
    return len(text) if text.isascii() else text_bytes(text)


@builtin("join_and")
def join_and(ctx: Context, items: Any, word: Any = None) -> str:
    """Items as a person reads them, "a, b and c" (a map by its title), the last two joined
    by `word`."""
    values = list_arg("join_and", items)
    last_word = optional_text("join_and", word, "word", "and")
    pieces = [_readable(item, ctx) for item in values]
    if len(pieces) < 2:
        return pieces[0] if pieces else ""
    gaps = [", "] * (len(pieces) - 2) + [f" {last_word} "]
    return _glue(ctx, pieces, gaps)


def _readable(item: Any, ctx: Context) -> str:
    """An item of `join_and`: a map by its title, anything else as `string` writes it (a text
    as itself, a record by its label)."""
    if isinstance(item, dict) and "title" in item:
        item = item["title"]
    return render_text(item, ctx.limits)


@builtin("replace")
def replace(ctx: Context, text: Any, pattern: Any, replacement: Any) -> str:
    """Every occurrence of a plain text replaced; an empty pattern matches between every two
    characters (and at both ends). The result size is computed before it is built."""
    source = text_arg("replace", text)
    old = text_arg("replace", pattern, "pattern")
    new = text_arg("replace", replacement, "replacement")
    occurrences = len(source) + 1 if old == "" else source.count(old)
    if occurrences:
        size = _size(source) + occurrences * (_size(new) - _size(old))
        check_text_size(size, ctx.limits)
    return source.replace(old, new)


@builtin("contains")
def contains(ctx: Context, value: Any, part: Any) -> bool:
    """Text in text (case-sensitive), item in list, key in map; nothing is in nil."""
    if value is None:
        return False
    if is_text(value):
        return text_arg("contains", part, "part") in str(value)
    if isinstance(value, list):
        wanted = identity_key(part, ctx.limits)
        return any(identity_key(item, ctx.limits) == wanted for item in value)
    if isinstance(value, dict):
        if isinstance(part, Atom):
            return part.name in value
        if is_text(part):
            return str(part) in value
        return False
    type_error("contains", "a text, a list or a map", value,
               hint="check the value; `contains` looks inside texts, lists and maps")


@builtin("starts_with")
def starts_with(ctx: Context, text: Any, prefix: Any) -> bool:
    """Whether the text begins with the prefix."""
    return text_arg("starts_with", text).startswith(text_arg("starts_with", prefix, "prefix"))


@builtin("ends_with")
def ends_with(ctx: Context, text: Any, suffix: Any) -> bool:
    """Whether the text ends with the suffix."""
    return text_arg("ends_with", text).endswith(text_arg("ends_with", suffix, "suffix"))


@builtin("string")
def string(ctx: Context, value: Any) -> str:
    """Any value as text (see `literal.render_text`)."""
    return render_text(value, ctx.limits)
