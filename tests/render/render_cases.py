"""Diagnostics shared by the render tests: one per layout feature the renderers must get right.

They are built directly (no registry entries), so the renderers are tested on their own.
"""

from __future__ import annotations

from bubble_lang.diagnostics import Diagnostic, Label, Severity
from bubble_lang.render import render_stack
from bubble_lang.source import SourceFile, Span

SHOP = SourceFile(
    "shop.bot",
    "\n".join(
        [
            "@greeting = \"hello\"",  # 1
            "",  # 2
            "dialog greet do",  # 3
            "  say @greeting",  # 4
            "end",  # 5
            "dialog main do",  # 6
            "  say @greetings",  # 7
            "\t\tsay\t@missing",  # 8
            "  say \"日本語 😀\" + @x",  # 9
            "  say greet(@name, 1, 2)",  # 10
            "  invoke checkout",  # 11
            "end",  # 12
            "dialog unused do",  # 13
            "  say \"never\"",  # 14
            "end",  # 15
            "",  # 16
            "",  # 17
            "",  # 18
            "",  # 19
            "dialog greet do",  # 20
            "end",  # 21
        ]
    )
    + "\n",
)
LIB = SourceFile("lib/extra.bot", "# helpers\ndialog greet do\nend\n")
BROKEN = SourceFile("broken.bot", "dialog main do\n  say \"hi\"")


def find(file: SourceFile, needle: str, occurrence: int = 0, *, part: str | None = None) -> Span:
    """The span of the n-th occurrence of `needle` in `file`, or of `part` inside it."""
    start = -1
    for _ in range(occurrence + 1):
        start = file.text.index(needle, start + 1)
    if part is None:
        return file.span(start, start + len(needle))
    inner = start + needle.index(part)
    return file.span(inner, inner + len(part))


def _cases() -> dict[str, Diagnostic]:
    E, W = Severity.ERROR, Severity.WARNING
    return {
        "plain": Diagnostic(
            code="B103",
            severity=E,
            message="unknown constant `@greetings`",
            span=find(SHOP, "@greetings"),
            label="no constant has this name",
            hint="did you mean `@greeting`?",
        ),
        "tabs": Diagnostic(
            code="B103",
            severity=E,
            message="unknown constant `@missing`",
            span=find(SHOP, "@missing"),
            label="no constant has this name",
        ),
        "wide": Diagnostic(
            code="B103",
            severity=E,
            message="unknown constant `@x`",
            span=find(SHOP, "@x"),
            label="no constant has this name",
        ),
        "multiline": Diagnostic(
            code="B301",
            severity=W,
            message="dialog `unused` is never invoked",
            span=find(SHOP, "dialog unused do\n  say \"never\"\nend"),
            label="unreachable dialog",
            hint="invoke it from another dialog or remove it",
        ),
        "same_line": Diagnostic(
            code="B201",
            severity=E,
            message="`greet` takes 1 argument but 3 were given",
            span=find(SHOP, "greet(", part="greet"),
            label="takes 1 argument",
            labels=(Label(find(SHOP, "1, 2"), "2 extra arguments"),),
            hint="remove the extra arguments",
        ),
        "other_line": Diagnostic(
            code="B102",
            severity=E,
            message="dialog `greet` is defined twice",
            span=find(SHOP, "dialog greet", 1, part="greet"),
            label="second definition",
            labels=(Label(find(SHOP, "dialog greet", part="greet"), "first defined here"),),
            hint="rename one of the dialogs",
        ),
        "other_file": Diagnostic(
            code="B102",
            severity=E,
            message="dialog `greet` is defined twice",
            span=find(LIB, "greet"),
            label="second definition",
            labels=(Label(find(SHOP, "dialog greet", part="greet"), "first defined here"),),
        ),
        "eof": Diagnostic(
            code="B001",
            severity=E,
            message="unexpected end of file",
            span=BROKEN.span(len(BROKEN.text)),
            label="expected `end`",
            labels=(Label(find(BROKEN, "do"), "this `do` is never closed"),),
            hint="add `end` to close the dialog opened at line 1",
        ),
        "no_span": Diagnostic(
            code="B599",
            severity=E,
            message="`bubble.toml` sets unknown key `colour`",
            span=None,
            hint="did you mean `color`?",
            notes=("keys are read from the `[bubble]` table",),
        ),
        "runtime": Diagnostic(
            code="B401",
            severity=E,
            message="dialog `checkout` is not defined",
            span=find(SHOP, "checkout"),
            label="invoked here",
            notes=tuple(
                render_stack([("dialog main", find(SHOP, "invoke checkout")), ("greet", None)])
            ),
        ),
    }


CASES: dict[str, Diagnostic] = _cases()
