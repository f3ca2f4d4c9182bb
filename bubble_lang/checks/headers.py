"""Dialog and task header checks (layer 4, called by the resolver).

Input: one dialog or task declaration and the resolver. Output: diagnostics for header values
that can never work (B208 bad trigger, B209 interpolated trigger, B210 radius without location,
B213 value of the wrong kind, B101 unknown `before:` target) and the parsed trigger patterns.
The builder has already refused unknown and repeated header options; this module judges values.
The media kinds live here, so `ask …, expecting: :kind` is judged here too (B217).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from .. import nodes as n
from ..patterns import LegacyPattern, Pattern
from ..source import Span
from .reserved import BEFORE_SPECIALS
from .suggest import did_you_mean, nearest

if TYPE_CHECKING:
    from ..program import DialogInfo, Program, Usage


class Resolver(Protocol):
    """What the header checks need of `checks/resolution.Resolver` (which calls them): reporting,
    resolving an expression, parsing a pattern, and the program and its usage tables."""

    program: Program
    usage: Usage

    def report(self, code: str, message: str, span: Span | None, **kwargs: Any) -> None: ...

    def expr(self, expr: n.Expr, purity: str | None = None) -> None: ...

    def pattern(self, string: n.Str, *, trigger: bool = False) -> Pattern | LegacyPattern | None: ...

ATTACHMENT_KINDS = ("image", "video", "audio", "file", "voice")
"""What `dialog attachment: :kind` may name (SPEC §6)."""
MEDIA_EXPECTATIONS = (*ATTACHMENT_KINDS, "location")
"""What `ask …, expecting: :kind` may wait for instead of text (docs/language.md)."""

_TRIGGER_HINT = 'write the words to match in quotes, like `trigger: "hello | hi"`'


def check_dialog_header(resolver: Resolver, info: DialogInfo, chain: tuple[DialogInfo, ...]) -> None:
    """Judge every header option of a dialog and parse its trigger."""
    decl = info.decl
    for option in decl.options:
        value = option.value
        if option.key == "trigger":
            check_trigger(resolver, value)
        elif option.key == "label":
            if info.parent is None:
                resolver.report("B213", "`label:` is only for inner dialogs", option.key_span,
                                label="a top-level dialog",
                                hint="define this dialog inside the dialog whose menu it belongs to, "
                                     "or use `trigger:`")
            if not isinstance(value, (n.Str, n.Const)):
                resolver.report("B213", "a label is a string", value.span, hint='write `label: "Order"`')
            resolver.expr(value)
        elif option.key == "event":
            check_event_name(resolver, value)
        elif option.key == "attachment":
            check_attachment(resolver, value)
        elif option.key == "location":
            check_location(resolver, value)
        elif option.key == "radius":
            if decl.option("location") is None:
                resolver.report("B210", "`radius:` without `location:`", option.key_span,
                                label="a radius around nothing",
                                hint="add `location: [lat: …, lon: …]`, or remove `radius:`")
            resolver.expr(value)
        else:
            resolver.expr(value)


def check_trigger(resolver: Resolver, value: n.Expr) -> None:
    """A trigger is a literal string (BML or legacy), `intent(…)`, `entity(…)` or a constant."""
    if isinstance(value, n.Str):
        if value.literal is None:
            interpolation = next(part for part in value.parts if not isinstance(part, n.TextPart))
            resolver.report("B209", "a trigger cannot contain interpolation", _interpolation_span(value, interpolation),
                            label="known only at run time",
                            hint="write the words out, or test `match(pattern, message)` inside a dialog")
            resolver.expr(value)
            return
        pattern = resolver.pattern(value, trigger=True)
        if isinstance(pattern, LegacyPattern):
            for name in (*pattern.capture_names, *pattern.rest_names):
                resolver.usage.add(resolver.usage.writes, name, value.span)
    elif isinstance(value, n.Call) and value.name in ("intent", "entity"):
        resolver.expr(value)
    elif isinstance(value, n.Const):
        resolver.expr(value)
    elif isinstance(value, n.Name):
        resolver.report("B208", f"`{value.name}` is not a trigger", value.span, label="not in quotes",
                        hint=f'put the words in quotes: `trigger: "{value.name}"`')
    elif isinstance(value, n.ListExpr):
        resolver.report("B208", "a trigger is one pattern, not a list", value.span,
                        hint='write the alternatives in one pattern, like `trigger: "yes | yep"`')
        resolver.expr(value)
    else:
        resolver.report("B208", "a trigger is a string, an `intent(…)`, an `entity(…)` or a constant",
                        value.span, label="cannot be matched", hint=_TRIGGER_HINT)
        resolver.expr(value)


def check_event_name(resolver: Resolver, value: n.Expr) -> None:
    if isinstance(value, n.Str) and value.literal is None:
        resolver.report("B213", "an event name cannot contain interpolation", value.span,
                        hint='write the name out, like `event: "status_update"`')
    elif not isinstance(value, (n.Str, n.Const)):
        shown = value.name if isinstance(value, (n.Name, n.Atom)) else "name"
        resolver.report("B213", "an event name is a string", value.span, label="not a string",
                        hint=f'write `event: "{shown}"`')
        return
    resolver.expr(value)


# A map in `expecting:` is one choice, named by one of these; said alike at lint and at run time.
CHOICE_KEYS = frozenset({"title", "label", "value"})
UNTITLED_CHOICE = "a map in `expecting:` is one choice and needs a `title:`"
UNTITLED_CHOICE_HINT = 'give a list of texts (`["Apple", "Banana"]`), or of maps like `%{title: "Apple", value: "a"}`'


def _map_keys(item: n.Expr, resolver: Resolver) -> set[str] | None:
    """The keys of a map literal (or of a constant defined as one), else None."""
    if isinstance(item, n.Const):
        decl = resolver.program.constants.get(item.name)
        item = decl.value if decl is not None else item
    if not isinstance(item, n.MapExpr):
        return None
    return {entry.key.name if isinstance(entry.key, n.Atom) else entry.key.literal or ""
            for entry in item.entries if isinstance(entry.key, (n.Atom, n.Str))}


def check_media_expectation(resolver: Resolver, value: n.Expr) -> None:
    """Atoms in an `ask`'s `expecting:` (alone or in a list literal) must name a media kind, and
    a map is one choice that needs a `title:` (or `label:`/`value:`): without one it showed an
    empty button nothing could answer."""
    for item in value.items if isinstance(value, n.ListExpr) else (value,):
        keys = _map_keys(item, resolver)
        if keys is not None and not keys & CHOICE_KEYS:
            resolver.report("B217", UNTITLED_CHOICE, item.span, label="no `title:`, `label:` or `value:`",
                            hint=UNTITLED_CHOICE_HINT)
        if isinstance(item, n.Atom) and item.name not in MEDIA_EXPECTATIONS:
            guess = nearest(item.name, MEDIA_EXPECTATIONS)
            kinds = ", ".join(f"`:{kind}`" for kind in MEDIA_EXPECTATIONS)
            resolver.report("B217", f"`expecting:` cannot wait for `:{item.name}`", item.span,
                            label="not a kind of media",
                            hint=f"did you mean `:{guess}`?" if guess else
                            f"wait for one of {kinds}, or give the choices as texts (`\"{item.name}\"`)")


def check_attachment(resolver: Resolver, value: n.Expr) -> None:
    kinds = ", ".join(f"`:{kind}`" for kind in ATTACHMENT_KINDS)
    if isinstance(value, n.Atom):
        if value.name not in ATTACHMENT_KINDS:
            guess = nearest(value.name, ATTACHMENT_KINDS)
            resolver.report("B213", f"unknown attachment kind `:{value.name}`", value.span,
                            label="not an attachment kind",
                            hint=f"did you mean `:{guess}`?" if guess else f"use one of {kinds}")
    elif isinstance(value, n.Const):
        resolver.expr(value)
    else:
        resolver.report("B213", "`attachment:` takes an attachment kind", value.span,
                        label="not an atom", hint=f"use one of {kinds}")
        resolver.expr(value)


def check_location(resolver: Resolver, value: n.Expr) -> None:
    if isinstance(value, n.KeywordList):
        keys = {item.key for item in value.items}
        if keys != {"lat", "lon"}:
            resolver.report("B213", "a location is `[lat: …, lon: …]`", value.span,
                            label="needs exactly `lat:` and `lon:`",
                            hint="write `location: [lat: 52.36, lon: 4.89]`")
    elif not isinstance(value, (n.Const, n.MapExpr)):
        resolver.report("B213", "`location:` takes a `[lat: …, lon: …]` list", value.span,
                        hint="write `location: [lat: 52.36, lon: 4.89]`")
    resolver.expr(value)


def check_task_header(resolver: Resolver, decl: n.TaskDecl) -> None:
    """`before:` names a dialog or a moment; `event:` is a string."""
    for option in decl.options:
        value = option.value
        if option.key == "before":
            if isinstance(value, n.Name):
                check_before_target(resolver, value, BEFORE_SPECIALS)
            else:
                shown = value.literal if isinstance(value, n.Str) and value.literal else "dialog_name"
                resolver.report("B213", "`before:` takes a dialog name", value.span,
                                label="not a name", hint=f"write the name without quotes: `before: {shown}`")
                resolver.expr(value)
        elif option.key == "event":
            check_event_name(resolver, value)
        else:
            resolver.expr(value)


def check_before_target(resolver: Resolver, target: n.Name, specials: tuple[str, ...]) -> None:
    program = resolver.program
    resolver.usage.add(resolver.usage.dialogs, target.name, target.span)
    if target.name in specials or target.name in program.every_dialog_name():
        return
    known: dict[str, object] = {name: None for name in specials}
    for name, span in program.every_dialog_name().items():
        known.setdefault(name, span)
    hint, labels = did_you_mean(target.name, known,  # type: ignore[arg-type]
                                fallback="name a dialog, `__user_message__` or `__resolve__`")
    resolver.report("B101", f"unknown dialog `{target.name}`", target.span, label="no dialog has this name",
                    hint=hint, labels=labels)


def _interpolation_span(string: n.Str, expr: n.Expr) -> Span:
    """From the `#{` opener to the closing `}` of an interpolated expression."""
    text = string.span.file.text
    opener = text.rfind("#{", string.span.start, expr.span.start)
    closer = text.find("}", expr.span.end, string.span.end)
    start = opener if opener >= 0 else expr.span.start
    end = closer + 1 if closer >= 0 else expr.span.end
    return Span(string.span.file, start, end)
