"""The grammar builds strictly, and every terminal it can report has an author's name.

DESIGN §4: `TERMINAL_WORDS` names every terminal the way an author would, so that `__ANON_3` or
`STR_START` never reach a message.
"""

from __future__ import annotations

import re

import pytest

from bubble_lang.parser import (EXPRESSION_STARTS, OPERATOR_TERMINALS, TERMINAL_WORDS, build_lark,
                                describe_expected, grammar_text)

# An ALL_CAPS word of two or more characters (a terminal name such as `NAME` or `STR_END`).
TERMINAL_LOOKING = re.compile(r"\b_*[A-Z][A-Z0-9_]+\b")


def _declared_terminals() -> set[str]:
    names: set[str] = set()
    for line in grammar_text().splitlines():
        if line.startswith("%declare"):
            names.update(line.split()[1:])
    return names


def _nonterminals() -> set[str]:
    return {rule.origin.name for rule in build_lark().rules}


def _parse_table_terminals() -> set[str]:
    """Every terminal that appears in an LALR action: exactly what an error can list as expected."""
    table = build_lark().parser.parser.parser.parse_table
    symbols: set[str] = set()
    for actions in table.states.values():
        symbols.update(actions)
    return symbols - _nonterminals()


def test_grammar_builds_strictly() -> None:
    parser = build_lark(strict=True)
    assert parser.options.parser == "lalr"


def test_declared_terminals_are_found() -> None:
    declared = _declared_terminals()
    assert len(declared) > 40
    assert {"_NL", "CMD", "NAME", "STR_START", "DO", "END"} <= declared


def test_parse_table_uses_only_declared_terminals() -> None:
    """No anonymous terminal (a string literal in a rule) sneaks into the grammar."""
    used = _parse_table_terminals()
    assert used, "the parse table has no terminals?"
    assert not any(name.startswith("__ANON") for name in used)
    assert used - {"$END"} <= _declared_terminals()


@pytest.mark.parametrize("source", ["terminals", "lexer_conf", "declared", "parse_table"])
def test_every_terminal_has_words(source: str) -> None:
    parser = build_lark()
    if source == "terminals":
        names = {terminal.name for terminal in parser.terminals}
    elif source == "lexer_conf":
        names = {terminal.name for terminal in parser.lexer_conf.terminals}
    elif source == "declared":
        names = _declared_terminals()
    else:
        names = _parse_table_terminals()
    missing = sorted(name for name in names if name not in TERMINAL_WORDS)
    assert not missing, f"terminals without TERMINAL_WORDS entry: {missing}"


def test_end_of_input_has_words() -> None:
    assert TERMINAL_WORDS["$END"] == "end of file"
    assert TERMINAL_WORDS["_NL"] == "end of line"


@pytest.mark.parametrize("name", sorted(TERMINAL_WORDS))
def test_terminal_words_read_like_words(name: str) -> None:
    text = TERMINAL_WORDS[name]
    assert text.strip() == text and text
    assert "__ANON" not in text
    assert "$END" not in text
    assert not TERMINAL_LOOKING.search(text), f"{name} reads {text!r}, which looks like a terminal name"


def test_no_stale_entries() -> None:
    """Every entry names a terminal the grammar has (or `$END`)."""
    known = _declared_terminals() | {"$END"}
    assert set(TERMINAL_WORDS) - known == set()


def test_expression_and_operator_groups_are_terminals() -> None:
    known = _declared_terminals()
    assert EXPRESSION_STARTS <= known
    assert OPERATOR_TERMINALS <= known


@pytest.mark.parametrize("expected", [
    set(TERMINAL_WORDS),
    set(EXPRESSION_STARTS) | {"_NL"},
    set(OPERATOR_TERMINALS) | {"DO"},
    {"DO"},
    {"COMMA", "RSQB"},
    set(),
])
def test_describe_expected_never_shows_terminal_names(expected: set[str]) -> None:
    text = describe_expected(expected)
    assert text
    assert "__ANON" not in text and "$END" not in text
    assert not TERMINAL_LOOKING.search(text), text


def test_fast_tokens_set_every_slot_of_a_lark_token():
    """`lexer._new_token` bypasses `Token.__new__`; it must fill every slot Lark's Token has."""
    from lark import Token

    from bubble_lang.lexer import _new_token

    assert set(Token.__slots__) == {"type", "start_pos", "value", "line", "column", "end_line", "end_column",
                                    "end_pos"}
    token = _new_token("NAME", "abc", 5, 8)
    reference = Token("NAME", "abc", 5, None, None, None, None, 8)
    for slot in Token.__slots__:
        assert getattr(token, slot) == getattr(reference, slot), slot
    assert token == "abc" and isinstance(token, Token)
