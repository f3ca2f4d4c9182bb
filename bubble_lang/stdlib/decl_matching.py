"""Declarations of the matching builtins (layer 4): data for the registry, no implementations.

Patterns are BML (SPEC §7b): a pattern that is a literal is checked at compile time, with the
error placed inside the string.
"""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_matching = partial(declare, category="matching")

DECLARATIONS: tuple[Builtin, ...] = (
    _matching(
        "intent", "", "intent",
        """Makes an intent for `expecting:`, a trigger or a comparison with `==`: it matches a
        message when any of its BML patterns (`match:`, a text or a list of texts) matches;
        `label:` is the quick-reply text shown for it, and `message.intent` names it after a
        match.""",
        'intent(match: "yes | yep | sure", label: "Yes") -> an intent labelled "Yes"',
        'intent(match: ["about _ (restaurant | sienna)", "tell me about sienna"]) -> an intent',
        keywords=("match", "label"),
        required_keywords=("match",),
    ),
    _matching(
        "entity", "", "entity",
        """Makes an entity matcher for `expecting:`: the answer is accepted when the BML
        pattern of `match:` matches, and its captures (`[email]`, `[time=pickup_time]`) are
        fields of `answer`, each with `.value` for the normalised value.""",
        'entity(match: "[email]") -> an entity matcher that fills answer.email',
        keywords=("match",),
        required_keywords=("match",),
    ),
    _matching(
        "match", "pattern, text", "map",
        """Matches a BML pattern against a text: gives a map of the captures (covered text by
        capture name; empty when there are none) when it matches, and `nil` when it does not,
        so it works directly as a condition.""",
        'match("my name is [1+=name]", "My name is Ann") -> %{name: "Ann"}',
        'match("hello world", "hello there") -> nil',
    ),
)
