"""Regex checks for patterns (patterns layer): compile once at load, within the §13 budgets.

Input: the unescaped source of a `/re/` rule (or a legacy trigger) and, for each of its
characters, the offset in the pattern text it came from. Output: the named groups, or a
`PatternError` placed on the offending character. It must never let a regex through that
the `regex` module refuses, nor one whose counted repeats could blow up at match time; it never
matches anything (the runtime does, with the per-call timeout).

The limit scan runs before compiling, so a huge `{n}` is refused without building it. It reads
the regex the way the `regex` module does in its default (version 0, non-verbose) mode; the
inline flags that change that reading (`x`, `V1`) are refused so the scan cannot be fooled.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import regex

from ..limits import Limits
from .pattern_error import PatternError

REGEX_FLAGS = regex.IGNORECASE | regex.UNICODE | regex.VERSION0
"""Flags every pattern regex is compiled with, here and by the matcher."""

_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FLAG_GROUP = regex.compile(r"\(\?([A-Za-z0-9]*)(?:-[A-Za-z0-9]*)?[:)]")
_BRACED_ESCAPES = frozenset("pPNx")
_REGEX_HINT = "fix the regular expression"
# Compile errors that the `regex` module reports at the end but that belong to an opener.
_OPENER_ERRORS = {"missing )": "(", "unterminated character set": "["}


@attrs.define
class _Group:
    """An open `(` while scanning: where it is and the largest counted product inside it."""

    offset: int
    inner: int = 1


def check_regex(source: str, offsets: Sequence[int], limits: Limits) -> tuple[str, ...]:
    """Check `source` against the limits, compile it, and return its named groups in order.

    `offsets[i]` is the pattern-text offset of `source[i]`; `offsets[len(source)]` is where the
    regex ends (its closing delimiter), used for errors at the end.
    """
    if len(source) > limits.trigger_regex_chars:
        raise PatternError(
            f"regex is longer than {limits.trigger_regex_chars} characters",
            offsets[0],
            offsets[-1],
            "shorten the regex or split the trigger into several patterns",
        )
    openers = _scan_limits(source, offsets, limits)
    try:
        compiled = regex.compile(source, REGEX_FLAGS)
    except regex.error as exc:
        pos = exc.pos if isinstance(exc.pos, int) else 0
        pos = min(max(pos, 0), len(source))
        message = str(exc.msg)
        opener = _OPENER_ERRORS.get(message)
        if opener is not None and openers.get(opener) is not None:
            pos = openers[opener]  # the unclosed `(` or `[`, not the end of the regex
        where = offsets[pos]
        raise PatternError(f"invalid regex: {message}", where, where + 1, _REGEX_HINT) from None
    except (OverflowError, ValueError, TypeError, IndexError, RecursionError) as exc:
        raise PatternError(
            f"invalid regex: {type(exc).__name__.lower()}", offsets[0], offsets[-1], _REGEX_HINT
        ) from None
    groups = sorted(compiled.groupindex.items(), key=lambda item: item[1])
    return tuple(name for name, _ in groups)


def read_regex_source(
    text: str, start: int, end: int, *, closing: bool
) -> tuple[str, list[int], int]:
    """Read regex source from `text[start:end]`: `\\/` is a slash, other escapes stay as written.

    Returns the source, the text offset of each source character plus one for the end, and
    where reading stopped: the unescaped closing `/` when `closing` (-1 if there is none),
    else `end`.
    """
    stop = text.find("/", start, end) if closing else -1
    if text.find("\\", start, end if stop < 0 else stop) < 0:
        # No backslash before the closing `/` (the usual case): the source is the text as written
        # and each character comes from its own offset, which the loop below would find too.
        upto = end if stop < 0 else stop
        source = text[start:upto]
        return source, list(range(start, upto + 1)), stop if closing else end
    chars: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        char = text[i]
        if closing and char == "/":
            offsets.append(i)
            return "".join(chars), offsets, i
        if char == "\\" and i + 1 < end:
            if text[i + 1] == "/":
                chars.append("/")
                offsets.append(i)
            else:
                chars.extend(text[i : i + 2])
                offsets.extend((i, i + 1))
            i += 2
        else:
            chars.append(char)
            offsets.append(i)
            i += 1
    offsets.append(end)
    return "".join(chars), offsets, -1 if closing else end


def _scan_limits(source: str, offsets: Sequence[int], limits: Limits) -> dict[str, int | None]:
    """Enforce group nesting, counted repeat size and nested repeat product, in one pass.

    Returns where the innermost unclosed `(` and an unterminated `[` are, for error positions.
    """
    unclosed_class: int | None = None
    stack = [_Group(offset=-1)]
    last: int | None = None  # counted product of the atom a quantifier would apply to
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "\\":
            i = _skip_escape(source, i)
            last = 1
        elif char == "[":
            start, i = i, _skip_class(source, i)
            if i > n:
                unclosed_class = start
            last = 1
        elif char == "(":
            if source.startswith("(?#", i):
                close = source.find(")", i)
                i = n if close < 0 else close + 1
                continue
            _check_flags(source, i, offsets)
            stack.append(_Group(offset=i))
            if len(stack) - 1 > limits.regex_group_nesting:
                raise PatternError(
                    f"regex groups nest deeper than {limits.regex_group_nesting} levels",
                    offsets[i],
                    offsets[i] + 1,
                    "flatten the regex or split it into several patterns",
                )
            last = None
            i += 1
        elif char == ")":
            if len(stack) > 1:
                group = stack.pop()
                stack[-1].inner = max(stack[-1].inner, group.inner)
                last = group.inner
            else:
                last = 1
            i += 1
        elif char == "{" and last is not None and (match := _QUANTIFIER.match(source, i)):
            last = _check_quantifier(match, last, offsets, limits)
            stack[-1].inner = max(stack[-1].inner, last)
            i = match.end()
        elif char == "|":
            last = None
            i += 1
        elif char in "*+?":
            i += 1
        else:
            last = 1
            i += 1
    return {"(": stack[-1].offset if len(stack) > 1 else None, "[": unclosed_class}


def _check_quantifier(
    match: regex.Match[str], inner: int, offsets: Sequence[int], limits: Limits
) -> int:
    """Check one `{n}`, `{n,}`, `{,m}` or `{n,m}` and return the product it makes."""
    bound = 1
    for group in (1, 3):
        digits = match.group(group)
        if not digits:
            continue
        where = match.start(group)
        if len(digits) > 9 or int(digits) > limits.regex_repeat:
            raise PatternError(
                f"regex repeat `{{{match.group(0)[1:-1]}}}` is over the limit of "
                f"{limits.regex_repeat}",
                offsets[where],
                offsets[match.end(group) - 1] + 1,
                f"use a count of at most {limits.regex_repeat}, or `+` for any number",
            )
        bound = max(bound, int(digits))
    if not match.group(1) and not match.group(3):
        return inner  # `{}` or `{,}`: no counted bound
    product = bound * inner
    if product > limits.regex_bound_product:
        start = match.start()
        raise PatternError(
            f"nested regex repeats allow {product} repetitions, over the limit of "
            f"{limits.regex_bound_product}",
            offsets[start],
            offsets[match.end() - 1] + 1,
            "lower the counts of the nested repeats",
        )
    return product


def _check_flags(source: str, i: int, offsets: Sequence[int]) -> None:
    """Refuse inline flags that change how the limit scan must read the regex."""
    match = _FLAG_GROUP.match(source, i)
    if match is None:
        return
    flags = match.group(1)
    if "x" in flags or "V1" in flags:
        bad = "x" if "x" in flags else "V1"
        where = offsets[match.start(1) + flags.index(bad)]
        raise PatternError(
            f"regex flag `{bad}` is not supported in patterns",
            where,
            where + len(bad),
            f"remove the `{bad}` flag",
        )


def _skip_escape(source: str, i: int) -> int:
    """Skip `\\x`, and the braces of `\\p{…}`, `\\N{…}`, `\\x{…}` (they are not quantifiers)."""
    if i + 1 < len(source) and source[i + 1] in _BRACED_ESCAPES:
        if source.startswith("{", i + 2):
            close = source.find("}", i + 2)
            return len(source) if close < 0 else close + 1
    return i + 2


def _skip_class(source: str, i: int) -> int:
    """Skip a character class; a `]` first in it is literal, as in the `regex` module."""
    j = i + 1
    if source.startswith("^", j):
        j += 1
    if source.startswith("]", j):
        j += 1
    while j < len(source) and source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1
