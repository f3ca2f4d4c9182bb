"""Caches are read only from a folder that is the user's own and writable by no one else: both
Lark's grammar tables (a pickle) and compiled bots."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubble_lang import parser
from bubble_lang.cache_dirs import private_folder


def test_a_new_folder_is_made_private(tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "a" / "b")
    assert folder is not None and (folder.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_folder_others_may_write_is_refused(tmp_path: Path, mode: int) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    assert private_folder(shared) is None


def test_no_grammar_cache_in_a_shared_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUBBLE_NO_GRAMMAR_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert str(parser._cache_path()).startswith(str(tmp_path / "bubble"))
    (tmp_path / "bubble").chmod(0o777)
    assert parser._cache_path() is False
