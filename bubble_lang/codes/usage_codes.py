"""Diagnostic codes: usage (B5xx): command-line options, bubble.toml, data files, unreadable input."""

from __future__ import annotations

from ..severity import Severity
from .entry import CodeInfo

E = Severity.ERROR
W = Severity.WARNING

CODES: tuple[CodeInfo, ...] = (
    CodeInfo(code="B500", name="unreadable-file", severity=E, title="file cannot be read",
             what="A script, data file or configuration file could not be read or is not UTF-8 text.",
             why="bubble cannot check or run what it cannot read.",
             example="bubble lint missing.bot", fix="Check the path and the file's permissions and encoding."),
    CodeInfo(code="B501", name="unused-ignore", severity=W, title="unused or unreadable `# bubble: ignore` comment",
             what="A `# bubble: ignore[CODE]` comment suppresses nothing on its line (or `ignore-file[CODE]` in its "
                  "file, or a bare `# bubble: ignore` no warning), names an unknown code or rule, or is a "
                  "`# bubble:` comment of no known form. The forms: `ignore[CODE, rule-name]` and a bare `ignore` "
                  "for a line (a bare one hides warnings only), `ignore-file[…]` and a bare `ignore-file` for the "
                  "file.",
             why="Stale ignores hide future problems and make readers think something is wrong there.",
             example='say "hi"  # bubble: ignore[B305]', fix="Remove the comment, or fix the code it names."),
    CodeInfo(code="B502", name="bad-data-file", severity=E, title="data file cannot be parsed",
             what="A `.yaml`, `.yml`, `.json` or `.csv` file of a bot is not valid, or its value breaks a limit "
                  "as it loads: nesting deeper than `json_nesting`, a list or map over `collection_items`, a total "
                  "size over `value_bytes` (YAML aliases counted each time they are used), a number that is not "
                  "finite, a text that is not valid Unicode, a YAML value that is not plain data.",
             why="Data files become constants (`settings.yaml` → `@settings`); a broken one would leave the "
                 "constant undefined, and an oversized one (a \"billion laughs\" of aliases) would hang the bot "
                 "when it is used.",
             example="settings.yaml: `open: [1, 2`",
             fix="Fix the file at the position shown, or raise the limit in bubble.toml (docs/configuration.md)."),
    CodeInfo(code="B503", name="bad-config", severity=E, title="bad `bubble.toml`",
             what="`bubble.toml` is not valid TOML, nests deeper than 64 levels, has an unknown section or key, "
                  "or a value bubble cannot use: a timezone or locale it does not know, a limit that is not a "
                  "positive number, an extension server without an http(s) `url`, a bad duration.",
             why="A misspelt setting would otherwise be silently ignored, and a bad value would pass `bubble lint` "
                 "and fail only when the bot runs.",
             example="[limits]\nvm_step = 10", fix="Use the keys and values listed in docs/configuration.md."),
    CodeInfo(code="B504", name="no-scripts", severity=E, title="no bot scripts found",
             what="A path given to bubble holds no `.bot` file.",
             why="There is nothing to check or run.", example="bubble lint empty_dir/",
             fix="Point bubble at a `.bot` file or a directory with `.bot` files."),
    CodeInfo(code="B505", name="duplicate-data-constant", severity=E, title="data file clashes with a constant",
             what="Two data files, or a data file and a script, define the same constant.",
             why="Only one value can stand behind a constant name.",
             example="menu.yaml and menu.json in one bot", fix="Rename one of them."),
    CodeInfo(code="B506", name="bad-translations", severity=E, title="translation file cannot be used",
             what="A file in a folder bot's `translations/` is not named after a locale (`nl.yaml`, "
                  "`en_GB.yaml`), is not a map of texts to texts, or a translation names a `#{…}` placeholder "
                  "its text does not have.",
             why="The translation would be shown with a hole where the value should be, or not at all.",
             example='translations/nl.yaml: `"Hello #{name}": "Hallo #{naam}"`',
             fix="Name the file after its locale, and copy each placeholder from the text as the script writes it."),
)
