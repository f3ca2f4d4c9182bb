"""Every BML form of reference §10.3/§10.4 parses into the expected tree (dump snapshots)."""

from __future__ import annotations

import pytest

from bubble_lang.patterns import (
    Alt,
    Capture,
    Compound,
    Entity,
    Literal,
    Optional,
    Perm,
    Range,
    Regex,
    Repeat,
    Seq,
    Word,
    dump,
    parse_bml,
)

# (id, pattern): reference §10.6, examples catalogue §C and A, and one of every syntax form.
CASES = [
    # reference §10.6
    ("seq", "hello world"),
    ("seq-reversed", "world hello"),
    ("end-anchor", "hello world [End]"),
    ("end-anchor-2", "world [End]"),
    ("start-anchor", "[Start] hello"),
    ("start-end", "[Start] [End]"),
    ("underscore", "hello _ world"),
    ("exact-count", "a [2] c"),
    ("optional-word", "a b?"),
    ("range-1-1", "hello [1-1] world"),
    ("compound", "was-machine"),
    ("perm", "< hello (earth | world) >"),
    ("regex-capture", "/\\d+/[=zip]"),
    ("regex", "/quit/"),
    ("alt-no-spaces", "hi|hello"),
    ("about", "about _ (restaurant | sienna)"),
    ("lemma-be", "what _ be _ weather"),
    ("born-on-time", "i be born on? [time]"),
    ("entity-loc", "live in [loc]"),
    # examples catalogue §C
    ("literal-double", '"San Francisco"'),
    ("literal-then-word", '"San Francisco" yo'),
    ("literal-repeat", '"Yo"[2]'),
    ("regex-spaces-capture", "/hello world/[=x]"),
    ("range-capture", "hello [0-2=x] world"),
    ("group-repeat-capture", "(a | b | c)[2-3=x]"),
    ("word-repeat-capture", "a[1-3=a]"),
    ("word-repeat-open", "a[4+=a]"),
    ("range-open", "hello [10+] world"),
    ("emoji", "😍"),
    ("concept", "like @flower"),
    # examples catalogue §A
    ("address", "what _ (location | address)"),
    ("where-be", "where be _ (you | restaurant)"),
    ("close-words", "bye | close | stop | goodbye | exit"),
    ("entity-rename", "[time=pickup_time]"),
    # one of every remaining form
    ("range-lazy", "a [1-3?] b"),
    ("range-open-lazy", "a [2+?]"),
    ("range-lazy-capture", "[0-10?=a]"),
    ("regex-in-block", "[/^\\/quit$/]"),
    ("regex-named-group", "flight /(?<flight>[a-z]{2}\\d+)/"),
    ("regex-block-capture", "[/\\d{4}/=year]"),
    ("nested-captures", "(hello (world | earth)[=planet])[=greeting]"),
    ("pos", "%VERB %NOUN"),
    ("concept-sub", "@intent.foo name"),
    ("concept-capture", "@foo[=a]"),
    ("literal-single", "hello '.'"),
    ("literal-in-group", 'x y (a "hello World" San | b (y | x) c)'),
    ("group-optional", "(a | b)?"),
    ("group-seq-splices", "(a b) c"),
    ("group-repeat", "( a )[3+]"),
    ("group-spaces", "( a|b|c )  "),
    ("compound-alt", "a-bc | foo"),
    ("compound-three", "state-of-art"),
    ("nested-perm", "< a < b c > > d"),
    ("entity-phone", "[phone_number]"),
    ("entity-optional", "my email is [email]?"),
    ("entity-capture-block", "[email][=contact]"),
    ("apostrophe-word", "don't stop"),
    ("typographic-apostrophe", "it’s me"),
    ("accents", "Héllo wörld"),
    ("lazy-repeat", "a[1-3?]"),
    ("exact-repeat-zero", "hello [0] world"),
    ("optional-capture", "b?[=x]"),
    ("shortcut-dot-star", ".*"),
    ("shortcut-caret", "^\\/quit$"),
    ("empty", ""),
    ("blank", "   "),
    ("many-spaces", "  hello\tthere\n world "),
]


@pytest.mark.parametrize("text", [text for _, text in CASES], ids=[name for name, _ in CASES])
def test_dump_snapshot(text: str, snapshot) -> None:
    assert dump(parse_bml(text)) == snapshot


def test_offsets_point_into_the_text() -> None:
    pattern = parse_bml("say (hello | hi)[=greet] to [person=who]")
    root = pattern.root
    assert isinstance(root, Seq)
    capture, entity = root.items[1], root.items[3]
    assert pattern.text[capture.start : capture.end] == "(hello | hi)[=greet]"
    assert pattern.text[entity.start : entity.end] == "[person=who]"
    assert isinstance(capture, Capture) and isinstance(capture.rule, Alt)
    assert pattern.text[capture.rule.start : capture.rule.end] == "(hello | hi)"


def test_equality_ignores_offsets_and_spacing() -> None:
    assert parse_bml("a   b").root == parse_bml("a b").root
    assert parse_bml("( a | b )").root == parse_bml("(a|b)").root


def test_node_shapes() -> None:
    assert parse_bml("héllo").root == Word(text="héllo", value="hello", start=0, end=5)
    assert parse_bml("was-machine").root == Compound(
        text="was-machine", parts=("was", "machine"), start=0, end=11
    )
    assert parse_bml('"Yo"').root == Literal(text="Yo", value="yo", quote='"', start=0, end=4)
    assert parse_bml("[time=pickup_time]").root == Entity(
        kind="time", name="pickup_time", start=0, end=18
    )
    assert parse_bml("[email]").root == Entity(kind="email", name="email", start=0, end=7)
    assert parse_bml(".*").root == Range(min=1, max=None, greedy=True, start=0, end=2)
    regex = parse_bml("/(?<a>x)(?P<b>y)/").root
    assert isinstance(regex, Regex) and regex.group_names == ("a", "b")
    perm = parse_bml("< a (b c) >").root
    assert isinstance(perm, Perm) and len(perm.items) == 2  # a group stays one item
    optional = parse_bml("(a | b)?").root
    assert isinstance(optional, Optional) and isinstance(optional.rule, Alt)
    repeat = parse_bml("a[2-3?]").root
    assert repeat == Repeat(rule=Word(text="a", value="a", start=0, end=1), min=2, max=3,
                            greedy=False, start=0, end=7)


def test_empty_pattern_never_matches() -> None:
    for text in ("", "  \t\n"):
        pattern = parse_bml(text)
        assert pattern.root is None and pattern.never_matches
    assert not parse_bml("hi").never_matches


def test_caret_shortcut_is_one_regex_with_slash_escape() -> None:
    root = parse_bml("  ^\\/quit$ ").root
    assert isinstance(root, Regex)
    assert root.source == "^/quit$"
    assert (root.start, root.end) == (2, 10)
