"""Legacy (pre-BML) triggers (patterns layer): `#<name>` captures inside a regex-like string.

Input: the decoded text of a `trigger:` string that `is_legacy_trigger` accepted. Output: a
`LegacyPattern` holding one checked regex source (compiled with `regexes.REGEX_FLAGS`, searched
anywhere in the message, case-insensitively) and its capture names, or a `PatternError` with
offsets into the text. It never matches anything.

The old syntax (reference §10.8, SPEC §7b):

- `my name is #<name>` captures the rest of the message into `name` (`(?P<name>.+)`; a rest
  capture that is followed by more text is lazy, `.+?`).
- `num:#<n:[0-9]+>` captures what the regex after `:` matches into `n`; that regex ends at the
  first `>` outside its own parentheses, brackets and escapes.
- Everything else is regex source, as in the old platform (`mus(ic|eum)`).

Which texts are legacy: only those containing `#<`. A plain `stop|quit|end` is valid BML (word
alternatives) and goes to `parse_bml`, which matches the same messages except that BML compares
whole words (`stop` no longer matches "unstoppable"). A legacy regex without `#<`, such as
`mus(ic|eum)`, is a BML error whose hint says to write `/mus(ic|eum)/`; `parse_legacy` itself
accepts it if a caller wants the old meaning.
"""

from __future__ import annotations

from ..limits import DEFAULT_LIMITS, Limits
from .atoms import is_name
from .pattern_error import PatternError
from .tree import LegacyPattern
from .regexes import check_regex


def is_legacy_trigger(text: str) -> bool:
    """True when `text` uses the legacy `#<name>` capture syntax (and so is not BML)."""
    return "#<" in text


def parse_legacy(text: str, limits: Limits = DEFAULT_LIMITS) -> LegacyPattern:
    """Compile a legacy trigger to a regex source; raise `PatternError` when it is invalid."""
    if not text.strip():
        raise PatternError(
            "empty trigger",
            0,
            max(len(text), 1),
            "write the words the trigger should match",
        )
    if len(text) > limits.trigger_regex_chars:
        # The regex built below is never shorter than the text; refuse before building it.
        raise PatternError(
            f"legacy trigger is longer than {limits.trigger_regex_chars} characters",
            0,
            len(text),
            "shorten the trigger or split it into several triggers",
        )
    chars: list[str] = []
    offsets: list[int] = []
    names: list[str] = []
    rest_names: list[str] = []

    def emit(piece: str, where: int) -> None:
        chars.extend(piece)
        offsets.extend([where] * len(piece))

    i = 0
    while i < len(text):
        if not text.startswith("#<", i):
            emit(text[i], i)
            i += 1
            continue
        opener = i
        name, name_end = _read_name(text, opener + 2)
        if name in names:
            raise PatternError(
                f"capture `{name}` appears twice",
                opener + 2,
                name_end,
                "give each capture its own name",
            )
        names.append(name)
        after = text[name_end] if name_end < len(text) else None
        if after == ">":
            i = name_end + 1
            lazy = bool(text[i:].strip())
            emit(f"(?P<{name}>.+{'?' if lazy else ''})", opener)
            rest_names.append(name)
        elif after == ":":
            close = _find_close(text, name_end + 1)
            if close is None:
                raise PatternError("unclosed `#<`", opener, opener + 2, "end the capture with `>`")
            if close == name_end + 1:
                raise PatternError(
                    f"empty regex in capture `{name}`", name_end, close + 1,
                    f"write a regex after `:`, like `#<{name}:[0-9]+>`",
                )
            emit(f"(?P<{name}>", opener)
            for index in range(name_end + 1, close):
                emit(text[index], index)
            emit(")", close)
            i = close + 1
        elif after is None:
            raise PatternError("unclosed `#<`", opener, opener + 2, "end the capture with `>`")
        else:
            raise PatternError(
                f"unexpected `{after}` in capture `{name}`", name_end, name_end + 1,
                f"write `#<{name}>` for the rest of the message or `#<{name}:regex>`",
            )
    offsets.append(len(text))
    source = "".join(chars)
    capture_names = check_regex(source, offsets, limits)
    return LegacyPattern(
        text=text,
        source=source,
        capture_names=capture_names,
        rest_names=tuple(rest_names),
        start=0,
        end=len(text),
    )


def _read_name(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    name = text[start:end]
    if not name:
        raise PatternError(
            "missing capture name after `#<`", start - 2, start, "write a name, like `#<name>`"
        )
    if not is_name(name):
        raise PatternError(
            f"`{name}` is not a valid name",
            start,
            end,
            "use letters, digits and `_`, starting with a letter",
        )
    return name, end


def _find_close(text: str, start: int) -> int | None:
    """The `>` ending an inline capture regex: outside parentheses, classes and escapes."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i += 1
            if text.startswith("^", i):
                i += 1
            if text.startswith("]", i):
                i += 1
            while i < len(text) and text[i] != "]":
                i += 2 if text[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ">" and depth == 0:
            return i
        i += 1
    return None
