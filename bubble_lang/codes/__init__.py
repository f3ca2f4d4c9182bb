"""The diagnostic code registry (layer 2).

Each code has a title, a severity and an explanation (what, why, example, fix) used by
`bubble explain CODE` and by `docs/diagnostics.md`. A code never changes meaning. Families live in
one module each: syntax (B0xx), names (B1xx), context and arity (B2xx), lint (B3xx),
runtime (B4xx) with conversation tests (B48x), usage (B5xx) with conversation storage (B56x).
"""

from __future__ import annotations

from .model import CodeInfo
from . import context, lint, names, runtime, storage, syntax, testing, usage

_FAMILIES = (syntax, names, context, lint, runtime, testing, usage, storage)


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
