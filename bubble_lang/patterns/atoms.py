"""Leaf rules of BML (patterns layer): the non-recursive half of the parser.

Input: the pattern text and a position. Output: words, literals, regexes, `%TAG`/`@concept`
names and the contents of `[…]` blocks, each with offsets into the text, or a `PatternError`
on the exact character at fault. Nothing here recurses, so nesting limits live in `bml.py`.
"""

from __future__ import annotations

import re

from typing import NoReturn

import attrs

from ..limits import Limits
from ..spelling import nearest_name
from .pattern_error import PatternError
from .tree import ENTITY_KINDS, Compound, Literal, Regex, Rule, Word
from .regexes import check_regex, read_regex_source
from .words import normalize_word

SPECIAL = frozenset("`~!@#$%^&*()_+=-{}|\\][';\":?><,./")
# Scanners that read a whole run at once, so the hot loops make one call per word instead of one
# per character. `re` (not `regex`) on purpose: its `\s` is exactly `str.isspace` and its `\w`
# exactly `str.isalnum() or "_"`, the per-character tests these replace (checked over every code
# point on Python 3.11).
_WORD_CHAR = "[^\\s" + "".join(re.escape(char) for char in sorted(SPECIAL)) + "]"
_WORD_PART = f"{_WORD_CHAR}+(?:'{_WORD_CHAR}+)*"  # `'` only between word characters: `don't`
#: A bare word: word parts joined by single `-` (`was-machine`); what `parse_word` reads.
_WORD = re.compile(f"{_WORD_PART}(?:-{_WORD_PART})*")
_SPACES = re.compile(r"\s+")


def spaces_end(text: str, pos: int) -> int:
    """Where the run of whitespace at `pos` ends (`pos` itself when there is none). Usually there
    is none or one space: those are looked at directly, the scanner runs only for more."""
    if pos < len(text) and text[pos].isspace():
        pos += 1
        if pos < len(text) and text[pos].isspace():
            pos = _SPACES.match(text, pos).end()  # type: ignore[union-attr]
    return pos

_NAME = re.compile(r"\w*")
_DIGITS = re.compile("[0-9]*")
_PUNCT_HINT = "quote punctuation to match it, like `'!'`, or leave it out: punctuation is optional"
_MAX_DIGITS = 9  # longer numbers are over any limit; int() of huge digit strings is slow
_ANCHORS = ("Start", "End")
_BLOCK_HINT = "write a range like `[1-3]`, an entity like `[email]`, or a capture like `[=name]`"
_ENTITY_HINT = "use a known entity kind, like `[email]`, `[number]` or `[time]`"


def is_word_char(char: str | None) -> bool:
    """Word characters are everything but whitespace and BML's special characters."""
    return char is not None and char not in SPECIAL and not char.isspace()


def is_digit(char: str | None) -> bool:
    """ASCII digits only: counts are written `[2]`, never with other scripts' digits."""
    return char is not None and "0" <= char <= "9"


def is_name(name: str) -> bool:
    """Capture, concept and tag names: ASCII identifiers, so they work as `message.name`."""
    return name.isascii() and name.isidentifier()


# `Count` and `Block` are records the parser makes and reads at once and never hands out, so they
# are plain (not frozen) attrs classes: a frozen class's `__init__` costs three times as much.
@attrs.define
class Count:
    """A parsed `N`, `N-M` or `N+` with its `?`, as written inside `[…]`."""

    min: int
    max: int | None
    greedy: bool


@attrs.define
class Block:
    """What a `[…]` held: at most one of count/kind/regex/anchor, plus a capture name."""

    start: int
    end: int
    count: Count | None = None
    kind: str | None = None
    regex: Regex | None = None
    anchor: str | None = None
    name: str | None = None
    name_start: int = 0


