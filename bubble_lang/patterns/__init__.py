"""Trigger pattern syntax (patterns layer): BML and legacy trigger strings -> checked trees.

Input: the decoded text of a pattern string (`trigger:`, `intent(match:)`, `entity(match:)`,
string `expecting:`, test `expect`) and the `Limits`. Output: `Pattern`/`LegacyPattern` trees
with offsets into that text, the capture names, the trigger-index words, or a `PatternError`.
This package only reads patterns; matching them against messages is the runtime's job, and it
shares `normalize_word` and `REGEX_FLAGS` from here so both sides fold text the same way.

Choosing the parser: `is_legacy_trigger(text)` (the text contains `#<`) -> `parse_legacy`,
otherwise `parse_bml`.
"""

from __future__ import annotations

# The node classes as one namespace, `from bubble_lang.patterns import nodes as n`, as the runtime's
# matcher reads them (runtime/matching/engine.py). The module is `tree.py`: a `nodes.py` here would
# repeat the basename of the AST module `bubble_lang/nodes.py`.
from . import tree as nodes
from .bml import parse_bml
from .legacy import is_legacy_trigger, parse_legacy
from .pattern_error import PatternError
from .tree import (
    ENTITY_KINDS,
    Alt,
    Any,
    Capture,
    Compound,
    Concept,
    End,
    Entity,
    LegacyPattern,
    Literal,
    Optional,
    Pattern,
    Perm,
    Pos,
    Range,
    Regex,
    Repeat,
    Rule,
    Seq,
    Start,
    Word,
    capture_names,
    dump,
    iter_rules,
)
from .regexes import REGEX_FLAGS
from .words import index_words, literal_words, normalize_word

__all__ = [
    "ENTITY_KINDS",
    "REGEX_FLAGS",
    "Alt",
    "Any",
    "Capture",
    "Compound",
    "Concept",
    "End",
    "Entity",
    "LegacyPattern",
    "Literal",
    "Optional",
    "Pattern",
    "PatternError",
    "Perm",
    "Pos",
    "Range",
    "Regex",
    "Repeat",
    "Rule",
    "Seq",
    "Start",
    "Word",
    "capture_names",
    "dump",
    "index_words",
    "is_legacy_trigger",
    "iter_rules",
    "literal_words",
    "normalize_word",
    "parse_bml",
    "parse_legacy",
]
