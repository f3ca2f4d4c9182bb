"""Pattern errors (patterns layer, used by the compiler's trigger checks).

Input: nothing; this module only defines the exception. Output: `PatternError`, raised by
`parse_bml` and `parse_legacy` for any text they refuse. It carries offsets into the *pattern
text* (the decoded string value), never into the `.bot` file: the caller adds the offset of the
string literal (and undoes escapes) to build a `Diagnostic`. It must never carry a Python
traceback to the author.
"""

from __future__ import annotations


class PatternError(Exception):
    """A pattern the author must fix: what is wrong, where inside the pattern, and how to fix it.

    `start`/`end` are character (code point) offsets into the pattern text, `end` exclusive and
    always greater than `start` unless the pattern is empty, so a caret can always be drawn.
    """

    def __init__(self, message: str, start: int, end: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start)
        self.hint = hint

    def __repr__(self) -> str:
        return (
            f"PatternError({self.message!r}, start={self.start}, end={self.end}, "
            f"hint={self.hint!r})"
        )
