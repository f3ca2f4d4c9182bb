"""The builtin function registry (layer 4).

Input: the declarations of the `decl_*` modules. Output: `BUILTINS`, the only functions a
script can call (SPEC §3, §10), and the questions the resolver, the lint rules and `bubble
explain fn:NAME` ask of it: does this name exist, does this call fit it, how is it written.
It never implements a builtin and never imports the runtime; implementations bind to these
entries by name in layer 6.
"""

from __future__ import annotations

import textwrap
from typing import Literal

import attrs

from . import (
    decl_content,
    decl_dates,
    decl_events,
    decl_i18n,
    decl_lists,
    decl_maps,
    decl_matching,
    decl_numbers,
    decl_text,
    decl_widgets,
)
from .model import ANY_KEYWORD, CATEGORIES, Builtin, ParamKind
from ..spelling import nearest_name

_MODULES = (
    decl_text,
    decl_lists,
    decl_maps,
    decl_numbers,
    decl_dates,
    decl_matching,
    decl_widgets,
    decl_content,
    decl_events,
    decl_i18n,
)

#: Keywords above this many are shown as `option: value...` in a signature.
_MAX_LISTED_KEYWORDS = 6


def _collect() -> dict[str, Builtin]:
    """Every declaration, by name; a name declared twice is a bug in bubble."""
    table: dict[str, Builtin] = {}
    for module in _MODULES:
        for builtin in module.DECLARATIONS:
            if builtin.name in table:
                raise RuntimeError(f"builtin `{builtin.name}` declared twice")
            table[builtin.name] = builtin
    return table


BUILTINS: dict[str, Builtin] = _collect()


@attrs.frozen(kw_only=True)
class CallProblem:
    """Why a call does not fit its builtin, worded for a diagnostic.

    `kind` is "unknown" (no such function or widget kind), "arity" (wrong number of
    positional arguments) or "keyword" (an option that does not exist, is repeated or is
    missing). `message` is one lowercase clause, `hint` starts with a verb or "did you mean",
    and `suggestion` is the nearest valid name when there is one (for editor fix-its).
    """

    kind: Literal["unknown", "arity", "keyword"]
    message: str
    hint: str
    suggestion: str | None = None


class UnknownBuiltinError(LookupError):
    """Raised by `explain_builtin` for a name that is not a builtin; carries the problem."""

    def __init__(self, problem: CallProblem):
        super().__init__(problem.message)
        self.problem = problem


def lookup(name: str) -> Builtin | None:
    """The declaration of a builtin, or None when no builtin has this name."""
    return BUILTINS.get(name)


def builtins_by_category() -> dict[str, tuple[Builtin, ...]]:
    """The builtins grouped by category, categories in `CATEGORIES` order, names in declaration
    order."""
    return {
        category: tuple(b for b in BUILTINS.values() if b.category == category)
        for category in CATEGORIES
    }


def signature(builtin: Builtin) -> str:
    """How a call is written: `join(list, separator?)`, `max(values, more...)`,
    `intent(match:, label?:)`; options with `:`, optional ones with `?`."""
    return f"{builtin.name}({', '.join(signature_parts(builtin))})"


def signature_parts(builtin: Builtin) -> list[str]:
    """The parameters of `signature`, each as written there (editors highlight one of them)."""
    parts: list[str] = []
    for param in builtin.params:
        if param.kind is ParamKind.OPTIONAL:
            parts.append(param.name + "?")
        elif param.kind is ParamKind.VARIADIC:
            parts.append(param.name + "...")
        else:
            parts.append(param.name)
    parts.extend(k + ":" for k in builtin.required_keywords)
    optional = [k for k in builtin.keywords if k not in builtin.required_keywords]
    if builtin.any_keyword:
        parts.append("key: value...")
    elif len(optional) > _MAX_LISTED_KEYWORDS:
        parts.append("option: value...")
    else:
        parts.extend(k + "?:" for k in optional)
    return parts


def _count(n: int) -> str:
    return f"{n} argument" if n == 1 else f"{n} arguments"


def _arity_text(builtin: Builtin) -> str:
    """`takes 1 or 2 arguments`, `takes at least 1 argument`, `takes at most 1 argument`,
    `takes no positional arguments`."""
    low, high = builtin.min_args, builtin.max_args
    if high is None:
        return f"takes at least {_count(low)}"
    if high == 0:
        return "takes no positional arguments" if builtin.keywords else "takes no arguments"
    if low == high:
        return f"takes {_count(low)}"
    if low == 0:
        return f"takes at most {_count(high)}"
    if high == low + 1:
        return f"takes {low} or {high} arguments"
    return f"takes {low} to {high} arguments"


def _unknown_function(name: str) -> CallProblem:
    suggestion = nearest_name(name, BUILTINS)
    hint = (
        f"did you mean `{suggestion}`?"
        if suggestion
        else "check the spelling; `docs/builtins.md` lists every builtin function"
    )
    return CallProblem(kind="unknown", message=f"unknown function `{name}`", hint=hint, suggestion=suggestion)


# Options of the original platform that need its hosted services: why not, and what to write.
_ORIGINAL_ONLY_OPTIONS = {
    ("intent", "dialogflow"): ("intents from Dialogflow need the original platform's hosted NLU",
                               'match the intent with BML here, like `intent(match: "hi|hello|hey")`'),
}


