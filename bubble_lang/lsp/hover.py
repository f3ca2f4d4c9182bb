"""Hover text: what the thing under the cursor is, from the same tables the checks use.

Why these sources: a builtin's signature, purity and examples come from the registry
(`stdlib.registry`, as `bubble explain fn:NAME` prints them), a statement's from `statements.py`,
a widget option's meaning from `decl_widgets`, so the editor never says something the checker does
not. Dialogs show every variant with its place and its guard or trigger (guards choose among
variants, so one is not enough); constants show their value as written.
"""

from __future__ import annotations

import reprlib
from pathlib import Path

from .. import nodes as n
from ..statements import STATEMENTS
from ..stdlib import WIDGET_OPTIONS
from ..stdlib.registry import lookup, purity_text, signature
from .analysis import BotResult
from .bot_index import Place, index_of
from .node_lookup import BUILTIN, OPTION, RUNTIME, STATEMENT, Target
from .symbol_index import CONSTANT, DIALOG, TASK, VARIABLE

RUNTIME_DOCS = {
    "message": "the user's last message (text, and `message.<capture>` from the trigger that matched)",
    "answer": "the answer to the last `ask`",
    "event": "the event being handled (`event.name`, `event.payload`)",
    "location": "the location the user sent",
    "attachment": "the attachment the user sent",
    "user": "the user record (`user.<field>`; `remember`/`forget` keep fields)",
    "bot": "facts about the bot",
    "conversation": "facts about the conversation",
    "schedule_id": "the id of the last scheduled `emit`",
    "dialog": "the current dialog",
    "entity": "the entity matched by the trigger",
}


def hover_text(target: Target, result: BotResult) -> str | None:
    """Markdown for a target, or None when there is nothing to say."""
    if target.kind == BUILTIN:
        return builtin_doc(target.name)
    if target.kind == STATEMENT:
        return statement_doc(target.name)
    if target.kind == RUNTIME:
        return f"runtime variable `{target.name}` (read-only): {RUNTIME_DOCS.get(target.name, 'set by the runtime')}"
    if target.kind == OPTION:
        return _option_doc(target)
    index = index_of(result)
    places = index.defined(target.kind, target.name)
    if target.kind == CONSTANT:
        return _constant_doc(target.name, places, result)
    if target.kind in (DIALOG, TASK):
        if not places:
            return f"unknown {target.kind} `{target.name}`"
        return "\n\n---\n\n".join(_definition_doc(place, result) for place in places[:10])
    if target.kind == VARIABLE:
        kind = "local variable" if target.name.startswith("_") else "conversation variable"
        if not places:
            return f"{kind} `{target.name}` (never assigned in this bot)"
        first = places[0]
        return (f"{kind} `{target.name}`: assigned in {len(places)} place{'s' if len(places) != 1 else ''}, "
                f"first at {_where(first, result)}")
    return None


def builtin_doc(name: str) -> str | None:
    builtin = lookup(name)
    if builtin is None:
        return None
    parts = [f"```\n{signature(builtin)}\n```", f"Returns {builtin.returns}; {purity_text(builtin)}.",
             builtin.summary]
    if builtin.examples:
        parts.append("```\n" + "\n".join(builtin.examples) + "\n```")
    if builtin.details:
        parts.append("```\n" + builtin.details + "\n```")
    return "\n\n".join(parts)


def statement_doc(word: str) -> str | None:
    spec = STATEMENTS.get(word)
    if spec is None:
        return None
    options = sorted(spec.options - {"*"})
    lines = [f"**{word}**: {spec.doc}", f"used in: {', '.join(sorted(spec.contexts))}"]
    if options:
        lines.append("options: " + ", ".join(f"`{o}:`" for o in options))
    return "\n\n".join(lines)


def _option_doc(target: Target) -> str | None:
    owner = next((node for node in reversed(target.chain) if isinstance(node, (n.Call, n.Command))), None)
    if isinstance(owner, n.Call) and owner.name == "input_method" and target.name in WIDGET_OPTIONS:
        return f"widget option `{target.name}:`: {WIDGET_OPTIONS[target.name]}"
    if isinstance(owner, n.Command):
        return statement_doc(owner.word)
    if isinstance(owner, n.Call):
        return builtin_doc(owner.name)
    return None


def _where(place: Place, result: BotResult) -> str:
    layout = result.layouts.get(place.path)
    line = layout.index.line_of(place.start) + 1 if layout is not None else 0
    return f"{Path(place.path).name}:{line}"


def _definition_doc(place: Place, result: BotResult) -> str:
    decl = place.symbol.node
    header = decl.span.text.split("\n", 1)[0].strip() if decl is not None and decl.span is not None else place.symbol.name
    lines = [f"```bubble\n{header}\n```", f"defined at {_where(place, result)}"]
    if isinstance(decl, (n.DialogDecl, n.TaskDecl)):
        if decl.guard is not None and decl.guard.span is not None:
            lines.append(f"guard: `{decl.guard.span.text}`")
        for option in decl.options:
            if option.value.span is not None:
                lines.append(f"{option.key}: `{option.value.span.text}`")
    if place.symbol.parent:
        lines.append(f"inner dialog of `{place.symbol.parent}`")
    return "\n\n".join(lines)


def _constant_doc(name: str, places: list[Place], result: BotResult) -> str:
    if places:
        decl = places[0].symbol.node
        value = decl.value.span.text if isinstance(decl, n.ConstDecl) and decl.value.span is not None else "…"
        return f"```bubble\n@{name} {value}\n```\n\ndefined at {_where(places[0], result)}"
    if name in result.data_constants:
        span = result.data_constants[name]
        where = Path(span.file.name).name if span is not None else f"{name}.*"
        shown = reprlib.Repr()
        shown.maxstring, shown.maxother, shown.maxlist, shown.maxdict = 60, 60, 6, 6
        value = shown.repr(result.data.get(name))
        return f"`@{name}`: from the data file `{where}`\n\n```\n{value}\n```"
    return f"unknown constant `@{name}`"
