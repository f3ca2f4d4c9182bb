"""A lean driver for Lark's LALR tables (layer 3).

Input: Lark's analysed parser (the same tables `parser.py` builds and caches) and a token list.
Output: what the transformer builds, exactly as `Lark.parse` would give it — or `NoAction` at the
first token the tables have no action for; the caller then parses again with Lark itself, whose
`UnexpectedToken` (with its parser state) the error messages and recovery are built on.

Why: on a 10,000-dialog script Lark's own loop and its per-rule wrappers (child filters, a `Tree`
for every inlined helper rule, then unpacked again) took 0.6 of the 1.2 s of parsing. Here each
rule is prepared once: which children it keeps (`_NL` dropped), which it splices (`_item`,
`__block_star_0`: rules whose name starts with `_`, as Lark inlines them), whether a `?rule` with
one child returns it, and the transformer method (or a plain `Tree`, like `Transformer.__default__`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from lark import Lark, Tree
from lark.parsers.lalr_analysis import Shift

from .accel import ACCEL

DROP, KEEP, SPLICE = 0, 1, 2


class NoAction(Exception):
    """The tables have no action for a token: a syntax error, reported by Lark's own parser."""


def _node_builder(transformer: Any, name: str) -> Callable[[list[Any]], Any]:
    method = getattr(transformer, name, None)
    if method is not None and not name.startswith("_"):
        return method
    return lambda children: Tree(name, children)


#: What `_accel.c` runs instead of a reduction's Python function: (steps, inline, expand1, build),
#: steps None when every child is kept, else one byte per child (DROP, KEEP or SPLICE).
Plan = tuple[bytes | None, bool, bool, Callable[[list[Any]], Any]]


def _reducer(rule: Any, transformer: Any) -> tuple[Callable[[list[Any]], Any], Plan] | None:
    """One rule's reduction: Lark's child filter, `?rule` expansion and callback, fused, as a Python
    function and as the plan the C loop follows; None when the rule passes its one child up
    unchanged (a third of all reductions: `atom` → `postfix` → `operand` → `expr` → `arg` for every
    name and number)."""
    plan = []
    for symbol in rule.expansion:
        if symbol.is_term:
            plan.append(DROP if symbol.filter_out else KEEP)
        else:
            plan.append(SPLICE if symbol.name.startswith("_") else KEEP)
    name = rule.alias or rule.options.template_source or rule.origin.name
    inline = rule.origin.name.startswith("_")  # its children go into the parent
    expand1 = bool(rule.options.expand1 and not rule.alias)  # `?rule: x -> name` always builds `name`
    build = _node_builder(transformer, name)
    if plan == [KEEP] and expand1 and not inline:
        return None  # `?expr: operand`: the child is the value (see `parse`)
    if all(step == KEEP for step in plan):
        prepared = (None, inline, expand1, build)
        if inline:
            return (lambda children: children), prepared
        if expand1:
            return (lambda children: children[0] if len(children) == 1 else build(children)), prepared
        return build, prepared
    steps = tuple(enumerate(plan))

    def reduce(children: list[Any]) -> Any:
        kept: list[Any] = []
        for index, step in steps:
            if step == KEEP:
                kept.append(children[index])
            elif step == SPLICE:
                if kept:
                    kept += children[index]
                else:
                    kept = children[index]  # left recursion: grow the inner list in place
        if inline:
            return kept
        if expand1 and len(kept) == 1:
            return kept[0]
        return build(kept)

    return reduce, (bytes(plan), inline, expand1, build)


class LeanParser:
    """Runs Lark's LALR tables over a token list with prepared reductions."""

    def __init__(self, lark: Lark, transformer: Any):
        parser = lark.parser.parser.parser
        table = parser.parse_table
        reducers = {rule: _reducer(rule, transformer) for rule in lark.rules}
        self.start = table.start_states["start"]
        self.end = table.end_states["start"]
        # Per state: token type -> next state (a shift), or (size, reduction, plan, rule name) (a
        # reduce; reduction and plan None for a unit rule).
        self.actions: dict[Any, dict[str, Any]] = {
            state: {kind: (arg if action is Shift else (len(arg.expansion), *(reducers[arg] or (None, None)),
                                                       arg.origin.name))
                    for kind, (action, arg) in row.items()}
            for state, row in table.states.items()}

    def parse(self, tokens: Sequence[Any]) -> Any:
        if ACCEL is not None and isinstance(tokens, list):
            return ACCEL.parse(self.actions, self.start, self.end, tokens, NoAction)
        return self.parse_here(tokens)

    def parse_here(self, tokens: Sequence[Any]) -> Any:
        """The loop in Python: the reference `_accel.c` follows (and the one without it)."""
        actions = self.actions
        end = self.end
        states = [self.start]
        values: list[Any] = []
        push_state, push_value = states.append, values.append
        for token in itertools.chain(tokens, (_END,)):
            kind = token.type
            while True:
                try:
                    action = actions[states[-1]][kind]
                except KeyError:
                    raise NoAction from None
                if action.__class__ is not tuple:  # a shift (never of the end marker)
                    push_state(action)
                    push_value(token)
                    break
                size, reduce, _, origin = action
                if reduce is None:  # a unit rule: the value stays, only the state changes
                    following = states[-1] = actions[states[-2]][origin]
                else:
                    if size:
                        children = values[-size:]
                        del states[-size:]
                        del values[-size:]
                    else:
                        children = []
                    following = actions[states[-1]][origin]
                    push_state(following)
                    push_value(reduce(children))
                if following == end:  # `start` reduced: only after the end marker
                    return values[-1]
        raise NoAction  # the tables ran out of input without accepting


class _EndMarker:
    """What the tables see after the last token (Lark's `$END`)."""

    type = "$END"


_END = _EndMarker()
