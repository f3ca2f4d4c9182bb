"""A module imports only from its own layer or lower (DESIGN.md §2), and no import cycles.

The table maps each top-level module or package of `bubble_lang` to its layer; a new module must
be added here, so the layering is decided when the module is created, not discovered later.
Within a layer the order is not written down, so a second rule keeps it honest: no module imports
itself through others, counting imports inside functions (only `if TYPE_CHECKING:` blocks, which
never run, are left out). A third keeps names unambiguous: a module's basename appears in one
package only, so `widgets.py` in a traceback, a search or a review means one file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bubble_lang"

LAYERS = {
    "source": 1, "limits": 1, "gcpause": 1, "cache_dirs": 1, "spelling": 1, "duration_text": 1, "locale_names": 1,
    "severity": 2, "diagnostics": 2, "codes": 2, "config": 2, "config_positions": 2, "data_files": 2, "translations": 2, "render": 2,
    "nodes": 3, "accel": 3, "_accel": 3, "lexer": 3, "highlight": 3, "parser": 3, "lalr_run": 3, "syntax_hints": 3, "build": 3, "build_state": 3, "build_makers": 3, "recovery": 3, "build_expressions": 3, "statements": 3, "patterns": 3,
    "grammar": 3,
    "stdlib": 4, "program": 4, "resolve": 4, "checks": 4, "formatter": 4, "formatting": 4,
    "opcodes": 5, "emitter": 5, "compiler": 5, "compile_tests": 5, "disassembler": 5, "frontend": 5,
    "runtime": 6, "stdlib_impl": 6,
    "vm": 7,
    "storage": 8, "extensions": 8,
    "engine": 9,
    "messengers": 10, "server": 10,
    "testing": 11, "cli": 11, "serve": 11, "lsp": 11,
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


# ------------------------------------------------------------------------------ import cycles
def module_name(path: Path) -> str:
    """`bubble_lang/vm/machine.py` -> `bubble_lang.vm.machine`; a package is its `__init__.py`."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in FILES}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_edges(text: str, name: str, is_package: bool, modules: Iterable[str]) -> dict[str, int]:
    """The bubble_lang modules one module imports, each with the line of its first import.

    Every import counts, at module level or inside a function, except in the body of an
    `if TYPE_CHECKING:` block. `from pkg import name` is an edge to `pkg.name` when that is a
    module, else to `pkg`; relative imports are resolved against the module's package.
    """
    known = set(modules)
    package = name if is_package else name.rpartition(".")[0]
    edges: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        while target and target not in known:  # `import a.b.x` where `x` is not a module: `a.b`
            target = target.rpartition(".")[0]
        if target and target != name:
            edges.setdefault(target, line)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                add(submodule if submodule in known else source, node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(text))
    return edges


def import_graph() -> dict[str, dict[str, int]]:
    return {name: module_edges(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", MODULES)
            for name, path in MODULES.items()}


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's algorithm: every strongly connected component with more than one member, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def test_no_import_cycles():
    graph = import_graph()
    cycles = strongly_connected(graph)
    report = []
    for component in cycles:
        members = set(component)
        report.append("  " + " <-> ".join(component) + "\n" + "\n".join(
            f"    {name} imports {target} (line {line})"
            for name in component for target, line in sorted(graph[name].items()) if target in members))
    assert not cycles, (
        "import cycles: a cycle means a responsibility sits in the wrong module. Move what both sides "
        "need into a module both can import, or turn the dependency around; a lazy import inside a "
        "function still counts.\n" + "\n".join(report))


def test_the_cycle_finder_reports_cycles_and_nothing_else():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["a"], "g": []}
    assert strongly_connected(graph) == [["a", "b", "c"], ["d", "e"]]
    assert strongly_connected({"a": ["b"], "b": ["c"], "c": []}) == []
    assert strongly_connected({"a": ["a"]}) == []  # a module importing itself is no cycle of modules


def test_the_edge_walker_counts_lazy_imports_but_not_type_checking_blocks():
    modules = ["p", "p.a", "p.b", "p.c", "p.d", "p.sub", "p.sub.x", "p.sub.y"]
    text = ("from typing import TYPE_CHECKING\n"
            "import typing\n"
            "from . import a\n"
            "from .. import b, CONSTANT\n"
            "from ..sub import x\n"
            "if TYPE_CHECKING:\n"
            "    from ..c import Thing\n"
            "else:\n"
            "    from ..a import z\n"
            "if typing.TYPE_CHECKING:\n"
            "    import p.c\n"
            "def later():\n"
            "    import p.d.missing\n")
    # `from . import a`: there is no module `p.sub.a`, so the edge goes to the package `p.sub`
    assert module_edges(text, "p.sub.y", False, modules) == {
        "p.sub": 3, "p.b": 4, "p": 4, "p.sub.x": 5, "p.a": 9, "p.d": 13}
    assert module_edges("from . import x\nfrom .x import k\n", "p.sub", True, modules) == {"p.sub.x": 1}


# ------------------------------------------------------------------------------ module names
def repeated_basenames(paths: Iterable[Path]) -> dict[str, list[str]]:
    """Basenames (file stems; `__init__` and `__main__` left out) found in more than one package,
    each with its files relative to `bubble_lang/`."""
    places: dict[str, list[Path]] = {}
    for path in paths:
        if path.stem not in ("__init__", "__main__"):
            places.setdefault(path.stem, []).append(path)
    return {stem: sorted(str(p.relative_to(PACKAGE)) for p in found)
            for stem, found in sorted(places.items()) if len({p.parent for p in found}) > 1}


def test_module_basenames_do_not_repeat_across_packages():
    repeats = repeated_basenames(FILES)
    assert not repeats, (
        "module basenames repeated across packages (rename one so each name means one module):\n"
        + "\n".join(f"  {stem}: {', '.join(files)}" for stem, files in repeats.items()))


def test_repeated_basenames_are_found():
    files = [PACKAGE / "vm" / "widgets.py", PACKAGE / "checks" / "widgets.py", PACKAGE / "nodes.py",
             PACKAGE / "vm" / "__init__.py", PACKAGE / "checks" / "__init__.py", PACKAGE / "statements.py"]
    assert repeated_basenames(files) == {"widgets": ["checks/widgets.py", "vm/widgets.py"]}