class Cursor:
    """A position in the pattern text with the leaf readers; `pos` is the next unread char."""

    __slots__ = ("text", "limits", "pos", "size")

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self.pos = 0
        self.size = len(text)  # hot loops index `text` directly, guarded by `pos < size`

    def peek(self, ahead: int = 0) -> str | None:
        index = self.pos + ahead
        return self.text[index] if index < self.size else None

    def skip_ws(self) -> bool:
        """Skip a run of whitespace; whether there was any (rules must be space-separated)."""
        start = self.pos
        self.pos = spaces_end(self.text, start)
        return self.pos > start

    def fail(
        self, message: str, start: int, end: int | None = None, hint: str | None = None
    ) -> NoReturn:
        raise PatternError(message, start, start + 1 if end is None else end, hint)

    def unexpected(self, char: str) -> NoReturn:
        """Report a character that cannot start a rule, with the most useful hint for it."""
        at = self.pos
        if char == "]":
            self.fail("unmatched `]`", at, hint="remove it or add a `[` before it")
        if char == "?":
            spaced = at > 0 and self.text[at - 1].isspace()
            hint = "remove the space before `?`" if spaced else "put `?` right after a rule"
            self.fail("`?` must follow a rule directly", at, hint=hint)
        if char == "*" or (char == "." and self.peek(1) == "*"):
            end = at + (2 if char == "." else 1)
            self.fail(
                f"unexpected `{self.text[at:end]}`",
                at,
                end,
                "use `[0+]` for any number of words",
            )
        if char == "-":
            self.fail("unexpected `-`", at, hint="join two words with it, like `was-machine`")
        if char == "^":
            hint = "start the whole pattern with `^`, or write a regex like `/^hi/`"
            self.fail("unexpected `^`", at, hint=hint)
        if char in "=+{}\\":
            self.fail(
                f"unexpected `{char}`",
                at,
                hint=f"quote it to match it literally, like `'{char}'`",
            )
        self.fail(f"unexpected `{char}`", at, hint=_PUNCT_HINT)

    # -- words and literals --------------------------------------------------------------------

    def parse_word(self) -> Rule:
        """A bare word at a word character: `hello`, `don't` (a literal), `was-machine`.

        One `_WORD` match reads all of it; a `-` right after it is one with no word after it.
        """
        text = self.text
        start = self.pos
        end = _WORD.match(text, start).end()  # type: ignore[union-attr]
        self.pos = end
        if end < self.size and text[end] == "-":
            self.fail(
                "missing word after `-`",
                end,
                hint="remove the `-` or join two words, like `was-machine`",
            )
        written = text[start:end]
        value = normalize_word(written)
        if "'" in value:
            return Literal(text=written, value=value, quote="", start=start, end=end)
        if "-" in written:
            folded = tuple(normalize_word(part) for part in written.split("-"))
            return Compound(text=written, parts=folded, start=start, end=end)
        return Word(text=written, value=value, start=start, end=end)

    def parse_literal(self, quote: str) -> Rule:
        start = self.pos
        close = start + 1
        while (close := self.text.find(quote, close)) > 0 and _escaped(self.text, close):
            close += 1  # `\"` is a quote inside the literal (SPEC §7b)
        if close < 0:
            self.fail(f"unclosed `{quote}`", start, hint=f"add a closing `{quote}`")
        self.pos = close + 1
        # `\"` is the quote and `\\` a backslash: the same pairs the search for the closing
        # quote skipped, so `'\\'` (a literal backslash) closes where it seems to
        body = self.text[start + 1 : close]
        if "\\" in body:  # `re.sub` costs a microsecond even when there is nothing to replace
            body = re.sub(r"\\([\\" + quote + "])", r"\1", body)
        if not body.strip():
            hint = "put text between the quotes or remove them"
            self.fail("empty literal", start, self.pos, hint)
        value = normalize_word(body)
        return Literal(text=body, value=value, quote=quote, start=start, end=self.pos)

    def parse_path(
        self, sigil: str, what: str, example: str, *, dotted: bool
    ) -> tuple[tuple[str, ...], int]:
        """`%TAG` or `@name.sub`: names after a sigil, separated by dots when `dotted`."""
        start = self.pos
        self.pos += 1
        names = [self.read_name(what, example, sigil)]
        while dotted and self.peek() == ".":
            self.pos += 1
            names.append(self.read_name(what, example, "."))
        return tuple(names), start

    def read_name(self, what: str, example: str, after: str) -> str:
        """Letters, digits and `_` (any script, so a wrong name gets a precise error)."""
        start = self.pos
        self.pos = _NAME.match(self.text, start).end()  # type: ignore[union-attr]
        name = self.text[start : self.pos]
        if not name:
            self.fail(
                f"missing {what} after `{after}`",
                max(start - 1, 0),
                hint=f"write a name, like `{example}`",
            )
        if not is_name(name):
            self.fail(
                f"`{name}` is not a valid name",
                start,
                self.pos,
                "use letters, digits and `_`, starting with a letter",
            )
        return name

    # -- regexes -------------------------------------------------------------------------------

    def parse_regex(self) -> Regex:
        """`/…/` with `\\/` for a slash; other escapes are kept for the regex engine."""
        opener = self.pos
        text = self.text
        source, offsets, close = read_regex_source(text, opener + 1, len(text), closing=True)
        if close < 0:
            hint = "end the regex with `/`, and write a slash inside it as `\\/`"
            self.fail("unclosed regex", opener, hint=hint)
        self.pos = close + 1
        if not source:
            hint = "put a regular expression between the slashes"
            self.fail("empty regex", opener, self.pos, hint)
        per_token = self.peek() == "T"  # `/re/T`: one token at a time (SPEC §7b)
        if per_token:
            self.pos += 1
        names = check_regex(source, offsets, self.limits)
        return Regex(source=source, group_names=names, per_token=per_token, start=opener, end=self.pos)

    def whole_regex(self, start: int, end: int) -> Regex:
        """A whole pattern starting with `^` is one regex, read like the inside of `/…/`."""
        source, offsets, self.pos = read_regex_source(self.text, start, end, closing=False)
        names = check_regex(source, offsets, self.limits)
        return Regex(source=source, group_names=names, start=start, end=end)

    # -- [...] blocks --------------------------------------------------------------------------

    def parse_block(self, *, standalone: bool) -> Block:
        """The inside of `[…]`: a count, entity, regex or anchor, then an optional `=name`."""
        opener = self.pos
        self.pos += 1
        self.skip_ws()
        char = self.peek()
        count = kind = anchor = None
        regex = None
        if char is None:
            self.fail("unclosed `[`", opener, hint="add a `]` to close it")
        if char == "]":
            self.fail("empty `[]`", opener, self.pos + 1, _BLOCK_HINT)
        if is_digit(char):
            count = self.parse_count()
        elif char == "/":
            if not standalone:
                self.fail(
                    "a regex cannot modify a rule",
                    self.pos,
                    hint="add a space before `[` to match the regex on its own",
                )
            regex = self.parse_regex()
        elif char.isalnum() or char == "_":
            name_start = self.pos
            word = self.read_name("an entity kind", "[email]", "[")
            if not standalone:
                if word in ENTITY_KINDS or word in _ANCHORS:
                    hint = f"add a space before `[` to match `[{word}]` on its own"
                    self.fail(f"`[{word}]` cannot modify a rule", name_start, self.pos, hint)
                hint = "write a repeat like `[2+]` or a capture like `[=name]`"
                self.fail(f"unexpected `{word}` inside `[…]`", name_start, self.pos, hint)
            if word in _ANCHORS:
                anchor = word
            else:
                self.check_entity(word, name_start)
                kind = word
        elif char != "=":
            self.fail(f"unexpected `{char}` inside `[…]`", self.pos, hint=_BLOCK_HINT)
        self.skip_ws()
        name, name_start = None, 0
        if self.peek() == "=":
            if anchor is not None:
                self.fail(
                    f"`[{anchor}]` cannot be captured",
                    self.pos,
                    hint="remove the `=` and the name",
                )
            if standalone and count is None and kind is None and regex is None:
                self.fail(
                    "capture `[=…]` needs a rule before it",
                    opener,
                    hint="attach it to a rule without a space, like `word[=name]`",
                )
            self.pos += 1
            self.skip_ws()
            name_start = self.pos
            name = self.read_name("a capture name", "[=name]", "=")
            self.skip_ws()
        char = self.peek()
        if char is None:
            self.fail("unclosed `[`", opener, hint="add a `]` to close it")
        if char != "]":
            self.fail(
                f"unexpected `{char}` inside `[…]`",
                self.pos,
                hint="close the block with `]`",
            )
        self.pos += 1
        return Block(opener, self.pos, count, kind, regex, anchor, name, name_start)

    def parse_count(self) -> Count:
        """`N`, `N-M`, `N+`, each optionally followed by `?` for non-greedy."""
        start = self.pos
        low = self.read_number()
        high: int | None = low
        self.skip_ws()
        if self.peek() == "+":
            self.pos += 1
            high = None
        elif self.peek() == "-":
            dash = self.pos
            self.pos += 1
            self.skip_ws()
            if not is_digit(self.peek()):
                self.fail("missing number after `-`", dash, hint="write a range like `[1-3]`")
            high = self.read_number()
            if high < low:
                self.fail(
                    f"range `{low}-{high}` ends before it starts",
                    start,
                    self.pos,
                    f"write the smaller number first, like `[{high}-{low}]`",
                )
        self.skip_ws()
        greedy = True
        if self.peek() == "?":
            if high == low and self.text[start : self.pos].strip().isdigit():
                self.fail(
                    "`?` has no effect on an exact count",
                    self.pos,
                    hint="remove the `?`, or write a range like `[1-3?]`",
                )
            self.pos += 1
            greedy = False
        return Count(low, high, greedy)

    def read_number(self) -> int:
        start = self.pos
        self.pos = _DIGITS.match(self.text, start).end()  # type: ignore[union-attr]
        digits = self.text[start : self.pos]
        limit = self.limits.regex_repeat
        if len(digits) > _MAX_DIGITS or int(digits) > limit:
            self.fail(
                f"count `{digits}` is over the limit of {limit}",
                start,
                self.pos,
                f"use a count of at most {limit}, or `+` for any number",
            )
        return int(digits)

    def check_entity(self, kind: str, start: int) -> None:
        if kind in ENTITY_KINDS:
            return
        candidates = sorted(ENTITY_KINDS) + list(_ANCHORS)
        folded = {candidate.lower(): candidate for candidate in candidates}
        guess = folded.get(kind.lower())
        if guess is None:
            prefixed = [name for name in folded if len(kind) >= 3 and name.startswith(kind.lower())]
            close = nearest_name(kind.lower(), list(folded))
            pick = prefixed or ([close] if close else [])
            guess = folded[pick[0]] if pick else None
        hint = f"did you mean `[{guess}]`?" if guess else _ENTITY_HINT
        self.fail(f"unknown entity `{kind}`", start, start + len(kind), hint)


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` follows an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1
