"""Reference text generated from the builtin registry (layer 4).

Input: `BUILTINS`. Output: the markdown of `docs/builtins.md` and a compact signature listing.
The file on disk is never edited by hand; a test checks it equals `render_builtins_markdown()`.
Regenerate with:

    python -m bubble_lang.stdlib.docs > docs/builtins.md
"""

from __future__ import annotations

import sys

from .model import Builtin
from .registry import builtins_by_category, purity_text, signature

REGENERATE_COMMAND = "python -m bubble_lang.stdlib.docs > docs/builtins.md"

_TITLES: dict[str, str] = {
    "text": "Text",
    "lists": "Lists",
    "maps": "Maps",
    "numbers": "Numbers",
    "dates": "Dates",
    "matching": "Matching",
    "widgets": "Widgets",
    "content": "Content",
    "events": "Events",
    "i18n": "Translation",
}

_INTRO = """\
Scripts call only these functions (SPEC §10); an unknown name, a wrong number of arguments or an
unknown option is a compile error. A signature writes optional arguments as `name?`, any number
of further arguments as `name...`, and options as `name:` (required) or `name?:` (optional).
Pure builtins may be used in guards and constant definitions; builtins that read the
conversation (its clock or language) only in guards; effectful ones (random, or with a side
effect) in neither. `bubble explain fn:NAME` prints one entry."""


def _purity_word(builtin: Builtin) -> str:
    if builtin.pure:
        return "pure"
    return "effectful" if builtin.effectful else "reads"


def _render_entry(builtin: Builtin) -> list[str]:
    lines = [
        f"### `{builtin.name}`",
        "",
        "```",
        signature(builtin),
        "```",
        "",
        f"Returns {builtin.returns}; {purity_text(builtin)}.",
        "",
        builtin.summary,
        "",
        "```",
        *builtin.examples,
        "```",
        "",
    ]
    if builtin.details:
        lines += ["```", builtin.details, "```", ""]
    return lines


def render_builtins_markdown() -> str:
    """The whole of `docs/builtins.md`: intro, contents, then every builtin by category."""
    groups = builtins_by_category()
    lines = [
        "# Built-in functions",
        "",
        f"<!-- generated from bubble_lang/stdlib; do not edit: {REGENERATE_COMMAND} -->",
        "",
        _INTRO,
        "",
        "## Contents",
        "",
    ]
    for category, builtins in groups.items():
        names = ", ".join(f"`{b.name}`" for b in builtins)
        lines.append(f"- [{_TITLES[category]}](#{_TITLES[category].lower()}): {names}")
    lines.append("")
    for category, builtins in groups.items():
        lines += [f"## {_TITLES[category]}", ""]
        for builtin in builtins:
            lines += _render_entry(builtin)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_signature_listing() -> str:
    """One line per builtin: category, signature, result and purity, for a quick overview."""
    return "".join(
        f"{category:<9} {_purity_word(b):<9} {signature(b)} -> {b.returns}\n"
        for category, builtins in builtins_by_category().items()
        for b in builtins
    )


if __name__ == "__main__":
    # Bytes, so the file is UTF-8 with "\n" line ends whatever the terminal's settings.
    sys.stdout.buffer.write(render_builtins_markdown().encode("utf-8"))
