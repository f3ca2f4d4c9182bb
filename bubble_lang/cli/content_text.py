"""Outputs as terminal lines (layer 11): what `bubble run` prints for each output record.

One renderer serves both front ends: `color=False` gives the plain, stable text of piped mode
(CI, docs, snapshot tests), `color=True` the same layout with ANSI styles for the interactive
terminal. Markdown and tables go through `rich` (markdown-it-py underneath), QR codes through
`segno`; a script's text is never read as console markup, and HTML in markdown is dropped, not
printed as markup. Everything here is a pure function of the output, so every rendering is
tested without a terminal.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from typing import Any, ClassVar

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markdown import Heading, Markdown
from rich.table import Table
from rich.text import Text

from ..engine.widget_words import human_size
from ..runtime.outputs import Output
from ..runtime.values import to_text

#: Width of plain renderings: fixed, so a transcript does not depend on the terminal.
PLAIN_WIDTH = 80
BAR_WIDTH = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """A script's text without control characters (an ESC could restyle or move the terminal;
    rich keeps it), line breaks and tabs kept."""
    return _CONTROL.sub("", text)


class _LeftHeading(Heading):
    """A heading flush left (rich centres `#` headings), underlined in plain text so the
    structure survives without styles."""

    LEVEL_ALIGN: ClassVar[dict[str, Any]] = {f"h{level}": "left" for level in range(1, 7)}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text.copy()
        text.justify = "left"
        yield text
        if self.tag in ("h1", "h2") and console.no_color:
            yield Text(("=" if self.tag == "h1" else "-") * min(text.cell_len, options.max_width))


class _Markdown(Markdown):
    elements: ClassVar[dict[str, Any]] = {**Markdown.elements, "heading_open": _LeftHeading}


def _console(color: bool, width: int) -> Console:
    return Console(width=width, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                   highlight=False, markup=False, emoji=False, file=io.StringIO(), legacy_windows=False)


def render_rich(renderable: RenderableType, *, color: bool = False, width: int = PLAIN_WIDTH) -> list[str]:
    """Lines of a rich renderable, trailing spaces and outer blank lines removed, runs of blank
    lines collapsed to one."""
    console = _console(color, width)
    with console.capture() as captured:
        console.print(renderable)
    lines: list[str] = []
    for line in captured.get().splitlines():
        line = line.rstrip()
        if line.replace("\x1b[0m", "") == "" and (not lines or lines[-1] == ""):
            continue
        lines.append(line)
    while lines and lines[-1].replace("\x1b[0m", "") == "":
        lines.pop()
    return lines


def markdown_lines(text: str, *, color: bool = False, width: int = PLAIN_WIDTH) -> list[str]:
    """A markdown block as terminal lines (HTML in it is dropped)."""
    return render_rich(_Markdown(clean(text), hyperlinks=False), color=color, width=width)


def table_lines(columns: list[Any] | None, rows: list[list[Any]], *, color: bool = False,
                width: int = PLAIN_WIDTH) -> list[str]:
    """A `table(…)` record as an aligned table: ASCII rules when plain, box lines in colour."""
    table = Table(box=box.SIMPLE_HEAVY if color else box.ASCII, show_header=columns is not None,
                  header_style="bold" if color else "")
    width_cols = len(columns) if columns is not None else max((len(row) for row in rows), default=0)
    for position in range(width_cols):
        table.add_column(Text(clean(to_text(columns[position]))) if columns is not None else "")
    for row in rows:
        table.add_row(*(Text("" if cell is None else clean(to_text(cell))) for cell in row))
    return render_rich(table, color=color, width=width)


def qr_lines(text: str) -> list[str]:
    """A QR code in half-block characters (two modules a character cell), with its quiet zone."""
    import segno

    out = io.StringIO()
    segno.make(text).terminal(out=out, compact=True)
    return out.getvalue().rstrip("\n").split("\n")


def progress_line(text: str, progress: Any) -> str:
    """`[########------------]  40% Preparing`, or `(busy) Preparing` without a progress."""
    if progress is None:
        return f"(busy) {text}"
    percent = max(0.0, min(100.0, float(progress)))
    filled = round(BAR_WIDTH * percent / 100)
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {percent:3.0f}% {text}"


def file_bytes(data: dict[str, Any]) -> bytes | None:
    """The bytes of a `download` (text `data`) or `file` (`base64`) record; None for a link."""
    if data.get("data") is not None:
        return to_text(data["data"]).encode("utf-8")
    if data.get("base64") is not None:
        try:
            return base64.b64decode(to_text(data["base64"]), validate=True)
        except (binascii.Error, ValueError):
            return None
    return None


def file_line(data: dict[str, Any], kind: str) -> str:
    """`[download] order.txt (text/plain, 120 bytes) — /save keeps it in .bubble/downloads/`."""
    name = to_text(data.get("name", "file"))
    kind_type = to_text(data.get("type", "application/octet-stream"))
    body = file_bytes(data)
    if body is None and data.get("url"):
        return f"[{kind}] {name} ({kind_type}) — {to_text(data['url'])}"
    size = human_size(len(body)) if body is not None else "unreadable"
    return f"[{kind}] {name} ({kind_type}, {size}) — /save keeps it in .bubble/downloads/"


def chart_line(data: dict[str, Any]) -> str:
    """A chart in one line: its title, trace types and count; the web chat draws it."""
    traces = data.get("data") if isinstance(data.get("data"), list) else []
    kinds = sorted({to_text(t.get("type", "scatter")) for t in traces if isinstance(t, dict)}) or ["empty"]
    layout = data.get("layout") if isinstance(data.get("layout"), dict) else {}
    title = layout.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    count = f"{len(traces)} trace" + ("" if len(traces) == 1 else "s")
    named = f'"{to_text(title)}": ' if title else ""
    return f"[chart] {named}{'/'.join(kinds)} chart, {count} (the web chat draws it)"


def step_line(output: Output) -> str:
    """`Step 2 of 7 — Restaurant` (with `  Back: /back` when Back is possible); the title alone
    when the step's position is not known."""
    data = output.data
    title = to_text(data.get("title", output.text) or output.text)
    index, total = data.get("index"), data.get("total")
    head = f"Step {index} of {total} — {title}" if isinstance(index, int) and isinstance(total, int) \
        else f"Step — {title}"
    if data.get("final"):
        head += " (final)"
    if data.get("can_back"):
        head += "   Back: /back"
    return head


