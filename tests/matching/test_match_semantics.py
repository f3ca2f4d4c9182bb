"""Matching semantics of reference §10.2-§10.5: greediness, commitment, captures, rule kinds."""

from __future__ import annotations

import pytest
from matching_helpers import run, texts

from bubble_lang.patterns import PatternError
from bubble_lang.runtime.matching import Capture, compile_text, match


def capture(pattern: str, message: str, name: str) -> Capture:
    found = run(pattern, message)
    assert found is not None, (pattern, message)
    return found.captures[name]


@pytest.mark.parametrize(
    ("pattern", "count"),
    [("[0-10=a]", 3), ("[0-10?=a]", 0), ("[1+?=a]", 1), ("[1+=a]", 3), ("[2-3?=a]", 2)],
)
def test_range_greediness(pattern: str, count: int) -> None:
    """§10.5: greedy ranges take the most, non-greedy the fewest tokens."""
    assert len(capture(pattern, "a a a", "a").tokens) == count


def test_zero_token_capture_is_present_and_empty() -> None:
    cap = capture("[0-10?=a]", "a a a", "a")
    assert cap.text == "" and cap.tokens == ()


def test_nested_captures() -> None:
    pattern = "(hello (world | earth)[=planet])[=greeting]"
    assert texts(run(pattern, "Well, hello earth!")) == {
        "planet": "earth",
        "greeting": "hello earth",
    }
    assert texts(run(pattern, "hello world")) == {"planet": "world", "greeting": "hello world"}
    assert run(pattern, "hello mars") is None


def test_greedy_range_backtracks_for_the_rest() -> None:
    """A greedy range shrinks until the rest of the pattern matches."""
    assert texts(run("[1+=x] world", "hello big world")) == {"x": "hello big"}
    assert texts(run("hello [0+=x] world [End]", "hello a world b world")) == {
        "x": "a world b"
    }
    assert texts(run("hello [0+?=x] world", "hello a world b world")) == {"x": "a"}


def test_alternatives_backtrack_into_the_later_options() -> None:
    """SPEC §7b (amended, as bubble-match): an option is chosen only if the rest then matches.
    (Until this release an alternative committed to its first matching option, so the first two
    of these did not match.)"""
    assert run("(x | x y) a", "x y a") is not None
    assert run("[Start] (a [0-3] | a) b", "a x b") is not None
    assert run("[Start] (a | a [0-3]) b", "a b") is not None
    assert texts(run("(x | x y)[=pick] a", "x y a")) == {"pick": "x y"}
    assert run("(x | y) z", "x y z") is not None  # other start positions are still tried
    assert run("[Start] (x | x y) a [End]", "x y b") is None


def test_any_is_non_greedy() -> None:
    """`_` takes as few tokens as it can (SPEC §7b); a greedy range takes as many."""
    assert texts(run("hello _[=between] world", "hello a world b world")) == {"between": "a"}
    assert texts(run("hello [0-5=between] world", "hello a world b world")) == {"between": "a world b"}


def test_alternative_inside_a_repeat_and_after_a_range() -> None:
    assert texts(run("about _ (restaurant | sienna)[=what]", "about the place sienna")) == {
        "what": "sienna"
    }


def test_permutation_orders_and_gaps() -> None:
    assert run("< a b c >", "c then b then a") is not None
    assert run("< a b c >", "b a") is None
    assert run("< a b >", "a 1 2 3 4 5 b") is not None
    assert run("< a b >", "a 1 2 3 4 5 6 b") is None
    assert texts(run("< a[=first] b >", "b a")) == {"first": "a"}


def test_permutation_does_not_expand_orderings() -> None:
    """Twelve items (479 001 600 orderings) that almost match fail fast, within the steps."""
    pattern = "< a b c d e f g h i j k l >"
    assert run(pattern, "a b c d e f g h i j k x") is None
    assert run(pattern, "l k j i h g f e d c b a") is not None


