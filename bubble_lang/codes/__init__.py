"""The diagnostic code registry (layer 2).

Each code has a title, a severity and an explanation (what, why, example, fix) used by
`bubble explain CODE` and by `docs/diagnostics.md`. A code never changes meaning. Families live in
one module each, `<family>_codes.py`: syntax (B0xx), names (B1xx), context and arity (B2xx), lint
(B3xx), runtime (B4xx) with conversation tests (B48x), usage (B5xx) with conversation storage
(B56x). The suffix keeps their names apart from the packages and modules the codes are about
(`runtime/`, `cli/lint.py`, ...). The registry imports nothing but `severity.py` and `attrs`, so
`diagnostics.py` can consult it.
"""

from __future__ import annotations

from . import (
    context_codes,
    lint_codes,
    names_codes,
    runtime_codes,
    storage_codes,
    syntax_codes,
    testing_codes,
    usage_codes,
)
from .entry import CodeInfo

_FAMILIES = (syntax_codes, names_codes, context_codes, lint_codes, runtime_codes, testing_codes, usage_codes,
             storage_codes)


def _collect() -> dict[str, CodeInfo]:
    table: dict[str, CodeInfo] = {}
    for family in _FAMILIES:
        for info in family.CODES:
            if info.code in table:
                raise RuntimeError(f"diagnostic code {info.code} declared twice")
            table[info.code] = info
    return dict(sorted(table.items()))


CODES: dict[str, CodeInfo] = _collect()


def code_info(code: str) -> CodeInfo:
    """The registry entry; an unknown code is a bug in bubble."""
    try:
        return CODES[code]
    except KeyError:
        raise KeyError(f"diagnostic code {code} is not registered") from None


__all__ = ["CODES", "CodeInfo", "code_info"]
