"""Widget kinds, date directives, spelling and the generated docs/builtins.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bubble_lang.stdlib import (
    BUILTINS,
    DATE_DIRECTIVES,
    DEFAULT_DATE_FORMAT,
    WIDGET_KINDS,
    WIDGET_OPTIONS,
    check_widget_options,
)
from bubble_lang.stdlib.docs import REGENERATE_COMMAND, render_builtins_markdown
from bubble_lang.spelling import edit_distance, nearest_name

ROOT = Path(__file__).resolve().parents[2]
STDLIB = ROOT / "bubble_lang" / "stdlib"
#: The layer-4 part of the package; implementations (layer 6) will sit beside them.
DECLARATION_MODULES = sorted(
    [*STDLIB.glob("decl_*.py")]
    + [STDLIB / f"{name}.py" for name in ("__init__", "model", "registry", "docs")]
)

#: SPEC §8: every `input_method` kind.
SPEC_WIDGET_KINDS = (
    "text", "secret", "int", "number", "multiline", "single_choice", "multi_choice",
    "multi_list_choice", "dropdown", "autocomplete", "datetime", "duration", "location",
    "upload", "captcha", "confirm", "multi_values", "form", "item_picker",
)


def test_every_spec_widget_kind_is_declared() -> None:
    assert set(WIDGET_KINDS) == set(SPEC_WIDGET_KINDS)


def test_every_widget_option_is_documented_and_used() -> None:
    used = {o for kind in WIDGET_KINDS.values() for o in kind.options}
    assert used == set(WIDGET_OPTIONS)
    for kind in WIDGET_KINDS.values():
        assert set(kind.required_options) <= set(kind.options), kind.name


def test_input_method_accepts_exactly_the_widget_options() -> None:
    assert set(BUILTINS["input_method"].keywords) == set(WIDGET_OPTIONS)


def test_spec_widget_checks_are_options() -> None:
    spec = {
        "text": {"required", "min_length", "max_length", "pattern"},
        "int": {"min", "max"},
        "multi_choice": {"items", "min_items", "max_items"},
        "datetime": {"min", "max"},
        "upload": {"types", "max_size"},
        "form": {"fields"},
        "item_picker": {"caption", "mode", "items"},
    }
    for kind, options in spec.items():
        assert options <= set(WIDGET_KINDS[kind].options), kind


def test_widget_options_good_and_bad() -> None:
    assert check_widget_options("int", ("min", "max")) is None
    assert check_widget_options("single_choice", ("caption",), complete=False) is None
    problem = check_widget_options("int", ("items",))
    assert problem is not None
    assert problem.message == 'widget `"int"` has no option `items:`'
    problem = check_widget_options("single_choice", ("caption",))
    assert problem is not None
    assert problem.message == 'widget `"single_choice"` needs the option `items:`'
    problem = check_widget_options("txt", ())
    assert problem is not None
    assert (problem.kind, problem.hint) == ("unknown", 'did you mean `"text"`?')


def test_date_formats_in_docs_use_only_known_directives() -> None:
    formats = [DEFAULT_DATE_FORMAT]
    for name in ("date_format", "date_parse"):
        formats += re.findall(r'"([^"]*\{[^"]*)"', "\n".join(BUILTINS[name].examples))
    for text in formats:
        for directive in re.findall(r"\{([^{}]*)\}", text):
            assert directive in DATE_DIRECTIVES, (text, directive)


def test_spec_date_directives_exist() -> None:
    assert {"D", "Mfull", "h24", "0m"} <= set(DATE_DIRECTIVES)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("lenght", "length"),
        ("upcsae", "upcase"),
        ("sortBy", "sort_by"),
        ("JoinAnd", "join_and"),
        ("date_fromat", "date_format"),
        ("x", None),
        ("teleport", None),
    ],
)
def test_nearest_name(word: str, expected: str | None) -> None:
    assert nearest_name(word, BUILTINS) == expected


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("lenght", "length") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("", "abc") == 3


def test_docs_builtins_md_is_generated_from_the_registry() -> None:
    path = ROOT / "docs" / "builtins.md"
    expected = render_builtins_markdown()
    actual = path.read_text(encoding="utf-8") if path.exists() else ""
    assert actual == expected, (
        f"docs/builtins.md is out of date with the builtin registry; regenerate it with "
        f"`{REGENERATE_COMMAND}` (from the repository root)"
    )


def test_builtins_md_has_an_entry_per_builtin() -> None:
    text = render_builtins_markdown()
    for name in BUILTINS:
        assert f"### `{name}`" in text


def test_declarations_stay_in_layer_four() -> None:
    """The declarations import only attrs, the standard library and each other (DESIGN §2)."""
    allowed_external = {
        "__future__", "attrs", "collections.abc", "difflib", "enum", "functools", "sys",
        "textwrap", "typing",
    }
    for path in DECLARATION_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                # Their own package, or the shared layer-1 name search (`bubble_lang.spelling`).
                assert node.level == 1 or node.module == "spelling", \
                    f"{path.name} imports from outside bubble_lang/stdlib"
            elif isinstance(node, ast.ImportFrom):
                assert node.module in allowed_external, f"{path.name} imports {node.module}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name in allowed_external, f"{path.name} imports {alias.name}"


def test_modules_stay_short() -> None:
    for path in sorted(STDLIB.glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name
