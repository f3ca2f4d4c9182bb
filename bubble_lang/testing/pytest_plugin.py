"""The pytest plugin (layer 11): plain `pytest` runs `*.test.bot` files, one item per test block.

Registered with the `pytest11` entry point `bubble` (pyproject.toml), so an installed bubble needs
no configuration; without installing, `pytest -p bubble_lang.testing.pytest_plugin`. `-k`, `-x`,
`--junitxml` and the rest work as for Python tests, since each test block is a `pytest.Item`:

- `reportinfo()` gives the `.test.bot` path and the line of the `test`;
- a failure is shown with `repr_failure()` as `bubble test` shows it (the test line with a caret,
  expected against actual, the conversation so far), never as a Python traceback;
- a bot that does not compile fails its file's collection with the rendered diagnostics.

Only `*.test.bot` files are collected: tests written inside a bot's own `.bot` files run with the
bot's first test file (or with `bubble test`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..diagnostics import BubbleError
from ..render import render_diagnostics
from ..vm.bot_image import TestEntry
from .driver import TestOutcome, run_test
from .report import render_failure
from .suite import LoadedBot, bot_files_for_test_file, load_files, tests_of_file

_CACHE_KEY = pytest.StashKey[dict[tuple[str, ...], LoadedBot]]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(".test.bot"):
        return BotTestFile.from_parent(parent, path=file_path)
    return None


class BotCompileError(Exception):
    """The bot of a test file has errors; carries them for `repr_failure`."""

    def __init__(self, error: BubbleError):
        super().__init__(str(error))
        self.error = error


class BotTestFailed(Exception):
    """A test block failed; carries the outcome for `repr_failure`."""

    def __init__(self, outcome: TestOutcome):
        super().__init__(outcome.title)
        self.outcome = outcome


class BotTestFile(pytest.File):
    """A `*.test.bot` file: loads its bot once per session and yields its test blocks."""

    def collect(self) -> Any:
        loaded = self._load()
        if loaded.bot is None:
            raise BotCompileError(BubbleError(loaded.diagnostics))
        seen: dict[str, int] = {}
        for entry in tests_of_file(loaded, self.path):
            seen[entry.title] = seen.get(entry.title, 0) + 1
            name = entry.title if seen[entry.title] == 1 else f"{entry.title} ({seen[entry.title]})"
            yield BotTestItem.from_parent(self, name=name, loaded=loaded, entry=entry)

    def _load(self) -> LoadedBot:
        files = bot_files_for_test_file(Path(self.path))
        cache = self.config.stash.setdefault(_CACHE_KEY, {})
        key = tuple(str(Path(p).resolve()) for p in files.scripts)
        if key not in cache:
            cache[key] = load_files(files)
        return cache[key]

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:  # type: ignore[override]
        error = excinfo.value
        if isinstance(error, BotCompileError):
            return render_diagnostics(error.error.diagnostics, "full")
        if isinstance(error, BubbleError):
            return render_diagnostics(error.diagnostics, "full")
        return super().repr_failure(excinfo)


class BotTestItem(pytest.Item):
    """One `test "…" do … end` block."""

    def __init__(self, *, loaded: LoadedBot, entry: TestEntry, **kwargs: Any):
        super().__init__(**kwargs)
        self.loaded = loaded
        self.entry = entry

    def runtest(self) -> None:
        assert self.loaded.bot is not None
        outcome = run_test(self.loaded.bot, self.entry)
        if not outcome.passed:
            raise BotTestFailed(outcome)

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, BotTestFailed):
            return render_failure(excinfo.value.outcome)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return Path(self.path), self.entry.span.line - 1, f"test {self.entry.title!r}"
