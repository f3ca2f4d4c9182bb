"""Any text parses or raises PatternError: never another exception, never a hang."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bubble_lang.limits import Limits
from bubble_lang.patterns import (
    PatternError,
    capture_names,
    dump,
    index_words,
    parse_bml,
    parse_legacy,
)

PIECES = list("ab c_-'\"/\\[]()<>|?=+{}0123456789@.%^*#:,!é’😍\t") + [
    "Start", "End", "email", "time", "(?<n>", "{1000}", "{,5}", "(?x)", "#<", "#<n:", "[2-3=x]",
    " | ", "hello", "[1+?]",
]
SMALL = Limits(syntax_nesting=4, regex_group_nesting=2, regex_repeat=20, regex_bound_product=50,
               trigger_regex_chars=40)
texts = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(PIECES), max_size=30).map("".join))


def check(parse, text: str, limits: Limits) -> None:
    try:
        pattern = parse(text, limits)
    except PatternError as error:
        assert 0 <= error.start < error.end <= len(text) + 1
        assert error.message and not error.message.endswith(".")
        assert error.hint
    else:
        dump(pattern)
        capture_names(pattern)
        index_words(pattern)


@settings(max_examples=600, deadline=None)
@given(text=texts, small=st.booleans())
def test_bml_parses_or_raises_pattern_error(text: str, small: bool) -> None:
    check(parse_bml, text, SMALL if small else Limits())


@settings(max_examples=600, deadline=None)
@given(text=texts, small=st.booleans())
def test_legacy_parses_or_raises_pattern_error(text: str, small: bool) -> None:
    check(parse_legacy, text, SMALL if small else Limits())
