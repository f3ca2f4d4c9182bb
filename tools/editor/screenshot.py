"""The screenshot of docs/editors.md: bubble's highlighting and one diagnostic, as in VS Code.

    python tools/editor/screenshot.py [--sample samples/pizza.bot] [--lines 24-56]
                                      [--out docs/images/editor-highlighting.png]

How it is made (no VS Code involved; its web build needs a server and a workbench this tool does
not bring up):

1. A copy of the sample is broken on purpose (`invoke choose_pizza` misspelt `chose_pizza`), and
   `bubble lint --format json` on that copy gives the diagnostic to show.
2. `render_tokens.js` tokenizes the copy with the real TextMate grammar
   (`vscode/syntaxes/bubble.tmLanguage.json`) through vscode-textmate and vscode-oniguruma, the
   libraries VS Code itself uses (`npm install` in `tools/editor/vscode` brings them).
3. This script writes an editor-like HTML page: line numbers, each token coloured by its scopes
   with a subset of VS Code's Dark+ theme rules, the diagnostic's range with a wavy underline and
   its message in a hover box. Every text is HTML-escaped; nothing from the file is inserted raw.
4. Headless Chromium (Debian's `chromium` + `chromium-driver`, through selenium) renders the page
   and takes a PNG of the editor, reduced to a 64-colour palette with Pillow when it is installed.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GRAMMAR = HERE / "vscode" / "syntaxes" / "bubble.tmLanguage.json"
BREAK = ("  invoke choose_pizza\n", "  invoke chose_pizza\n")  # the mistake shown (first occurrence)

# (scope prefix, colour): VS Code's Dark+ colours for the scopes bubble's grammar uses. The
# deepest scope of a token that matches a prefix decides; longer prefixes are tried first.
THEME = (
    ("meta.interpolation", "#D4D4D4"),  # code inside `#{…}`: not string-coloured
    ("punctuation.section.interpolation", "#569CD6"),
    ("punctuation.definition.string", "#CE9178"),
    ("punctuation.separator", "#D4D4D4"),
    ("comment", "#6A9955"),
    ("string.regexp", "#D16969"),
    ("string", "#CE9178"),
    ("constant.numeric", "#B5CEA8"),
    ("constant.language", "#569CD6"),
    ("constant.character.escape", "#D7BA7D"),
    ("constant.other.symbol", "#4FC1FF"),
    ("variable.other.constant", "#4FC1FF"),
    ("variable.language", "#569CD6"),
    ("variable.parameter", "#9CDCFE"),
    ("variable", "#9CDCFE"),
    ("keyword.operator.word", "#569CD6"),
    ("keyword.operator", "#D4D4D4"),
    ("keyword.control", "#C586C0"),
    ("keyword", "#569CD6"),
    ("entity.name.function", "#DCDCAA"),
    ("support.type", "#4EC9B0"),
)
FOREGROUND = "#D4D4D4"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title><style>
body {{ margin: 0; background: #181818; font-family: "DejaVu Sans Mono", monospace; }}
#editor {{ display: inline-block; background: #1E1E1E; color: #D4D4D4; font-size: 14px;
          line-height: 19px; min-width: 880px; }}
.tabs {{ background: #252526; height: 35px; font: 13px "DejaVu Sans", sans-serif; }}
.tab {{ display: inline-block; padding: 0 16px; line-height: 35px; background: #1E1E1E; color: #FFFFFF;
        border-top: 1px solid #0078D4; }}
.tab .errors {{ color: #F14C4C; margin-left: 8px; }}
.code {{ padding: 6px 0 12px 0; }}
.line {{ position: relative; white-space: pre; height: 19px; }}
.gutter {{ display: inline-block; width: 4ch; padding-right: 2.5ch; text-align: right; color: #6E7681; }}
.line.current .gutter {{ color: #CCCCCC; }}
.squiggle {{ text-decoration: underline wavy #F14C4C; text-decoration-skip-ink: none;
             text-underline-offset: 3px; }}
.hover {{ position: absolute; top: 25px; z-index: 2; white-space: normal; width: 560px;
          background: #252526; border: 1px solid #454545; color: #CCCCCC; padding: 6px 10px;
          font: 13px/18px "DejaVu Sans", sans-serif; box-shadow: 0 2px 8px #000A; }}
.hover code {{ font: 13px "DejaVu Sans Mono", monospace; color: #D7BA7D; }}
.hover .source {{ color: #9D9D9D; }}
.status {{ background: #007ACC; color: #FFFFFF; font: 12px/22px "DejaVu Sans", sans-serif; padding: 0 10px; }}
</style></head><body><div id="editor">
<div class="tabs"><span class="tab">{title}<span class="errors">{error_count}</span></span></div>
<div class="code">
{lines}
</div>
<div class="status">&#x2297; {error_count}&nbsp;&nbsp; &#x26A0; 0&nbsp;&nbsp;&nbsp; Bubble &nbsp; {position}</div>
</div></body></html>
"""


