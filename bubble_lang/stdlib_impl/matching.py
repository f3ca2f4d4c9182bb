"""Matching builtins (layer 6): `intent`, `entity`, `match`.

Input: BML pattern texts and a text to match. Output: `intent` and `entity_matcher` records
(data the VM's `expecting:` and triggers read; the patterns are matched there, not here) and, for
`match`, the captures the conversation's BML matcher (`ctx.match_text`) finds. Nothing here
interprets BML: one matcher, in `runtime.matching`, gives every form of matching one meaning.
"""

from __future__ import annotations

from typing import Any

from ..runtime.values import Record
from .args import bad_argument, is_text, text_arg, type_error
from .binding import builtin
from .context import Context
from .guards import check_items, check_text


def patterns_arg(function: str, value: Any, ctx: Context) -> list[str]:
    """`match:` as a list of pattern texts: one text, or a non-empty list of texts."""
    if is_text(value):
        return [check_text(str(value), ctx.limits)]
    if isinstance(value, list):
        if not value:
            bad_argument(f"`{function}` needs at least one pattern in `match:`",
                         'give a pattern, like `match: "yes | yep"`')
        check_items(len(value), ctx.limits)
        return [check_text(text_arg(function, item, "match"), ctx.limits) for item in value]
    type_error(function, "a text or a list of texts", value, "match",
               hint='give a BML pattern, like `match: "yes | yep"`')


@builtin("intent")
def intent(ctx: Context, *, match: Any, label: Any = None) -> Record:
    """An intent: its patterns and the quick-reply label."""
    patterns = patterns_arg("intent", match, ctx)
    shown = None if label is None else text_arg("intent", label, "label")
    return Record("intent", {"match": patterns, "label": shown})


@builtin("entity")
def entity(ctx: Context, *, match: Any) -> Record:
    """An entity matcher for `expecting:`; its patterns, as a list like an intent's."""
    return Record("entity_matcher", {"match": patterns_arg("entity", match, ctx)})


@builtin("match")
def match(ctx: Context, pattern: Any, text: Any) -> dict[str, Any] | None:
    """The captures of a BML pattern in a text, or nil; nil text matches nothing. Only the
    first `match_text_chars` characters are matched, as for messages."""
    source = text_arg("match", pattern)
    if text is None:
        return None
    subject = text_arg("match", text, "text")[: ctx.limits.match_text_chars]
    found = ctx.match_text(source, subject)
    if found is not None and not isinstance(found, dict):  # pragma: no cover - a VM wiring bug
        raise TypeError("match_text must give a dict or None")
    return found
