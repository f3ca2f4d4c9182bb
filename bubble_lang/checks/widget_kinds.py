"""Widget options the resolver refuses (errors, so such a bot does not load): options that do not
fit the widget kind (B216) and option values of the wrong type (B215).

Input: one `input_method` call with a literal kind. Output: (message, span, hint) for a kind that
names no widget kind of SPEC §8, an option that kind does not take, one it needs and lacks, and
each option whose literal value can never be right (`min: "x"` on `"int"`, `items: 3`) — each
would otherwise fail every time the question is asked. The kinds, their options and the value
each option takes come from the builtin registry (`stdlib/decl_widgets.py`), the one table the
runtime validates answers with. Options no widget takes at all are already errors from the call
check (B202) and are not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import nodes as n
from ..source import Span
from ..stdlib.decl_widgets import OPTION_VALUES, WIDGET_KINDS
from ..stdlib.registry import check_widget_options, lookup


def widget_kind_problems(call: n.Call) -> Iterator[tuple[str, Span, str]]:
    """(message, span, hint) when a literal-kind `input_method` call names no widget kind, takes
    an option that kind does not take, or lacks one it needs (B216): the runtime would refuse the
    widget every time the question is asked, so it is an error, not a warning. Options no widget
    takes at all are already B202 from the call check and are not repeated here."""
    declared = lookup("input_method")
    known = set(declared.keywords) if declared is not None else set()
    if not call.args:
        return
    kind = call.args[0]
    if not isinstance(kind, n.Str) or kind.literal is None:
        return
    options: dict[str, n.Option] = {}
    for option in call.options:
        if option.key in known:
            options.setdefault(option.key, option)
    problem = check_widget_options(kind.literal, tuple(options), complete=len(call.args) < 2)
    if problem is None:
        return
    span: Span = kind.span
    if problem.kind == "keyword":
        offending = next((o for key, o in options.items() if f"`{key}:`" in problem.message), None)
        span = offending.key_span if offending is not None and "needs" not in problem.message else call.name_span
    yield problem.message, span, problem.hint or ""


# ---------------------------------------------------------------------------------- value types (B215)
#: What each value class of `OPTION_VALUES` accepts, as literal shapes, and how to say it.
_TAKES: dict[str, tuple[frozenset[str], str, str]] = {
    "text": (frozenset({"text"}), "a text", 'like `{key}: "…"`'),
    "bool": (frozenset({"bool"}), "`true` or `false`", "like `{key}: true`"),
    "count": (frozenset({"count", "positive"}), "a whole number, 0 or more", "like `{key}: 3`"),
    "positive": (frozenset({"positive"}), "a whole number, 1 or more", "like `{key}: 3`"),
    "list": (frozenset({"list"}), "a list", 'like `{key}: ["a", "b"]`'),
    "texts": (frozenset({"text", "list"}), "a text or a list of texts", 'like `{key}: [".pdf", "image/*"]`'),
    "map": (frozenset({"map"}), "a map", "like `{key}: %{{name: value}}`"),
    "mode": (frozenset({"text"}), '`"single"` or `"multiple"`', 'like `{key}: "multiple"`'),
    "duration": (frozenset({"text", "count", "positive", "number"}), "a duration", 'like `{key}: "2h"`'),
}
#: `min:`/`max:` by widget kind.
_BOUNDS: dict[str, tuple[frozenset[str], str, str]] = {
    "int": (frozenset({"count", "positive", "integer"}), "an integer", "like `{key}: 10`"),
    "number": (frozenset({"count", "positive", "integer", "number"}), "a number", "like `{key}: 2.5`"),
    "datetime": (frozenset({"text"}), "a date-time", 'like `{key}: "2024-03-05T09:00"`'),
    "duration": (frozenset({"text", "count", "positive", "number"}), "a duration", 'like `{key}: "2h 30m"`'),
}


def _shape(value: n.Expr) -> tuple[str, str] | None:
    """(shape, shown) of a literal option value, or None when it is computed (not checked)."""
    if isinstance(value, n.Str):
        return "text", "a text"
    if isinstance(value, n.Unary) and value.op == "-" and isinstance(value.operand, n.Literal):
        inner = value.operand.value
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return ("integer" if isinstance(inner, int) else "number"), f"-{inner}"
        return None
    if isinstance(value, n.Literal):
        literal = value.value
        if literal is None:
            return "nil", "`nil`"
        if isinstance(literal, bool):
            return "bool", f"`{str(literal).lower()}`"
        if isinstance(literal, int):
            return ("positive" if literal >= 1 else "count"), str(literal)
        return "number", str(literal)
    if isinstance(value, n.ListExpr):
        return "list", "a list"
    if isinstance(value, (n.MapExpr, n.KeywordList)):
        return "map", "a map"
    if isinstance(value, n.Atom):
        return "atom", f"`:{value.name}`"
    return None


def widget_value_problems(call: n.Call) -> Iterator[tuple[str, Span, str]]:
    """(message, span, hint) for each option of a literal-kind `input_method` call whose literal
    value has the wrong type for that option (B215)."""
    if not call.args or not isinstance(call.args[0], n.Str):
        return
    kind = call.args[0].literal
    widget = WIDGET_KINDS.get(kind or "")
    if widget is None:
        return
    for option in call.options:
        if option.key not in widget.options:
            continue
        wanted = OPTION_VALUES.get(option.key, "any")
        takes = _BOUNDS.get(widget.name) if wanted == "bound" else _TAKES.get(wanted)
        found = _shape(option.value)
        if takes is None or found is None:
            continue
        shapes, words, example = takes
        shape, shown = found
        bad = shape not in shapes
        if not bad and wanted == "mode" and isinstance(option.value, n.Str):
            bad = option.value.literal is not None and option.value.literal not in ("single", "multiple")
            shown = f'`"{option.value.literal}"`'
        if not bad and wanted == "list" and isinstance(option.value, n.ListExpr) and not option.value.items:
            bad, shown = True, "an empty list"
        if bad:
            yield (f'`{option.key}:` of widget `"{kind}"` takes {words}, not {shown}', option.value.span,
                   "write it " + example.format(key=option.key))