def _unknown_option(owner: str, option: str, known: tuple[str, ...]) -> CallProblem:
    """An option `owner` does not take; `owner` is already worded (`` `intent` ``)."""
    suggestion = nearest_name(option, known)
    original = _ORIGINAL_ONLY_OPTIONS.get((owner.strip("`"), option))
    if original:
        return CallProblem(kind="keyword", message=f"{owner} has no option `{option}:` ({original[0]})",
                           hint=original[1], suggestion=None)
    if suggestion:
        hint = f"did you mean `{suggestion}:`?"
    elif known:
        hint = "use one of " + ", ".join(f"`{k}:`" for k in known)
    else:
        hint = f"remove `{option}:`; {owner} takes no options"
    return CallProblem(
        kind="keyword",
        message=f"{owner} has no option `{option}:`",
        hint=hint,
        suggestion=suggestion,
    )


def _check_keywords(
    owner: str, keywords: tuple[str, ...], known: tuple[str, ...], any_keyword: bool, usage: str
) -> CallProblem | None:
    """Repeated options, then options `owner` does not take."""
    seen: set[str] = set()
    for keyword in keywords:
        if keyword in seen:
            return CallProblem(
                kind="keyword",
                message=f"{owner} got the option `{keyword}:` twice",
                hint=f"remove one of them; call it as `{usage}`",
            )
        seen.add(keyword)
        if not any_keyword and keyword not in known:
            return _unknown_option(owner, keyword, known)
    return None


def check_call(name: str, positional: int, keywords: tuple[str, ...]) -> CallProblem | None:
    """Whether a call `name(<positional> arguments, <keywords>: …)` fits a builtin.

    Checks, in order: the function exists, the number of positional arguments, repeated
    options, unknown options, missing required options. Gives the first problem, or None.
    """
    builtin = BUILTINS.get(name)
    if builtin is None:
        return _unknown_function(name)
    return check_arguments(builtin, positional, keywords)


def check_arguments(builtin: Builtin, positional: int, keywords: tuple[str, ...]) -> CallProblem | None:
    """Whether `positional` arguments and the options `keywords` fit a known declaration."""
    name = builtin.name
    usage = signature(builtin)
    high = builtin.max_args
    if positional < builtin.min_args or (high is not None and positional > high):
        return CallProblem(
            kind="arity",
            message=f"`{name}` {_arity_text(builtin)}, got {positional}",
            hint=f"call it as `{usage}`",
        )
    known = tuple(k for k in builtin.keywords if k != ANY_KEYWORD)
    problem = _check_keywords(f"`{name}`", keywords, known, builtin.any_keyword, usage)
    if problem:
        return problem
    for required in builtin.required_keywords:
        if required not in keywords:
            return CallProblem(
                kind="keyword",
                message=f"`{name}` needs the option `{required}:`",
                hint=f"call it as `{usage}`",
            )
    return None


def check_widget_options(kind: str, options: tuple[str, ...], *, complete: bool = True) -> CallProblem | None:
    """Whether `input_method(kind, <options>: …)` fits that widget kind (SPEC §8).

    `complete` says the keywords are all the options (no map argument), so a missing required
    option (`items:` of a choice) can be reported too.
    """
    widget = decl_widgets.WIDGET_KINDS.get(kind)
    if widget is None:
        suggestion = nearest_name(kind, decl_widgets.WIDGET_KINDS)
        hint = (
            f'did you mean `"{suggestion}"`?'
            if suggestion
            else "use one of " + ", ".join(f'`"{k}"`' for k in decl_widgets.WIDGET_KINDS)
        )
        return CallProblem(
            kind="unknown", message=f'unknown widget kind `"{kind}"`', hint=hint, suggestion=suggestion
        )
    owner = f'widget `"{kind}"`'
    problem = _check_keywords(owner, options, widget.options, False, f'input_method("{kind}", …)')
    if problem or not complete:
        return problem
    for required in widget.required_options:
        if required not in options:
            return CallProblem(
                kind="keyword",
                message=f"{owner} needs the option `{required}:`",
                hint=f"add `{required}:` ({decl_widgets.WIDGET_OPTIONS[required]})",
            )
    return None


def purity_text(builtin: Builtin) -> str:
    """Where a builtin may be used, in words: guards and constant definitions."""
    if builtin.pure:
        return "pure (allowed in guards and constant definitions)"
    if builtin.effectful:
        return "effectful: random or with a side effect (not allowed in guards or constant definitions)"
    return "reads the conversation's clock or language (allowed in guards, not in constant definitions)"


def explain_builtin(name: str) -> str:
    """The text `bubble explain fn:NAME` prints: signature, category, result, purity, the doc
    paragraph, the examples and any reference section. Raises `UnknownBuiltinError`."""
    builtin = BUILTINS.get(name)
    if builtin is None:
        raise UnknownBuiltinError(_unknown_function(name))
    lines = [
        signature(builtin),
        "",
        f"  category: {builtin.category}",
        f"  returns:  {builtin.returns}",
        f"  purity:   {purity_text(builtin)}",
        "",
        textwrap.fill(builtin.summary, width=88),
        "",
        "examples:",
        *("  " + example for example in builtin.examples),
    ]
    if builtin.details:
        lines += ["", builtin.details]
    return "\n".join(lines) + "\n"
