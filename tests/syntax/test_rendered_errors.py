"""The full rendering of a few representative syntax errors, snapshotted with syrupy.

These pin down what an author sees: `file:line:col`, the source line, the caret under the right
code point, the label, and the `= help:` line.
"""

from __future__ import annotations

import pytest

from bubble_lang.build import parse_script
from bubble_lang.diagnostics import BubbleSyntaxError
from bubble_lang.source import SourceFile

render = pytest.importorskip("bubble_lang.render").render_diagnostics

REPRESENTATIVE = {
    "unclosed_string": 'dialog main do\n  say "Hello\nend\n',
    "unclosed_interpolation": 'dialog main do\n  say "Hello #{name"\nend\n',
    "unclosed_block": 'dialog main do\n  if x do\n    say "a"\nend\n',
    "extra_end": 'dialog main do\n  say "hi"\nend\nend\n',
    "missing_do": 'dialog main\n  say "hi"\nend\n',
    "unknown_statement": 'dialog main do\n  sya "hi"\nend\n',
    "statement_at_top_level": 'say "hi"\n',
    "constant_with_equals": '@greeting = "hi"\n',
    "missing_comma_before_option": 'dialog main do\n  say "hi" class: "large"\nend\n',
    "unbalanced_bracket": 'dialog main do\n  x = (1 + 2]\nend\n',
    "wide_characters": 'dialog main do\n  say "héllo 👋 日本" ~ 1\nend\n',
    "tab_indented": 'dialog main do\n\tsay "a" $ 1\nend\n',
    "else_if": 'dialog main do\n  if a do\n    say 1\n  else if b do\n    say 2\n  end\nend\n',
    "several_errors": 'dialog main do\n  message = 1\n  sya "x"\n  say\nend\n',
}


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_rendered_full(name: str, snapshot) -> None:
    source = SourceFile(f"{name}.bot", REPRESENTATIVE[name])
    with pytest.raises(BubbleSyntaxError) as caught:
        parse_script(source)
    text = render(caught.value.diagnostics, "full")
    assert "Traceback" not in text
    assert text == snapshot
