"""Diagnostic codes: context, arity and values (B2xx), from the resolver.

Each is a compile error: a builtin called with the wrong arguments, a statement where it cannot
run, an effect where none is allowed, or a literal (trigger, pattern, duration) that can never work.
"""

from __future__ import annotations

from .entry import CodeInfo
from .entry import error_code as _code


CODES: tuple[CodeInfo, ...] = (
    _code("B201", "builtin-arity", "wrong number of arguments",
          "A builtin is called with more or fewer positional arguments than it takes.",
          "The call cannot run; the signature in the hint shows what it expects.",
          "dialog main do\n  say join()\nend",
          "Pass the arguments the signature lists (`bubble explain fn:NAME`)."),
    _code("B202", "builtin-option", "bad option in a call",
          "A builtin is called with an option it does not take, an option twice, or without an option it "
          "needs (`intent` needs `match:`).",
          "A misspelt option would otherwise be silently ignored.",
          "@yes intent(matches: \"yes\")",
          "Use the options the signature lists: `intent(match: \"yes\")`."),
    _code("B203", "statement-context", "statement in the wrong place",
          "A statement stands where it cannot run: `say`, `ask` or `show` in a task, `expect` or `assert` "
          "outside a test, `ask` in a test.",
          "Tasks run without talking to the user, and tests speak for the user; each statement has a place.",
          "task remind do\n  say \"hi\"\nend",
          "Move the statement into a dialog (or a test), or use the statement meant for that place."),
    _code("B204", "break-outside-repeat", "`break` outside `repeat`",
          "A `break` is not inside a `repeat` block.",
          "`break` leaves the innermost loop; with no loop it means nothing.",
          "dialog main do\n  break\nend",
          "Remove it, or use `return` to leave the dialog."),
    _code("B205", "effect-in-guard", "effectful function in a guard",
          "A `when` guard calls a builtin that is random or has a side effect (`random_int`, `shuffle`, …).",
          "Guards are tried to choose a dialog variant and must give the same answer each time they are "
          "asked (SPEC §6).",
          "dialog main when random_int(1, 2) == 1 do\n  say \"a\"\nend",
          "Compute the value in a statement first, store it in a variable, and test the variable."),
    _code("B206", "impure-constant", "constant uses a function that is not pure",
          "A constant definition calls a builtin that reads the clock or the conversation, or is random.",
          "A constant has one value for the whole bot, computed once; it cannot depend on who asks or when.",
          "@today date_now()",
          "Use a variable set in a dialog instead: `today = date_now()`."),
    _code("B207", "unknown-statement-option", "statement has no such option",
          "A statement is given an option it does not take, or the same option twice.",
          "A misspelt option (`expectin:`) would otherwise be silently ignored.",
          "dialog main do\n  ask \"Name?\", expectin: \"[1+]\"\nend",
          "Fix the option's name (the hint suggests the nearest one) or remove it."),
    _code("B208", "bad-trigger", "bad trigger",
          "A `trigger:` value is neither a string, an `intent(…)` or `entity(…)` call, nor a constant.",
          "Only these can be matched against a message.",
          "dialog trigger: hello do\n  say \"Hi\"\nend",
          "Put the words in quotes: `dialog trigger: \"hello\" do … end`."),
    _code("B209", "interpolated-pattern", "trigger with interpolation",
          "A trigger string contains `#{…}`.",
          "Triggers are compiled once, when the bot loads, into the index that picks which dialogs a message "
          "may start; a value known only at run time cannot be part of it.",
          "dialog trigger: \"hi #{name}\" do\n  say \"Hi\"\nend",
          "Write the words out, or match with `match(pattern, message)` inside a dialog."),
    _code("B210", "radius-without-location", "`radius:` without `location:`",
          "A dialog header gives `radius:` but no `location:`.",
          "The radius is a distance around the location; alone it means nothing.",
          "dialog radius: 300 do\n  say \"near\"\nend",
          "Add `location: [lat: …, lon: …]`, or remove `radius:`."),
    _code("B211", "bad-duration", "malformed duration",
          "A literal duration (`@timeout`, `@ask_timeout`, `type`, `pause`, `timeout:`, `emit … in:`, "
          "`advance`) is not a number of seconds or a text like \"90s\", \"15m\", \"2h\", \"1d\", \"1h30m\".",
          "The value would be refused at run time; as a literal it can be checked now.",
          "@timeout \"15x\"",
          "Write a number of seconds (`90`) or a text with units `d`, `h`, `m`, `s` (`\"1h30m\"`)."),
    _code("B212", "invalid-pattern", "invalid pattern",
          "A BML or legacy pattern (a trigger, `intent(match:)`, `entity(match:)`, a string `expecting:` or "
          "a test `expect`) cannot be parsed: bad syntax, an unknown entity, a bad or oversized regex.",
          "A pattern that cannot be compiled would never match; the caret shows the spot inside the string.",
          "dialog trigger: \"mail me at [emial]\" do\n  say \"ok\"\nend",
          "Fix the pattern at the caret; `docs/patterns.md` lists the BML syntax."),
    _code("B213", "bad-header-value", "bad value in a dialog or task header",
          "A header option has a value of the wrong kind: `event:` not a string, `attachment:` not one of "
          "`:image :video :audio :file :voice`, `before:` not a name, `label:` not a string or used on a "
          "top-level dialog, `location:` not a `[lat:, lon:]` list.",
          "The dialog or task could never be chosen.",
          "dialog attachment: :picture do\n  say \"nice\"\nend",
          "Use the kind of value the header option takes (see docs/language.md)."),
    _code("B214", "remember-target", "`remember`/`forget` takes a `user.` field",
          "`remember` or `forget` is given something other than a field of `user`.",
          "Only the user record is persisted across conversations.",
          "dialog main do\n  remember name\nend",
          "Write `remember user.name` (after `user.name = …`)."),
    _code("B215", "widget-option-value", "widget option has the wrong type of value",
          "An option of `input_method(kind, …)` with a literal kind is given a literal value of the wrong "
          "type for that option: a text for `min:` of an `\"int\"` widget, a number for `items:`, a text for "
          "`required:`, an empty `items:` list, a `mode:` other than \"single\" or \"multiple\".",
          "The widget would fail with an error each time the question is asked; the table of options and "
          "the values they take is the one the runtime checks with (`bubble explain fn:input_method`).",
          "dialog main do\n  ask \"Age?\", expecting: input_method(\"int\", min: \"x\")\nend",
          "Give the option the type of value it takes (`min: 18`), or compute it in a variable."),
    _code("B216", "widget-options", "widget options do not fit its kind",
          "An `input_method(\"kind\", …)` with a literal kind names an unknown kind, gives an option that kind "
          "does not take, or leaves out one it needs (`items:` of a choice). (Until this release it was the "
          "warning B306.)",
          "The runtime refuses such a widget every time the question is asked, so the bot could never "
          "take the answer.",
          "dialog main do\n  x = ask \"How many?\", expecting: input_method(\"int\", items: [1, 2])\nend",
          "Use the kinds and options of SPEC §8 (`bubble explain fn:input_method`)."),
    _code("B217", "bad-media-expectation", "`expecting:` names no kind of media",
          "An `ask`'s `expecting:` holds an atom (alone or in a list) other than a media kind: `:image`, "
          "`:video`, `:audio`, `:voice`, `:file` (any attachment) or `:location`.",
          "An atom in `expecting:` waits for the user to send that kind of media; any other atom could "
          "never be answered, so the question would be asked forever.",
          "dialog main do\n  ask \"Your photo?\", expecting: :picture\nend",
          "Use one of the media kinds, or give choices as texts (`expecting: [\"a\", \"b\"]`)."),
)
