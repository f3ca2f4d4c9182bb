"""Property: for any text, `parse_script` returns a `Script` or raises a `BubbleError` — never
another exception (DESIGN §6). Inputs are valid scripts (the case files, the error files and
`samples/`) mutated by deleting, duplicating, swapping and inserting tokens, characters and
arbitrary unicode, plus token soup from the language's own vocabulary.

About 2,600 examples in all; run time is a few seconds. Longer runs: `--hypothesis-seed` and a
larger `FUZZ_SCALE` environment variable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.build import parse_script
from bubble_lang.codes import CODES
from bubble_lang.diagnostics import BubbleError
from bubble_lang.nodes import Script
from bubble_lang.source import SourceFile

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def _corpus() -> list[str]:
    texts = []
    for path in sorted([*HERE.glob("cases/*.bot"), *HERE.glob("errors/*.bot"), *ROOT.glob("samples/*.bot")]):
        text = path.read_text(encoding="utf-8")
        texts.extend(chunk for chunk in re.split(r"(?m)^# ---\s*$", text) if chunk.strip())
    return texts


CORPUS = _corpus()
TOKEN = re.compile(r'\s+|"(?:[^"\\]|\\.)*"|#\{|[A-Za-z_][A-Za-z0-9_]*:?|\d[\d_.]*|->|==|!=|<=|>=|&&|\|\||%\{|.', re.S)
VOCABULARY = [
    "dialog", "task", "test", "do", "end", "if", "unless", "else", "branch", "repeat", "in", "random",
    "once", "after", "when", "and", "or", "not", "true", "false", "nil", "say", "ask", "invoke", "goto",
    "show", "image", "location", "emit", "await", "event", "prompt", "expect", "submit", "return", "close",
    "x", "_y", "user.email", "@c", "@menu[title: x]", ":atom", "1", "1_000", "2.5", "-", "+", "*", "/",
    "==", "!=", "<", ">=", "!", "&&", "||", "->", "=", "(", ")", "[", "]", "%{", "}", "{", ",", ";", ".", ":",
    '"', '"a"', '"#{', "#{", "#", "\\", "\n", "\n", " ", "  ", "\t", "trigger:", "do:", ", do:", "class:",
    "before:", "label:", "'", "$", "é", "👋", "\r", "\x00", "\u2028", "elif", "then", "=>",
]
INTERESTING = "\"#{}[]()%@:,;\\-+*/=!<>&|._ \n\t'`$~^?éü日👋\u00a0\u200b\u2028\r\x00"


def check(text: str) -> None:
    source = SourceFile("fuzz.bot", text)
    try:
        script = parse_script(source)
    except BubbleError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.code in CODES
            assert diagnostic.message
            if diagnostic.span is not None:
                assert 0 <= diagnostic.span.start <= diagnostic.span.end <= len(text)
                assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
    else:
        assert isinstance(script, Script)


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(CORPUS))
    lines = text.split("\n")
    if len(lines) > 12 and draw(st.booleans()):  # a window of lines keeps most examples small
        start = draw(st.integers(0, len(lines) - 1))
        lines = lines[start:start + draw(st.integers(1, 30))]
    tokens = TOKEN.findall("\n".join(lines)) or [""]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "vocabulary", "replace", "text"]))
        at = draw(st.integers(0, len(tokens)))
        if kind == "delete" and tokens:
            del tokens[at:at + draw(st.integers(1, 3))]
        elif kind == "duplicate" and tokens:
            tokens[at:at] = tokens[at:at + draw(st.integers(1, 4))]
        elif kind == "swap" and len(tokens) > 1:
            other = draw(st.integers(0, len(tokens) - 1))
            at = min(at, len(tokens) - 1)
            tokens[at], tokens[other] = tokens[other], tokens[at]
        elif kind == "insert":
            tokens.insert(at, draw(st.text(alphabet=INTERESTING, min_size=1, max_size=4)))
        elif kind == "vocabulary":
            tokens.insert(at, draw(st.sampled_from(VOCABULARY)))
        elif kind == "replace" and tokens:
            tokens[min(at, len(tokens) - 1)] = draw(st.sampled_from(VOCABULARY))
        else:
            tokens.insert(at, draw(st.text(max_size=6)))
        if not tokens:
            tokens = [""]
    return "".join(tokens)


@st.composite
def character_mutated(draw) -> str:
    text = draw(st.sampled_from(CORPUS))
    lines = text.split("\n")
    start = draw(st.integers(0, len(lines) - 1))
    text = "\n".join(lines[start:start + 20])
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 3))
        if op == 0:
            text = text[:at] + text[at + draw(st.integers(1, 5)):]
        elif op == 1:
            text = text[:at] + draw(st.text(alphabet=INTERESTING, min_size=1, max_size=3)) + text[at:]
        elif op == 2:
            text = text[:at] + bytes(draw(st.binary(min_size=1, max_size=4))).decode("latin-1") + text[at:]
        else:
            text = text[:at] + draw(st.characters()) + text[at:]
    return text


soup = st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join)
spaced_soup = st.lists(st.sampled_from(VOCABULARY), max_size=40).map("".join)

COMMON = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_corpus_is_valid_where_it_should_be() -> None:
    assert len(CORPUS) > 100
    for path in sorted(HERE.glob("cases/*.bot")):
        check(path.read_text(encoding="utf-8"))


@settings(max_examples=900 * SCALE, **COMMON)
@given(mutated())
def test_token_mutations(text: str) -> None:
    check(text)


@settings(max_examples=700 * SCALE, **COMMON)
@given(character_mutated())
def test_character_mutations(text: str) -> None:
    check(text)


@settings(max_examples=500 * SCALE, **COMMON)
@given(st.one_of(soup, spaced_soup))
def test_vocabulary_soup(text: str) -> None:
    check(text)


@settings(max_examples=500 * SCALE, **COMMON)
@given(st.text(max_size=200))
def test_arbitrary_text(text: str) -> None:
    check(text)


# ------------------------------------------------------------------------------ regressions found by fuzzing
# Both crashed with AttributeError in the lexer (`isalpha()`/`isdigit()` accept more than the regexes).
@pytest.mark.parametrize("text", [
    "@x é\n",
    "dialog main do\n  x = café\nend\n",
    "ª\n",
    "dialog main do\n  say naïve\nend\n",
])
def test_non_ascii_letter_outside_a_string(text: str) -> None:
    with pytest.raises(BubbleError) as caught:
        parse_script(SourceFile("x.bot", text))
    assert caught.value.diagnostics[0].code == "B003"


@pytest.mark.parametrize("text", ["@x ²\n", "@x 2²\n", "dialog main do\n  x = ¹\nend\n", "@x ٣\n", "@x １\n"])
def test_non_decimal_digit_outside_a_string(text: str) -> None:
    with pytest.raises(BubbleError) as caught:
        parse_script(SourceFile("x.bot", text))
    assert caught.value.diagnostics[0].code == "B003"


def test_non_ascii_text_in_strings_and_comments_is_fine() -> None:
    parse_script(SourceFile("x.bot", '# café ² ª\n@x "café ² ª 日本 👋"\n'))
