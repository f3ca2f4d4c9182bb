"""`docs/diagnostics.md`, generated from the code registry so the two never drift.

Regenerate with `python -m bubble_lang.codes.markdown > docs/diagnostics.md`; a test compares.
"""

from __future__ import annotations

from . import CODES

_FAMILIES = (
    ("B0", "Syntax"),
    ("B1", "Names"),
    ("B2", "Context, arity and types"),
    ("B3", "Lint"),
    ("B4", "Runtime"),
    ("B5", "Usage and configuration"),
)


def render_codes_markdown() -> str:
    lines = [
        "# Diagnostic codes",
        "",
        "Every message bubble prints carries a code. `bubble explain CODE` prints the same text as",
        "this page. This file is generated from `bubble_lang/codes/`; do not edit it by hand",
        "(`python -m bubble_lang.codes.markdown > docs/diagnostics.md`).",
        "",
        "A file with syntax errors reports each of them: every top-level block (each `dialog`, `task`,",
        "`test` or constant) is parsed on its own after the first error, so an unclosed string in one",
        "never makes the next look broken, and inside a block the parser resynchronises at the next",
        "statement line (up to 10 errors a block). After an error about the block structure itself (an",
        "unclosed block, a stray `end` or `}`, `else if`) the rest of that block is not guessed at.",
        "",
    ]
    for prefix, title in _FAMILIES:
        infos = [info for code, info in CODES.items() if code.startswith(prefix)]
        if not infos:
            continue
        lines += [f"## {title} ({prefix}xx)", ""]
        for info in infos:
            lines += [
                f"### {info.code} `{info.name}` ({info.severity.value})",
                "",
                f"**{info.title}.** {info.what}",
                "",
                f"*Why:* {info.why}",
                "",
                "```",
                info.example,
                "```",
                "",
                f"*Fix:* {info.fix}",
                "",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(render_codes_markdown(), end="")