def test_optional_and_repeat() -> None:
    assert texts(run("a b?[=x] c", "a c")) == {"x": ""}
    assert texts(run("a b?[=x] c", "a b c")) == {"x": "b"}
    assert texts(run("(x | y)[2+=x]", "x y y x z")) == {"x": "x y y x"}
    assert texts(run("(x | y)[2+?=x]", "x y y x z")) == {"x": "x y"}
    assert run("(a?)[0+] b", "b") is not None  # an empty repetition cannot loop forever


def test_words_fold_case_and_accents() -> None:
    assert run("héllo", "HELLØ there") is not None
    assert run("hello", "Héllo") is not None


def test_compound_words() -> None:
    for message in ("my wasmachine", "my was-machine", "my was machine", "WAS MACHINE"):
        assert run("was-machine", message) is not None, message
    assert run("was-machine", "was the machine") is None


def test_literals_cover_whole_tokens() -> None:
    assert run('"San Franci"', "San Francisco") is None
    assert run("hello '.'", "hello.") is not None
    assert run("hello '.'", "hello") is None
    assert run("don't", "I don’t know") is not None
    assert run('"don\'t"', "I dont know") is None  # a quoted literal keeps its apostrophe


def test_words_with_an_apostrophe_match_their_other_spellings() -> None:
    """SPEC §7b: `harry's` also matches "harrys", "harry 's" and "harry’s"."""
    for message in ("harrys house", "harry 's house", "harry’s house", "Harry's house"):
        assert run("harry's house", message) is not None, message
    assert run("harry's", "harry") is None


def test_escaped_quotes_inside_a_literal() -> None:
    assert run('say "a \\"big\\" one"', 'say a "big" one') is not None
    assert run("'it\\'s'", "it's") is not None


def test_emoji_are_punctuation() -> None:
    assert run("hello world", "hello 😍 world") is not None
    assert run("hello world", "hello 👍🏽 world!") is not None
    assert run("love 😍", "love 😍") is not None  # a pattern can still name one


def test_punctuation_is_optional() -> None:
    assert run("hello world", "hello... world?!") is not None
    assert run("hello world [End]", "hello world!!!") is not None


def test_start_and_end() -> None:
    assert run("[Start] hello", "Hello there") is not None
    assert run("[Start] hello", "oh hello") is None
    assert run("hello [End]", "oh hello") is not None
    assert run("hello [End]", "hello you") is None
    assert run("[End]", "anything") is not None


def test_regex_rule() -> None:
    assert texts(run("flight /(?<code>[a-z]{2})(?<num>\\d+)/", "my flight kl1234 please")) == {
        "code": "kl",
        "num": "1234",
    }
    # the regex searches the rest of the message, so it may skip tokens, which it consumes
    assert run("a /b/ c", "a x b c") is not None
    assert run("a /b/ [End]", "a x b c") is None
    # a regex may span tokens and sees the punctuation of the message
    assert texts(run("/\\d+\\.\\d+/[=n]", "it is 10.5 now")) == {"n": "10.5"}


def test_whole_pattern_shortcuts() -> None:
    assert run(".*", "anything") is not None
    assert run(".*", "") is None
    assert run("^hel+o", "hello") is not None


def test_pos_never_matches_with_the_naive_tokenizer() -> None:
    assert run("%VERB", "I run") is None
    assert run("i %VERB?", "I run") is not None


def test_concepts() -> None:
    concepts = {"color": ["light blue", "red"], "color.warm": ["orange"]}
    assert texts(run("a @color car", "a light blue car", concepts=concepts)) == {
        "color": "light blue"
    }
    assert texts(run("a @color.warm car", "an a Orange car", concepts=concepts)) == {}
    assert run("a @color.warm car", "a red car", concepts=concepts) is None


def test_empty_pattern_never_matches() -> None:
    assert run("", "") is None
    assert run("   ", "hello") is None


def test_entities_and_renaming() -> None:
    found = run("my email is [email=address]", "My email is Ann@Example.com.")
    assert found is not None
    address = found.captures["address"]
    assert (address.text, address.value, address.kind) == (
        "Ann@Example.com", "ann@example.com", "email"
    )
    found = run("add [number] and [number=other]", "add 5 and 10.5")
    assert found is not None
    assert (found.captures["number"].value, found.captures["other"].value) == (5, 10.5)
    assert run("[number] years", "I was born 18 years ago") is not None
    assert run("[duration]", "I was born 18 years ago") is not None


