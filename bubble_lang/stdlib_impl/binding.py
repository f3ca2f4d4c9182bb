"""Binding implementations to registry entries (layer 6).

Input: Python functions written with natural parameters, `def join(ctx, items, separator=None)`,
decorated with `@builtin("join")`. Output: `Implementation`, the uniform callable
`(ctx, args, kwargs) -> value` the VM calls, and `REGISTERED`, filled once while the category
modules are imported. The declaration in `stdlib.BUILTINS` is the contract: the wrapper checks
every call against it (the compiler already did, but a call can also come from elsewhere) before
any argument reaches Python, so a wrong number of arguments or an unknown option is a
`ScriptError`, never a `TypeError`; and a test compares each function's parameters with its
declaration, so the two cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import attrs

from ..runtime.script_errors import ScriptError
from ..stdlib import BUILTINS, Builtin, check_arguments
from .args import BAD_ARGUMENT
from .context import Context

Function = Callable[..., Any]

#: Every implementation, by registry name; filled while the category modules are imported and
#: never changed afterwards (`stdlib_impl.IMPLEMENTATIONS` is the public copy).
REGISTERED: dict[str, Implementation] = {}


@attrs.frozen
class Arity:
    """What a Python implementation accepts, read from its signature: positional arguments
    from `low` to `high` (None: any number), keyword-only options `keywords`, and whether it
    takes any option (`**options`)."""

    low: int
    high: int | None
    keywords: frozenset[str]
    any_keyword: bool
    positional_names: frozenset[str]


def read_arity(function: Function) -> Arity:
    """The arguments `function(ctx, …)` accepts, from its signature."""
    low, high = 0, 0
    keywords: set[str] = set()
    positional: set[str] = set()
    any_keyword = False
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            positional.add(parameter.name)
            if parameter.name == "ctx":
                continue
            if high is not None:
                high += 1
            if parameter.default is parameter.empty:
                low += 1
        elif parameter.kind is parameter.VAR_POSITIONAL:
            positional.add(parameter.name)
            high = None
        elif parameter.kind is parameter.KEYWORD_ONLY:
            keywords.add(parameter.name)
        elif parameter.kind is parameter.VAR_KEYWORD:
            any_keyword = True
    return Arity(low, high, frozenset(keywords), any_keyword, frozenset(positional))


@attrs.frozen
class Implementation:
    """One builtin as the VM calls it: `implementation(ctx, args, kwargs)`.

    `declaration` is the registry entry of the same name (None only for a name the registry
    lacks, which the binding test reports); `function` is the Python function it wraps.
    """

    name: str
    function: Function
    declaration: Builtin | None
    arity: Arity

    def __call__(self, ctx: Context, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Check the call against the declaration, then run the function."""
        if self.declaration is None:
            raise ScriptError(f"unknown function `{self.name}`", "check the spelling", code=BAD_ARGUMENT)
        problem = check_arguments(self.declaration, len(args), tuple(kwargs))
        if problem is not None:
            raise ScriptError(problem.message, problem.hint, code=BAD_ARGUMENT)
        if self.arity.any_keyword and not self.arity.positional_names.isdisjoint(kwargs):
            clash = sorted(self.arity.positional_names.intersection(kwargs))[0]
            raise ScriptError(f"`{self.name}` has no option `{clash}:`", "remove the option", code=BAD_ARGUMENT)
        return self.function(ctx, *args, **kwargs)


def builtin(name: str) -> Callable[[Function], Function]:
    """Register `function` as the implementation of the registry entry `name`.

    The function's first parameter is the `Context`; then the declared positional parameters
    (optional ones with a default of None, a variadic one as `*more`); declared options are
    keyword-only parameters, or `**options` for builtins whose options are checked by the
    function itself (widget kinds).
    """

    def register(function: Function) -> Function:
        if name in REGISTERED:
            raise RuntimeError(f"builtin `{name}` implemented twice")
        REGISTERED[name] = Implementation(name, function, BUILTINS.get(name), read_arity(function))
        return function

    return register
