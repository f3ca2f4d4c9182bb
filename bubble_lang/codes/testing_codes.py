"""Diagnostic codes: conversation tests (B48x), reported by `bubble test` and the pytest plugin.

They sit in the runtime family (B4xx) because a test failure is found while a conversation runs;
each points at the test statement that failed, never at Python code.
"""

from __future__ import annotations

from .entry import CodeInfo
from .entry import error_code as _code


CODES: tuple[CodeInfo, ...] = (
    _code("B480", "expectation-not-met", "expected bot message not sent",
          "An `expect` found no bot message that fits: no unread message matches the BML pattern, or none "
          "offers the buttons, quick replies, widget or content asked for.",
          "The bot does not behave as the test says it should.",
          'say "add 5 and 5"\nexpect "11"',
          "Read the conversation printed under the failure: fix the bot, or the pattern if the bot is right."),
    _code("B481", "unexpected-bot-message", "unexpected bot message",
          "An `expect_not` found an unread bot message that matches its pattern, or `expect_end` found unread "
          "messages left.",
          "The bot said something the test says it must not say.",
          'say "hi"\nexpect_not "error"',
          "Read the conversation printed under the failure and change the bot or the test."),
    _code("B482", "assertion-failed", "assertion failed",
          "The condition of an `assert` in a test is `false` or `nil`.",
          "A conversation variable does not hold what the test expects.",
          'say "pepperoni"\nassert pizza == "hawaii"',
          "Compare the values shown under the failure with the ones the test expects."),
    _code("B483", "test-input-refused", "test statement cannot act",
          "A test statement could not do what it says: `submit` while the bot waits for no answer, "
          "`location` without `lat:` and `lon:`, or `attachment` with an unknown kind.",
          "The test cannot drive the conversation as written.",
          'submit 3   # but the bot asked nothing',
          "Check what the bot waits for in the conversation printed under the failure."),
    _code("B484", "bot-error-in-test", "the bot failed during a test",
          "A runtime error happened in the bot while a test ran, and the bot has no `__error__` dialog to "
          "handle it.",
          "An unhandled script error is a bug in the bot, even when the test would otherwise pass.",
          'say "divide 1 by 0"   # and the bot computes 1 / 0',
          "Fix the error shown under the failure, or add a `dialog __error__` if errors are expected."),
)
