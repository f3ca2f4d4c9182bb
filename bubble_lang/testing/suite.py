"""Finding and running the tests of many bots (layer 11): shared by `bubble test` and the pytest plugin.

Input: paths (bot files, test files, bot folders, folders of bots). Output: `LoadedBot`s (a linked
bot, or the diagnostics that kept it from compiling) and, when run, their `TestOutcome`s and
optional coverage. A bot is found the way `bubble lint` finds it (`frontend.discover_bots`): a
`.bot` file with its `name.test.bot` companion, or a folder with a `bubble.toml` and all its files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import attrs
import pendulum

from ..diagnostics import BubbleError, Diagnostic
from ..engine.bot import Bot, build_bot
from ..frontend import BotFiles, bots_under, check_bot, discover_bots, is_test_file
from ..vm.bot_image import TestEntry
from .coverage import BotCoverage, CoveredBot, instrument_bot, measure
from .driver import DEFAULT_SEED, TestOutcome, run_test


@attrs.define(eq=False)
class LoadedBot:
    """One bot under test: linked, or the errors that kept it from compiling."""

    name: str
    files: BotFiles
    bot: Bot | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def tests(self) -> list[TestEntry]:
        return list(self.bot.image.tests) if self.bot is not None else []


def bot_name(files: BotFiles) -> str:
    """How reports name a bot: its main script, or its folder for a `bubble.toml` bot."""
    if files.config is not None:
        return str(files.root)
    scripts = [path for path in files.scripts if not is_test_file(path)] or list(files.scripts)
    return str(scripts[0]) if scripts else str(files.root)


def load_files(files: BotFiles) -> LoadedBot:
    check = check_bot(files, lint=False)
    try:
        return LoadedBot(bot_name(files), files, build_bot(check))
    except BubbleError as error:
        return LoadedBot(bot_name(files), files, None, error.diagnostics)


def load_bots(paths: Iterable[str | Path]) -> tuple[list[LoadedBot], list[Diagnostic]]:
    """Every bot under `paths`; unreadable paths and paths without bots as B500/B504."""
    found, problems = bots_under(paths)
    return [load_files(files) for files in found], problems


def bot_files_for_test_file(path: Path) -> BotFiles:
    """The bot a `*.test.bot` file belongs to: its folder's bot when there is a `bubble.toml`,
    else the `.bot` file of the same name (or the test file alone)."""
    if (path.parent / "bubble.toml").exists():
        return next(iter(discover_bots(path.parent)))
    return next(iter(discover_bots(path)))


def tests_of_file(loaded: LoadedBot, path: Path) -> list[TestEntry]:
    """The tests a test file contributes: its own, plus the tests written inside the bot's
    scripts when it is the bot's first test file (so those run once)."""
    target = path.resolve()
    test_files = sorted(p.resolve() for p in loaded.files.scripts if is_test_file(p))
    first = bool(test_files) and test_files[0] == target
    chosen = []
    for entry in loaded.tests:
        source = Path(entry.span.file.name).resolve()
        if source == target or (first and not is_test_file(source)):
            chosen.append(entry)
    return chosen


def matches_keyword(title: str, keyword: str | None) -> bool:
    """`-k`: the test title contains the text, ignoring case."""
    return keyword is None or keyword.casefold() in title.casefold()


@attrs.define(eq=False)
class SuiteResult:
    outcomes: list[tuple[LoadedBot, TestOutcome]] = attrs.field(factory=list)
    broken: list[LoadedBot] = attrs.field(factory=list)
    coverage: list[BotCoverage] | None = None
    stopped: bool = False  # `-x` stopped the run at the first failure

    @property
    def failed(self) -> list[tuple[LoadedBot, TestOutcome]]:
        return [(bot, outcome) for bot, outcome in self.outcomes if not outcome.passed]


def run_suite(bots: list[LoadedBot], *, keyword: str | None = None, seed: int = DEFAULT_SEED,
              now: pendulum.DateTime | None = None, coverage: bool = False, exitfirst: bool = False,
              on_outcome: Callable[[LoadedBot, TestOutcome], None] | None = None) -> SuiteResult:
    """Run every selected test of every bot, each in a fresh conversation."""
    result = SuiteResult(coverage=[] if coverage else None)
    covered: list[CoveredBot] = []
    for loaded in bots:
        if loaded.bot is None:
            result.broken.append(loaded)
            if exitfirst:
                result.stopped = True
                break
            continue
        target = instrument_bot(loaded.bot, loaded.name) if coverage else None
        if target is not None:
            covered.append(target)
        for entry in loaded.tests:
            if not matches_keyword(entry.title, keyword):
                continue
            bot = target.bot if target is not None else loaded.bot
            outcome = run_test(bot, entry, seed=seed, now=now,
                               recorder=target.recorder if target is not None else None)
            result.outcomes.append((loaded, outcome))
            if on_outcome is not None:
                on_outcome(loaded, outcome)
            if exitfirst and not outcome.passed:
                result.stopped = True
                break
        if result.stopped:
            break
    if result.coverage is not None:
        result.coverage.extend(measure(target) for target in covered)
    return result

