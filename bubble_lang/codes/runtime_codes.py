"""Diagnostic codes: runtime (B4xx), raised while a script runs; B45x are exceeded limits."""

from __future__ import annotations

from .entry import CodeInfo
from .entry import error_code as _code


CODES: tuple[CodeInfo, ...] = (
    _code("B401", "runtime-type-error", "wrong type of value",
          "An operation or builtin got a value of a type it cannot use, like `\"a\" * 2` or `length(5)`.",
          "bubble never guesses a conversion that could hide a mistake.",
          'total = "3" * 2', "Convert explicitly, for example with `number(text)` or `string(value)`."),
    _code("B402", "division-by-zero", "division by zero",
          "A `/`, `div` or `rem` had zero on the right.", "The result is undefined.",
          "x = 10 / count", "Check the divisor first: `if count > 0 do … end`."),
    _code("B403", "bad-argument", "bad argument to a builtin",
          "A builtin got a value it cannot work with, like an unknown date unit or a malformed date.",
          "The call cannot produce a meaningful result.", 'date_diff(a, b, :fortnights)',
          "Check the builtin's documentation with `bubble explain fn:NAME`."),
    _code("B404", "not-supported-yet", "not supported yet",
          "The script uses something this release of bubble does not run yet: a widget that needs a rich "
          "channel (`upload`, `captcha`, `form`, `multi_values`, `location`).",
          "Those need the widget layer, which is planned; failing clearly beats silently ignoring the statement.",
          'name = ask "Your file?", expecting: input_method("upload")',
          "Leave the statement out for now, or use a form listed in the README."),
    _code("B405", "no-guard-holds", "no dialog variant applies",
          "`invoke` or `goto` named a dialog all of whose variants have guards, and none of them holds.",
          "bubble cannot choose a dialog to run.", "dialog greet when morning do … end\n…\ninvoke greet",
          "Add a variant without `when` as the fallback."),
    _code("B470", "extension-failed", "an extension call failed",
          "An `extension` call did not give a usable answer: the server could not be reached, was too slow, "
          "answered with an error or with something that is not Chatto's response, or no server is configured.",
          "A turn must not go on with half of what the extension would have done; it is rolled back, the bot "
          "says its error text and `__error__` runs, and the conversation goes on.",
          'extension "search_pokemon", server: "pokemon"',
          "Check that the server named by `server:` is configured in bubble.toml and answers; see docs/extensions.md."),
    _code("B520", "input-rejected", "an input cannot be played",
          "A message, event, location or attachment sent to the bot cannot be used as it is: an event payload "
          "nested deeper than 64 levels or bigger than the value limit, a number that is not finite, a location "
          "off the globe, an unknown attachment kind.",
          "One odd input must never crash a turn or reach the stored state; it is refused before the turn starts, "
          "and nothing of the conversation changes.",
          '/event order {"items": [[[[…]]]]}', "Send smaller, flatter data within the limits of SPEC §13."),
    _code("B499", "internal-error", "internal error in bubble",
          "bubble itself failed while running a turn: this is a bug in bubble, not in the script.",
          "The conversation is rolled back to the start of the turn and goes on; the report helps fix the bug.",
          "(any turn)", "Run again with BUBBLE_DEBUG=1 to see the internal frames, and report it."),
    _code("B450", "limit-exceeded", "limit exceeded",
          "A value or the work of one turn went past a limit of SPEC §13 (string 1 MiB, list 10,000 items, "
          "integers 2^53, `range` 100,000, steps per turn, regex time).",
          "Limits keep one runaway script or message from stopping the bot for everyone.",
          'repeat x in range(1, 1000000) do … end', "Work on smaller pieces, or raise the limit in bubble.toml."),
)
