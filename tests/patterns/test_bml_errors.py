"""Invalid BML is a `PatternError` at the exact spot inside the pattern, with a hint."""

from __future__ import annotations

import re

import pytest

from bubble_lang.patterns import PatternError, parse_bml

# (pattern, message substring, start offset, hint substring)
ERRORS = [
    ("what _ (location | address", "unclosed `(`", 7, "add a `)`"),
    ("(", "unclosed `(`", 0, "add a `)`"),
    ("a (b (c) d", "unclosed `(`", 2, "add a `)`"),
    ("a b)", "unmatched `)`", 3, "remove it"),
    ("() )", "empty group", 0, "put rules inside"),
    ("a ( ) b", "empty group", 2, "put rules inside"),
    ("<>", "empty permutation", 0, "put rules between"),
    ("< a b", "unclosed `<`", 0, "add a `>`"),
    ("a > b", "unmatched `>`", 2, "add a `<`"),
    ("< a | b >", "alternatives inside `< >` need parentheses", 4, "wrap them in a group"),
    ("(a > b)", "unmatched `>`", 3, "close the group with `)`"),
    ("< a )", "unmatched `)`", 4, "close the permutation"),
    ("hello [emial]", "unknown entity `emial`", 7, "did you mean `[email]`?"),
    ("[phone]", "unknown entity `phone`", 1, "did you mean `[phone_number]`?"),
    ("[Email]", "unknown entity `Email`", 1, "did you mean `[email]`?"),
    ("[start] hi", "unknown entity `start`", 1, "did you mean `[Start]`?"),
    ("[nonexisting]", "unknown entity `nonexisting`", 1, "use a known entity kind"),
    ("a?[1]", "`?` cannot be combined with a repeat", 2, "remove the `?`"),
    ("a[2]?", "`?` cannot be combined with a repeat", 4, "remove the `?`"),
    ("a [3-1] b", "range `3-1` ends before it starts", 3, "like `[1-3]`"),
    ("a[5-2=x]", "range `5-2` ends before it starts", 2, "smaller number first"),
    ('say "hello', 'unclosed `"`', 4, 'add a closing `"`'),
    ("say 'hello", "unclosed `'`", 4, "add a closing `'`"),
    ("a [2", "unclosed `[`", 2, "add a `]`"),
    ("a]", "unmatched `]`", 1, "add a `[`"),
    ("a | ", "missing rule after `|`", 2, "remove the extra `|`"),
    ("| a", "missing rule before `|`", 0, "remove the `|`"),
    ("a || b", "missing rule after `|`", 2, "remove the extra `|`"),
    ("mus(ic|eum)", "missing space before `(`", 3, "`/mus(ic|eum)/`"),
    ('hello"world"', 'missing space before `"`', 5, "add a space"),
    ("a ?", "`?` must follow a rule directly", 2, "remove the space before `?`"),
    ("word[ent]", "unexpected `ent` inside `[…]`", 5, "a capture like `[=name]`"),
    ("word[email]", "`[email]` cannot modify a rule", 5, "add a space before `[`"),
    ("a[/x/]", "a regex cannot modify a rule", 2, "add a space before `[`"),
    ("[=x]", "capture `[=…]` needs a rule before it", 0, "attach it to a rule"),
    ("a[=]", "missing a capture name after `=`", 2, "write a name"),
    ("a[=1x]", "`1x` is not a valid name", 3, "starting with a letter"),
    ("[Start=x]", "`[Start]` cannot be captured", 6, "remove the `=`"),
    ("[End]?", "`[End]` cannot take modifiers", 5, "remove what follows"),
    ("_[2]", "`_` cannot be repeated", 1, "write a single range"),
    ("_?", "`_` cannot be optional", 1, "remove the `?`"),
    ("[1-3]?", "a range cannot be optional", 5, "start the range at 0"),
    ("a[2?]", "`?` has no effect on an exact count", 3, "remove the `?`"),
    ("a[1][2]", "rule is already repeated", 4, "combine the repeats"),
    ("a[=x][=y]", "rule is already captured", 7, "keep one capture name"),
    ("a??", "rule is already optional", 2, "remove the extra `?`"),
    ("a-", "missing word after `-`", 1, "join two words"),
    ("a [1-]", "missing number after `-`", 4, "write a range"),
    ("[]", "empty `[]`", 0, "write a range"),
    ("//", "empty regex", 0, "put a regular expression"),
    ('""', "empty literal", 0, "put text between the quotes"),
    ("go /f[/", "invalid regex: unterminated character set", 5, "fix the regular expression"),
    ("x /a(b/", "invalid regex: missing )", 4, "fix the regular expression"),
    ("say /quit", "unclosed regex", 4, "end the regex with `/`"),
    ("hello *", "unexpected `*`", 6, "use `[0+]`"),
    ("x ^a", "unexpected `^`", 2, "write a regex like `/^hi/`"),
    ("@", "missing a concept name after `@`", 0, "like `@flower`"),
    ("@a.", "missing a concept name after `.`", 2, "like `@flower`"),
    ("%", "missing a part-of-speech tag after `%`", 0, "like `%VERB`"),
    ("@fofdsfs+fdsfds", "unexpected `+`", 8, "quote it"),
    ("/(?x)a {3}/", "regex flag `x` is not supported", 3, "remove the `x` flag"),
]


@pytest.mark.parametrize(("text", "message", "start", "hint"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_position_message_and_hint(text: str, message: str, start: int, hint: str) -> None:
    with pytest.raises(PatternError) as info:
        parse_bml(text)
    error = info.value
    assert message in error.message
    assert error.start == start, (error.start, error.message)
    assert error.end > error.start
    assert error.hint is not None and hint in error.hint


@pytest.mark.parametrize("text", [e[0] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error_style(text: str) -> None:
    """One clause, lowercase, no final period; hints start with a verb or "did you mean"."""
    with pytest.raises(PatternError) as info:
        parse_bml(text)
    error = info.value
    assert re.match(r"[a-z`]", error.message) and not error.message.endswith(".")
    assert error.hint is not None
    first = error.hint.split()[0]
    assert first.islower() and not first.endswith("s") or error.hint.startswith("did you mean")
    assert str(error) == error.message


def test_reference_library_rejects_the_same_patterns() -> None:
    """The `@invalid` list of the reference library's parser tests."""
    for text in ["a?[1]", "(", "asdfxx?[assign]", "() )", "word[ent]", "@fofdsfs+fdsfds",
                 "[nonexisting]", "/f[/"]:
        with pytest.raises(PatternError):
            parse_bml(text)
