"""Test reports (layer 11): a failed test as text a person reads, and the run's summary.

Input: `TestOutcome`s. Output: strings. A failure is the diagnostic in the full format (file,
line, column, the test line with a caret, expected against actual in the notes), then the
conversation so far with the bot messages no `expect` read marked `<- unread`. The pytest plugin
and `bubble test` print the same text, so a failure reads alike in both.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..render import render_full
from .driver import TestOutcome
from .transcript import render_lines


def outcome_place(outcome: TestOutcome) -> str:
    """`file:line` of the test block, for report headers."""
    return f"{outcome.span.file.name}:{outcome.span.line}"


def render_failure(outcome: TestOutcome, *, color: bool = False) -> str:
    """The failure of one test: diagnostics (in the order they happened), then the conversation."""
    blocks = [render_full([diagnostic], color=color).rstrip("\n") for diagnostic in outcome.diagnostics]
    lines = render_lines(list(outcome.transcript), list(outcome.unread))
    conversation = [f"conversation so far (test {_quoted(outcome.title)}):"]
    conversation += [f"  {line}" for line in lines] if lines else ["  (nothing was said)"]
    return "\n\n".join(blocks) + "\n\n" + "\n".join(conversation) + "\n"


def render_handled(outcome: TestOutcome) -> str:
    """A note for a passing test during which the bot's `__error__` dialog handled an error."""
    parts = []
    for diagnostic in outcome.handled_errors:
        where = f" at {diagnostic.span.location()}" if diagnostic.span is not None else ""
        parts.append(f"note: test {_quoted(outcome.title)} passed, but the bot had error[{diagnostic.code}]"
                     f"{where}: {diagnostic.message} (its `__error__` dialog handled it)")
    return "\n".join(parts) + ("\n" if parts else "")


def summary(outcomes: Iterable[TestOutcome], broken: int = 0) -> str:
    """`12 passed, 1 failed`; `no tests ran` when there were none."""
    outcomes = list(outcomes)
    passed = sum(outcome.passed for outcome in outcomes)
    failed = len(outcomes) - passed
    parts = []
    if passed:
        parts.append(f"{passed} passed")
    if failed:
        parts.append(f"{failed} failed")
    if broken:
        parts.append(f"{broken} bot{'s' if broken != 1 else ''} did not compile")
    return ", ".join(parts) if parts else "no tests ran"


def _quoted(title: str) -> str:
    return '"' + title.replace('"', '\\"') + '"'