def confirm_data_lines(data: Any, *, color: bool = False) -> list[str]:
    """The map a `confirm` widget asks about, as a two-column table."""
    if not isinstance(data, dict) or not data:
        return []
    return table_lines(None, [[key, value] for key, value in data.items()], color=color)


#: Content kinds whose lines carry ANSI styles when rendered in colour (the front end prints
#: those as ANSI; every other line is printed as text, never interpreted).
STYLED_KINDS = frozenset({"md", "table"})


def content_lines(output: Output, *, color: bool = False, width: int = PLAIN_WIDTH) -> list[str]:
    """A `show` output: rich where the terminal can draw it, the summary line otherwise."""
    data = output.data
    kind = to_text(data.get("kind", ""))
    if kind == "md":
        return markdown_lines(to_text(data.get("text", "")), color=color, width=width) or [""]
    if kind == "table":
        rows = data.get("rows") if isinstance(data.get("rows"), list) else []
        columns = data.get("columns") if isinstance(data.get("columns"), list) else None
        return table_lines(columns, [r if isinstance(r, list) else [r] for r in rows], color=color, width=width)
    if kind == "qrcode":
        text = to_text(data.get("text", ""))
        return [f"[qrcode] {text}", *qr_lines(text)]
    if kind == "loading":
        return [progress_line(to_text(data.get("text", "")), data.get("progress"))]
    if kind in ("download", "file"):
        return [file_line(data, kind)]
    if kind == "chart":
        return [chart_line(data)]
    if kind == "buttons":
        buttons = data.get("buttons") if isinstance(data.get("buttons"), list) else []
        lines = [f"[buttons] {to_text(data.get('text', ''))}"]
        if buttons:
            lines.append("  " + "  ".join(_button_label(b) for b in buttons))
        return lines
    return [output.summary()]


def _button_label(button: Any) -> str:
    """`<Menu>`, or `<Docs: https://…>` for a link: buttons are not numbered, since a number
    picks from the open question's choices only."""
    if not isinstance(button, dict):
        return f"<{to_text(button)}>"
    title = to_text(button.get("title", ""))
    if button.get("url"):
        return f"<{title}: {to_text(button['url'])}>"
    return f"<{title}>"
