"""tools/editor/screenshot.py puts every text from the file and the diagnostic into its page
escaped, and colours tokens by their deepest themed scope (the browser part is not run here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("editor_screenshot", ROOT / "tools" / "editor" / "screenshot.py")
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)


def test_text_and_messages_are_escaped() -> None:
    text = 'say "<script>alert(1)</script> & more"'
    tokens = [{"start": 0, "end": 3, "scopes": ["source.bubble", "keyword.other.statement.bubble"]},
              {"start": 4, "end": len(text), "scopes": ["source.bubble", "string.quoted.double.bubble"]}]
    diagnostic = {"line": 7, "column": 1, "end_line": 7, "end_column": 4, "code": "B<1>",
                  "message": "unknown `<img src=x>`", "hint": "did you mean `</div>`?"}
    out = screenshot.line_html(7, text, tokens, diagnostic)
    assert "<script>" not in out and "<img" not in out and "</div>`" not in out
    assert "&lt;script&gt;" in out and "&amp; more" in out and "B&lt;1&gt;" in out
    assert 'class="squiggle"' in out and 'class="hover"' in out
    page = screenshot.page_html("<x>.bot", [{"text": text, "tokens": tokens}], 1, 1, None)
    assert "<x>.bot" not in page and "&lt;x&gt;.bot" in page


def test_the_deepest_themed_scope_decides_the_colour() -> None:
    assert screenshot.colour(["source.bubble", "string.quoted.double.bubble"]) == "#CE9178"
    assert screenshot.colour(["source.bubble", "string.quoted.double.bubble", "meta.interpolation.bubble",
                              "variable.other.constant.bubble"]) == "#4FC1FF"
    assert screenshot.colour(["source.bubble"]) == screenshot.FOREGROUND
