"""A module imports only from its own layer or lower (DESIGN.md §2).

The table maps each top-level module or package of `bubble_lang` to its layer; a new module must
be added here, so the layering is decided when the module is created, not discovered later.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bubble_lang"

LAYERS = {
    "source": 1, "limits": 1, "gcpause": 1, "spelling": 1,
    "severity": 2, "diagnostics": 2, "codes": 2, "config": 2, "render": 2,
    "nodes": 3, "lexer": 3, "parser": 3, "syntax_hints": 3, "build": 3, "build_state": 3, "build_expressions": 3, "statements": 3, "patterns": 3,
    "grammar": 3,
    "stdlib": 4, "resolve": 4, "checks": 4, "formatter": 4,
    "opcodes": 5, "compiler": 5, "disasm": 5, "frontend": 5,
    "runtime": 6, "stdlib_impl": 6,
    "vm": 7,
    "storage": 8, "extensions": 8,
    "engine": 9,
    "messengers": 10, "server": 10,
    "testing": 11, "cli": 11,
    "__init__": 11, "__main__": 11,
}


def top_module(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def imported_modules(path: Path) -> list[tuple[str, int]]:
    return imports_of(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).parts[:-1])


def imports_of(text: str, package_parts: tuple[str, ...]) -> list[tuple[str, int]]:
    """bubble_lang top-level modules imported by a file, with line numbers (relative imports resolved)."""
    tree = ast.parse(text)
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[: len(package_parts) - (node.level - 1)])
                target = base + (node.module.split(".") if node.module else [])
                if target:
                    found.append((target[0], node.lineno))
                else:
                    found.extend((alias.name, node.lineno) for alias in node.names)
            elif node.module and node.module.startswith("bubble_lang."):
                found.append((node.module.split(".")[1], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bubble_lang."):
                    found.append((alias.name.split(".")[1], node.lineno))
    return found


FILES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = sorted({top_module(path) for path in FILES} - set(LAYERS))
    assert not missing, f"add these modules to LAYERS in tests/test_layers.py: {missing}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_imports(path: Path):
    own = LAYERS[top_module(path)]
    upward = [(name, line) for name, line in imported_modules(path)
              if name in LAYERS and LAYERS[name] > own]
    assert not upward, f"{path.relative_to(PACKAGE)} (layer {own}) imports higher layers: " + ", ".join(
        f"{name} (layer {LAYERS[name]}) at line {line}" for name, line in upward)


def test_the_walker_resolves_relative_and_absolute_imports():
    text = "from .cli import main\nfrom ..vm import x\nimport bubble_lang.server.app\nfrom . import lexer\n"
    assert imports_of(text, ("render",)) == [("render", 1), ("vm", 2), ("server", 3), ("render", 4)]
    assert imports_of("from . import lexer, nodes\n", ()) == [("lexer", 1), ("nodes", 1)]
