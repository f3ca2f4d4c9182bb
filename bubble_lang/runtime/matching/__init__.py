"""BML matching at run time (layer 6): messages -> tokens and entities -> pattern matches.

Input: patterns parsed by `bubble_lang.patterns` (compile each once with `compile_pattern`), a
message, the conversation clock and timezone, a per-turn `RegexBudget`. Output: `Match` records
with `Capture`s, or None; `TriggerIndex` narrows a bot's triggers to those worth trying.

Typical turn:

    sentence = tokenize(text, now=clock, timezone=tz, limits=limits)
    budget = RegexBudget(limits)
    for key, compiled in index.candidate_patterns(sentence):
        found = match_sentence(compiled, sentence, budget=budget)

`MatchBudgetExceeded` is the only exception matching raises (a regex ran out of time).
"""

from __future__ import annotations

from .budget import MatchBudgetExceeded, RegexBudget
from .engine import ConceptTable
from .index import TriggerIndex
from .matcher import (
    MAX_STEPS,
    Capture,
    CompiledPattern,
    Match,
    compile_pattern,
    compile_text,
    match,
    match_sentence,
)
from .scan import EntitySpan
from .tokens import LEMMAS, PUNCTUATION, Sentence, Token, split_tokens, tokenize

__all__ = [
    "EXTRACTORS",
    "LEMMAS",
    "MAX_STEPS",
    "PUNCTUATION",
    "Capture",
    "CompiledPattern",
    "ConceptTable",
    "EntitySpan",
    "Match",
    "MatchBudgetExceeded",
    "RegexBudget",
    "Sentence",
    "Token",
    "TriggerIndex",
    "compile_pattern",
    "compile_text",
    "extract_entities",
    "match",
    "match_sentence",
    "split_tokens",
    "tokenize",
]


def __getattr__(name: str):  # PEP 562: the entity extractors (many regexes) load on first use
    if name in ("EXTRACTORS", "extract_entities"):
        from . import entities

        return getattr(entities, name)
    raise AttributeError(name)