def colour(scopes: list[str]) -> str:
    """The Dark+ colour of a token: the deepest scope with a rule decides."""
    for scope in reversed(scopes):
        for prefix, value in THEME:
            if scope == prefix or scope.startswith(prefix + "."):
                return value
    return FOREGROUND


def inline_code(text: str) -> str:
    """A diagnostic message with its `code` spans as <code>, every part escaped."""
    parts = text.split("`")
    return "".join(f"<code>{html.escape(part)}</code>" if index % 2 else html.escape(part)
                   for index, part in enumerate(parts))


def line_html(number: int, text: str, tokens: list[dict[str, Any]], diagnostic: dict[str, Any] | None) -> str:
    """One editor line: its number, its tokens as coloured spans, and the diagnostic's squiggle
    and hover box when the diagnostic starts on it. All text is escaped."""
    start = end = -1
    if diagnostic is not None and diagnostic["line"] == number:
        start = diagnostic["column"] - 1
        end = diagnostic["end_column"] - 1 if diagnostic["end_line"] == number else len(text)
    cuts = sorted({0, len(text), *(t["start"] for t in tokens), *(t["end"] for t in tokens),
                   *((start, end) if start >= 0 else ())})
    pieces = []
    for left, right in zip(cuts, cuts[1:]):
        token = next((t for t in tokens if t["start"] <= left < t["end"]), None)
        style = colour(token["scopes"]) if token else FOREGROUND
        squiggle = ' class="squiggle"' if start <= left < end else ""
        pieces.append(f'<span style="color:{style}"{squiggle}>{html.escape(text[left:right])}</span>')
    current = " current" if start >= 0 else ""
    body = "".join(pieces)
    hover = ""
    if start >= 0:
        hint = f'<div>{inline_code(diagnostic["hint"])}</div>' if diagnostic.get("hint") else ""
        hover = (f'<div class="hover" style="left: calc({start + 6.5}ch)"><div>{inline_code(diagnostic["message"])} '
                 f'<span class="source">bubble({html.escape(diagnostic["code"])})</span></div>{hint}</div>')
    return f'<div class="line{current}"><span class="gutter">{number}</span>{body}{hover}</div>'


def page_html(title: str, lines: list[dict[str, Any]], first: int, last: int,
              diagnostic: dict[str, Any] | None) -> str:
    """The whole page for lines `first`..`last` (1-based) of a tokenized file."""
    shown = [line_html(number, lines[number - 1]["text"], lines[number - 1]["tokens"], diagnostic)
             for number in range(first, min(last, len(lines)) + 1)]
    position = f'Ln {diagnostic["line"]}, Col {diagnostic["column"]}' if diagnostic else ""
    return PAGE.format(title=html.escape(title), lines="\n".join(shown), error_count=1 if diagnostic else 0,
                       position=html.escape(position))


def first_diagnostic(path: Path) -> dict[str, Any]:
    """`bubble lint --format json`'s first finding, run beside the file (so it names `pizza.bot`)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "lint", "--format", "json", path.name],
                            cwd=path.parent, env=environment, capture_output=True, text=True, check=False)
    found = json.loads(result.stdout)
    if not found:
        raise SystemExit(f"bubble lint found nothing in {path}: the broken copy is not broken")
    return found[0]


def tokenize(path: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (HERE / "vscode" / "node_modules" / "vscode-textmate").is_dir():
        raise SystemExit("needs node and `npm install` in tools/editor/vscode (vscode-textmate, vscode-oniguruma)")
    result = subprocess.run([node, str(HERE / "render_tokens.js"), str(GRAMMAR), str(path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def screenshot(page: Path) -> bytes:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        raise SystemExit("needs Debian's `chromium` and `chromium-driver`: apt-get install -y chromium chromium-driver")
    options = Options()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,1000",
                     "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(page.as_uri())
        return driver.find_element(By.ID, "editor").screenshot_as_png
    finally:
        driver.quit()


def shrink(png: bytes) -> bytes:
    """A 64-colour palette: the page has a few dozen colours and the file gets several times smaller."""
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--sample", default="samples/pizza.bot")
    options.add_argument("--lines", default="24-56", help="the lines shown, FIRST-LAST")
    options.add_argument("--out", default="docs/images/editor-highlighting.png")
    args = options.parse_args()
    sample = ROOT / args.sample
    first, last = (int(part) for part in args.lines.split("-"))
    text = sample.read_text(encoding="utf-8")
    if BREAK[0] not in text:
        raise SystemExit(f"{args.sample} has no `{BREAK[0].strip()}` to misspell")
    with tempfile.TemporaryDirectory() as folder:
        broken = Path(folder) / sample.name
        broken.write_text(text.replace(*BREAK, 1), encoding="utf-8")
        diagnostic = first_diagnostic(broken)
        lines = tokenize(broken)
        page = Path(folder) / "editor.html"
        page.write_text(page_html(sample.name, lines, first, last, diagnostic), encoding="utf-8")
        png = shrink(screenshot(page))
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png)
    print(f"{out.relative_to(ROOT)}: {len(png) // 1024} KB; {diagnostic['code']} at line {diagnostic['line']}: "
          f"{diagnostic['message']}")


if __name__ == "__main__":
    main()