def test_entity_aliases() -> None:
    assert texts(run("[date]", "see you next friday")) == {"date": "next friday"}
    assert run("[date]", "see you at 6pm") is None  # a clock time is not a date
    found = run("[money]", "that is $5")
    assert found is not None and found.captures["money"].value == {"amount": 5, "unit": "USD"}


def test_capture_text_is_the_original_text_trimmed() -> None:
    """From the first token to the last as typed; trailing punctuation is not a token of the
    tokenization without punctuation, which is tried first."""
    assert texts(run("my name is [1+=name]", "My name is  Ann   Smith! ")) == {
        "name": "Ann   Smith"
    }
    assert texts(run("my name is [1+=name] '!'", "My name is Ann Smith!")) == {
        "name": "Ann Smith"
    }
    assert texts(run("call [1+=who]", "call Ann, Bob")) == {"who": "Ann, Bob"}


def test_later_capture_of_a_name_wins() -> None:
    assert texts(run("(a[=x] | b[=x])[2]", "a b")) == {"x": "b"}


def test_match_span() -> None:
    found = run("hello world", "Oh, hello world!")
    assert found is not None
    assert (found.text, found.start, found.end) == ("hello world", 4, 15)


def test_deeply_nested_patterns_match() -> None:
    """Recursion follows the pattern's nesting, which the parser caps at `syntax_nesting`."""
    pattern = "(a | " * 99 + "b" + ")" * 99
    assert run(pattern, "x b") is not None
    inner = "b"
    for level in range(60):
        inner = f"(x | {inner} c?)[=c{level}]"
    found = run(inner, "b c c")
    assert found is not None
    assert (found.captures["c0"].text, found.captures["c59"].text) == ("b c", "b c c")


def test_invalid_patterns_raise_pattern_error_at_compile_time() -> None:
    with pytest.raises(PatternError):
        compile_text("hello (world")
    with pytest.raises(PatternError):
        compile_text("my #<")


def test_match_needs_no_clock_or_budget() -> None:
    assert match(compile_text("hello [time]"), "hello tomorrow") is not None


@pytest.mark.parametrize(("pattern", "message"), [
    ("don't", "I do not know"), ("do not", "I don't know"), ("do not", "I don’t know"),
    ("won't", "it will not work"), ("will not", "it won't work"), ("can't", "I can not"),
    ("we are open", "we're open"), ("I will go", "I'll go"), ("they have left", "they've left"),
])
def test_contractions_are_written_out(pattern: str, message: str) -> None:
    """SPEC §7b: English contractions are normalised before matching, both ways."""
    assert run(pattern, message) is not None


def test_a_possessive_is_not_a_contraction() -> None:
    assert run("harry is", "harry's") is None
    assert run("do not", "I do know") is None


def test_a_per_token_regex() -> None:
    """`/re/T` tries the regex on one token at a time and consumes that token (SPEC §7b)."""
    assert run("/^[0-9]+$/T", "call 123 now") is not None
    assert run("call /^[0-9]+$/T now", "call 123 now") is not None
    assert run("call /^[0-9]+$/T now", "call 12 3 now") is None  # one token, not two
    assert run("/^[0-9]+$/", "call 123 now") is None  # without T: searched from a token to the end
    found = run("code /^(?<digits>[0-9]+)$/T", "code 42")
    assert found is not None and found.captures["digits"].text == "42"


@pytest.mark.parametrize(("pattern", "message", "matches"), [
    # bubble-match's own tests (matcher_test.exs, "regex per token"): `T` anchors the regex to the token
    ("/hello world/T", "hello world", False),
    ("/world/T", "hello world lala", True),
    ("/\\d{4}/T[=code]", "my code is 1234", True),
    ("/\\d{4}/T[=code]", "my code is 01234", False),
    ("/KL(?<digits>\\d+)/T", "my number is KL1234", True),
    ("/orl/T", "hello world", False),  # inside a token is not the token
])
def test_a_per_token_regex_matches_whole_tokens(pattern: str, message: str, matches: bool) -> None:
    assert (run(pattern, message) is not None) is matches
