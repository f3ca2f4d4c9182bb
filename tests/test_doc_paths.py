"""Every document bubble points a user at exists: a hint or a code explanation naming
`docs/patterns.md` or `docs/configuration.md` must not send the reader to a missing page (both
were missing once). Links between the pages are checked too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bubble_lang"
DOC_PATH = re.compile(r"docs/[A-Za-z0-9_./-]+?\.md")
LINK = re.compile(r"\]\(([A-Za-z0-9_./-]+\.md)(?:#[^)]*)?\)")


def named_docs() -> list[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in DOC_PATH.findall(path.read_text(encoding="utf-8")):
            found.add((name, str(path.relative_to(ROOT))))
    return sorted(found)


def test_the_package_names_documents() -> None:
    assert {name for name, _ in named_docs()} >= {"docs/configuration.md", "docs/patterns.md", "docs/builtins.md"}


@pytest.mark.parametrize(("doc", "where"), named_docs())
def test_every_document_named_in_the_package_exists(doc: str, where: str) -> None:
    assert (ROOT / doc).is_file(), f"{where} names {doc}, which does not exist"


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_links_between_pages_resolve(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        assert (page.parent / target).is_file(), f"{page.name} links to {target}, which does not exist"
