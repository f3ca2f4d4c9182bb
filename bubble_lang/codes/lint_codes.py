"""Diagnostic codes: lint (B3xx), warnings from `checks/` about code that runs but is likely wrong.

Warnings never stop a bot from loading; `bubble lint --fail-on-warnings` turns them into failures and
`# bubble: ignore[CODE]` silences one line.
"""

from __future__ import annotations

from .entry import CodeInfo
from .entry import warning_code as _code


CODES: tuple[CodeInfo, ...] = (
    _code("B301", "unreachable-dialog", "dialog can never run",
          "A dialog or task variant follows an unguarded variant of the same name (which always wins), or a "
          "trigger, event, attachment or label dialog repeats exactly the trigger of an earlier unguarded one "
          "in the same place.",
          "`invoke`, `perform` and message matching take the first fit in source order, so the later "
          "definition is dead code.",
          "dialog menu do\n  say \"a\"\nend\n\ndialog menu do\n  say \"b\"\nend",
          "Add a `when` guard to the earlier variant, merge the two, or remove the later one."),
    _code("B302", "unread-answer", "answer is never read",
          "The reply to an `ask` is never used: `x = ask …` where `x` is read nowhere, or a plain `ask` whose "
          "`answer` is replaced by the next `ask` (or the dialog ends) before anything reads it.",
          "Asking a question and ignoring the reply is usually a forgotten assignment or a typo.",
          "dialog main do\n  ask \"Name?\"\n  ask \"Age?\"\n  say answer\nend",
          "Use the answer (`name = answer`), or use `say` if no reply is needed."),
    _code("B303", "unused-constant", "constant is never used",
          "A constant is defined but no script reads `@name`. The settings `@timeout` and `@ask_timeout` are "
          "read by the runtime and never reported.",
          "An unused constant is dead code, or its users misspell it.",
          "@greting \"Hello\"\n\ndialog main do\n  say \"Hi\"\nend",
          "Remove the definition, or use the constant."),
    _code("B304", "unassigned-global", "variable is read but never assigned",
          "A conversation variable is read somewhere but no dialog, task, `x = ask`, `repeat` or legacy "
          "`#<name>` capture assigns it anywhere in the bot (runtime variables, `user.*` and `_locals` do "
          "not count; a bot with an `extension` call is not checked, since extensions may set any variable).",
          "An unset variable reads as `nil` without an error, so this is usually a typo.",
          "dialog main do\n  name = \"Ann\"\n  say \"Hi #{nmae}\"\nend",
          "Fix the name (the hint suggests an assigned variable), or assign it first."),
    _code("B305", "unreachable-code", "unreachable code",
          "A statement follows `close`, `goto`, `return`, `continue` or `break` in the same block (or an "
          "`if`/`branch` all of whose ways end so).",
          "Control never reaches it.",
          "dialog main do\n  close\n  say \"bye\"\nend",
          "Remove the statement, or move it before the statement that leaves the block."),
    _code("B307", "timeout-setting", "questionable timeout setting",
          "`@timeout` is under a minute, `@ask_timeout` is zero, or `@ask_timeout` is not shorter than the "
          "session timeout (`@timeout`, default 15 minutes), so it would never fire first.",
          "These values end conversations while users are typing, or silently never take effect.",
          "@ask_timeout \"20m\"",
          "Choose a session timeout of minutes and an ask timeout shorter than it."),
    _code("B308", "unknown-special-dialog", "unknown special dialog",
          "A dialog name is wrapped in double underscores but is not one of the special dialogs "
          "(`__main__`, `__root__`, `__unknown__`, `__returning__`, `__timeout__`, …).",
          "The runtime runs special dialogs by name; a misspelt one is never run.",
          "dialog __unknwon__ do\n  say \"Sorry?\"\nend",
          "Fix the spelling (the hint suggests the nearest special dialog), or drop the underscores."),
    _code("B309", "number-map-key", "a number written as a map key",
          "A map entry is written `1: value`: its key is the number 1, not a name.",
          "`m.1` cannot read it and `m[\"1\"]` does not find it; data files and JSON have text keys.",
          "@sizes %{1: \"small\", 2: \"large\"}",
          "Write `\"1\": \"small\"` for text keys, or use a list: `[\"small\", \"large\"]`."),
    _code("B310", "missing-translation", "a translated text lacks a translation",
          "A `_\"…\"` text has no entry in one of the bot's `translations/<locale>.yaml` files.",
          "Users of that locale see the text as written, in the bot's own language.",
          "translations/nl.yaml without \"Goodbye\", and `say _\"Goodbye\"`",
          "Add the text, written as in the script with its `#{…}` placeholders, to the file the warning names."),
)
