"""Builtin functions: the declarations (layer 4) that scripts may call.

The public API is the registry: `BUILTINS`, `lookup`, `check_call`, `check_arguments`,
`check_widget_options`, `signature`, `explain_builtin`, and the records `Builtin`, `Param`,
`ParamKind`, `CallProblem`; `docs.render_builtins_markdown` writes `docs/builtins.md`.
Implementations (layer 6) live in sibling modules and bind to these entries by name; this
package's `__init__` imports only the declarations, so the resolver can use them cheaply.
"""

from __future__ import annotations

from .decl_dates import DATE_DIRECTIVES, DATE_UNITS, DEFAULT_DATE_FORMAT
from .decl_widgets import WIDGET_KINDS, WIDGET_OPTIONS, WidgetKind
from .model import ANY_KEYWORD, CATEGORIES, RETURN_WORDS, Builtin, Param, ParamKind
from .registry import (
    BUILTINS,
    CallProblem,
    UnknownBuiltinError,
    builtins_by_category,
    check_arguments,
    check_call,
    check_widget_options,
    explain_builtin,
    lookup,
    purity_text,
    signature,
)

__all__ = [
    "ANY_KEYWORD",
    "BUILTINS",
    "CATEGORIES",
    "DATE_DIRECTIVES",
    "DATE_UNITS",
    "DEFAULT_DATE_FORMAT",
    "RETURN_WORDS",
    "WIDGET_KINDS",
    "WIDGET_OPTIONS",
    "Builtin",
    "CallProblem",
    "Param",
    "ParamKind",
    "UnknownBuiltinError",
    "WidgetKind",
    "builtins_by_category",
    "check_arguments",
    "check_call",
    "check_widget_options",
    "explain_builtin",
    "lookup",
    "purity_text",
    "signature",
]
