"""Diagnostic codes: names (B1xx), from the resolver: every name a script uses must exist once."""

from __future__ import annotations

from .entry import CodeInfo
from .entry import error_code as _code


CODES: tuple[CodeInfo, ...] = (
    _code("B101", "unknown-dialog", "unknown dialog",
          "An `invoke`, `goto`, `timeout_dialog:` or `task before:` names a dialog that no script defines. "
          "Special dialogs such as `__root__` count only when the bot defines them.",
          "The conversation would stop at this point with a runtime error; a typo in a dialog name should be "
          "found before a user reaches it.",
          "dialog main do\n  invoke mneu\nend\n\ndialog menu do\n  say \"Menu\"\nend",
          "Fix the name (the hint suggests the nearest dialog), or define the dialog."),
    _code("B102", "unknown-task", "unknown task",
          "A `perform` names a task that no script defines.",
          "The task would be missing when the dialog runs.",
          "dialog main do\n  perform calculate_prise\nend\n\ntask calculate_price do\n  total = 1\nend",
          "Fix the name, or define `task name do … end`."),
    _code("B103", "unknown-constant", "unknown constant",
          "An `@name` is used but no script defines it with `@name value` and no data file is called "
          "`name.yaml`, `name.json` or `name.csv`. The settings `@timeout` and `@ask_timeout` exist only when "
          "the bot defines them.",
          "Reading a missing constant would fail at run time.",
          "@greeting \"Hello\"\n\ndialog main do\n  say @greetings\nend",
          "Fix the name, or define the constant at the top level: `@greetings \"Hello\"`."),
    _code("B104", "unknown-function", "unknown function",
          "A call `name(…)` names no builtin function. Scripts can call only the builtins of the registry "
          "(`bubble explain fn:NAME`).",
          "There are no user-defined functions and no access to Python, so the call could never run.",
          "dialog main do\n  say lenght(\"abc\")\nend",
          "Fix the name (see `docs/builtins.md`), or compute the value with statements."),
    _code("B105", "duplicate-constant", "constant defined twice",
          "Two definitions `@name …` use the same name, in one script or in two scripts of a bot.",
          "A constant has one value; which definition wins would depend on file order.",
          "@greeting \"Hello\"\n@greeting \"Hi\"",
          "Remove one definition, or rename it."),
    _code("B106", "missing-entry-point", "no entry dialog",
          "The bot has dialogs but none is called `__main__` or `main`. A file with only tests, tasks or "
          "constants has no entry point and needs none (a directory bot may split its files).",
          "A new conversation starts at `__main__`, else `main`; without one the bot cannot start.",
          "dialog start do\n  say \"Hi\"\nend",
          "Rename the first dialog to `main`, or add `dialog main do … end`."),
    _code("B107", "constant-cycle", "constant defined in terms of itself",
          "A constant's value uses the constant itself, directly or through other constants.",
          "The value could never be computed.",
          "@a @b + 1\n@b @a + 1",
          "Give one of the constants a value that does not depend on the others."),
    _code("B108", "unknown-extension-server", "unknown extension server",
          "An `extension` call has no `server:`, or names a server that no `[extensions.NAME]` table of the "
          "bot's bubble.toml configures. A single-file bot has no bubble.toml: put it in a folder with one.",
          "The call could only fail: the conversation would get the error text each time it got there.",
          'dialog main do\n  extension "search_pokemon", server: "pokemon"\nend',
          'Fix the name (the hint suggests the nearest configured server), or add `[extensions.pokemon]` with '
          '`url = "http://127.0.0.1:8770"` to bubble.toml (see docs/extensions.md).'),
    _code("B109", "unknown-extension", "extension the server does not have",
          "`bubble lint --check-extensions` asked the server's `GET /extensions`, and the name of this "
          "`extension` call is not in its list. `bubble run` and `bubble serve` ask at start too and print "
          "it as a warning.",
          "The server would answer the call with an error (Chatto's servers answer 404), so the conversation "
          "would get the error text.",
          'dialog main do\n  extension "serch_pokemon", server: "pokemon"\nend',
          "Fix the name (the hint lists the nearest one the server has), or add the extension to the server."),
    _code("B110", "extension-list-unavailable", "extension server did not list its extensions",
          "`bubble lint --check-extensions` could not check the names of a server's extensions: "
          "`GET {url}/extensions` was refused, timed out, or did not answer a JSON list of names.",
          "A server that cannot be asked now is likely not to answer the bot's calls either.",
          "(a bubble.toml whose `[extensions.pokemon] url` points at a port where nothing listens)",
          "Start the server, or fix its `url`; run `curl {url}/extensions` to see what it answers."),
)
