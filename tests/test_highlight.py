"""The Pygments lexer (`pygmentize -l bubble`): registered by its entry point, every sample and
test script lexes without an error token, and the parts of a script get the token types a
documentation site colours."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Keyword, Name, String

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "samples").rglob("*.bot")) + sorted((ROOT / "tests" / "webchat").glob("*.bot"))


def test_the_lexer_is_registered() -> None:
    assert get_lexer_by_name("bubble").name == "Bubble"
    assert get_lexer_for_filename("pizza.test.bot").name == "Bubble"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_every_script_lexes_cleanly(path: Path) -> None:
    lexer = get_lexer_by_name("bubble")
    text = path.read_text()
    tokens = list(lexer.get_tokens(text))
    assert [value for kind, value in tokens if kind is Error] == []
    assert "".join(value for _, value in tokens) == (text if text.endswith("\n") else text + "\n")  # nothing lost


def test_the_parts_of_a_script() -> None:
    text = 'dialog main do\n  name = ask "Your name?", expecting: @names\n  say "Hi #{name}!"\nend\n'
    tokens = [(kind, value) for kind, value in get_lexer_by_name("bubble").get_tokens(text) if value.strip()]
    assert (Keyword.Declaration, "dialog") in tokens and (Name.Function, "main") in tokens
    assert (Keyword.Reserved, "ask") in tokens and (Keyword.Reserved, "say") in tokens
    assert (Name.Constant, "@names") in tokens and (Name.Attribute, "expecting") in tokens
    assert (String.Interpol, "#{") in tokens and (Name.Variable, "name") in tokens
    assert (Keyword, "end") in tokens
