"""Every pattern budget of SPEC §13 is enforced at the offending spot, never as a crash."""

from __future__ import annotations

import pytest

from bubble_lang.limits import DEFAULT_LIMITS, Limits
from bubble_lang.patterns import PatternError, parse_bml, parse_legacy


def error_of(text: str, limits: Limits = DEFAULT_LIMITS) -> PatternError:
    with pytest.raises(PatternError) as info:
        parse_bml(text, limits)
    return info.value


def test_regex_length() -> None:
    limit = DEFAULT_LIMITS.trigger_regex_chars
    assert parse_bml("/" + "a" * limit + "/").root is not None
    error = error_of("hi /" + "a" * (limit + 1) + "/")
    assert f"longer than {limit} characters" in error.message
    assert error.start == 4
    assert error.hint is not None


def test_regex_length_applies_to_caret_and_legacy_patterns() -> None:
    small = Limits(trigger_regex_chars=10)
    with pytest.raises(PatternError, match="longer than 10"):
        parse_bml("^" + "a" * 10, small)
    with pytest.raises(PatternError, match="longer than 10"):
        parse_legacy("abcdefgh #<n>", small)


def test_regex_group_nesting() -> None:
    limit = DEFAULT_LIMITS.regex_group_nesting
    assert parse_bml("/" + "(" * limit + "a" + ")" * limit + "/").root is not None
    error = error_of("/" + "(" * (limit + 1) + "a" + ")" * (limit + 1) + "/")
    assert f"deeper than {limit} levels" in error.message
    assert error.start == limit + 1  # the first `(` too many


def test_regex_counted_repeat() -> None:
    assert parse_bml("/a{1000}/").root is not None
    error = error_of("x /a{2,1001}/")
    assert "regex repeat `{2,1001}` is over the limit of 1000" in error.message
    assert error.start == 7  # the `1001`
    error = error_of("/a{99999999999999999999}/")
    assert "over the limit" in error.message and error.start == 3


def test_regex_nested_bound_product() -> None:
    assert parse_bml("/((a{10}){100}){100}/").root is not None  # 100 000 exactly
    error = error_of("/((a{50}){50}){50}/")
    assert "125000 repetitions, over the limit of 100000" in error.message
    assert error.start == 14  # the outer `{50}`
    # siblings do not multiply, braces in classes and `\p{…}` are not repeats
    assert parse_bml("/a{1000}b{1000}[{5000}]\\p{L}/").root is not None


def test_bml_counts() -> None:
    error = error_of("hello [1001] world")
    assert "count `1001` is over the limit of 1000" in error.message and error.start == 7
    error = error_of("a[2-99999999999999999999999]")
    assert "over the limit" in error.message and error.start == 4


def test_syntax_nesting() -> None:
    limit = DEFAULT_LIMITS.syntax_nesting
    assert parse_bml("(" * limit + "a" + ")" * limit).root is not None
    error = error_of("(" * (limit + 1) + "a" + ")" * (limit + 1))
    assert f"nest deeper than {limit} levels" in error.message
    assert error.start == limit
    error = error_of("<" * (limit + 1) + "a" + ">" * (limit + 1))
    assert error.start == limit


def test_deep_nesting_never_raises_recursion_error() -> None:
    """Even with the nesting budget raised past Python's stack, the answer is a PatternError."""
    huge = Limits(syntax_nesting=1_000_000)
    with pytest.raises(PatternError, match="nests too deeply"):
        parse_bml("(" * 20_000 + "a" + ")" * 20_000, huge)


def test_smaller_configured_limits() -> None:
    small = Limits(syntax_nesting=2, regex_group_nesting=1, regex_repeat=5, regex_bound_product=10)
    assert error_of("((( a )))", small).start == 2
    assert error_of("/((a))/", small).start == 2
    assert error_of("/a{6}/", small).start == 3
    assert error_of("/(a{4}){4}/", small).start == 7
    assert error_of("a[6]", small).start == 2


def test_long_flat_pattern_parses_without_recursion() -> None:
    pattern = parse_bml("hello " * 20_000 + "(a | b)")
    assert pattern.root is not None
