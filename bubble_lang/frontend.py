"""The front-end driver (layer 5): from paths on disk to a checked program and its diagnostics.

Input: a path given by the user. Output: `BotCheck`s, one per bot found, each with every diagnostic
of every stage that ran. Stages: read, parse and build every file (all files, so one broken file
does not hide errors in another), then resolve and check the whole bot. Nothing here runs a script.

Which paths are bots (SPEC §1 leaves room): a `.bot` file is a bot, together with its
`name.test.bot` companion; a directory with a `bubble.toml` is one bot made of all its `.bot` files
and data files (one of its files given alone stands for the whole bot; a test file, with only its
own tests); any other directory is a folder of bots, each file and sub-directory on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from .build import parse_script
from .config import DEFAULT_CONFIG, Config, parse_config
from .data_files import load_data_file
from .diagnostics import BubbleError, Diagnostic, make_diagnostic
from .gcpause import collector_paused
from .nodes import DialogDecl, Script, TaskDecl
from .source import SourceFile, Span
from .translations import load_translations, translation_files

DATA_SUFFIXES = (".yaml", ".yml", ".json", ".csv")


@attrs.frozen(kw_only=True)
class BotFiles:
    """The files that make up one bot."""

    root: Path
    scripts: tuple[Path, ...]
    data: tuple[Path, ...] = ()
    config: Path | None = None
    translations: tuple[Path, ...] = ()  # `translations/<locale>.yaml` of a folder bot


@attrs.frozen(kw_only=True)
class BotCheck:
    """Everything the front end learnt about one bot."""

    files: BotFiles
    sources: tuple[SourceFile, ...]
    scripts: tuple[Script, ...]
    program: Any  # program.Program, or None when parsing failed
    data: dict[str, Any]
    config: Config
    diagnostics: tuple[Diagnostic, ...]
    translations: dict[str, dict[str, Any]] = attrs.field(factory=dict)  # locale -> text -> template

    @property
    def ok(self) -> bool:
        return not any(d.severity.value == "error" for d in self.diagnostics)


def is_test_file(path: Path) -> bool:
    return path.name.endswith(".test.bot")


def discover_bots(path: Path) -> Iterator[BotFiles]:
    """The bots under a user-given path (see the module docstring)."""
    if path.is_file() and (path.parent / "bubble.toml").exists():
        # One file of a folder bot is that bot (its dialogs may call the other files'); a test
        # file brings only its own tests. Alone, it once ran against an empty bot.
        folder = next(discover_bots(path.parent))
        if is_test_file(path):
            scripts = tuple(p for p in folder.scripts if not is_test_file(p) or p.samefile(path))
            folder = attrs.evolve(folder, scripts=scripts)
        yield folder
        return
    if path.is_file():
        if is_test_file(path):
            main = path.with_name(path.name[: -len(".test.bot")] + ".bot")
            scripts = (main, path) if main.exists() else (path,)
        else:
            companion = path.with_name(path.stem + ".test.bot")
            scripts = (path, companion) if companion.exists() else (path,)
        yield BotFiles(root=path.parent, scripts=scripts)
        return
    if (path / "bubble.toml").exists():
        scripts = tuple(sorted(p for p in path.glob("*.bot")))
        data = tuple(sorted(p for p in path.iterdir() if p.suffix in DATA_SUFFIXES and p.is_file()))
        yield BotFiles(root=path, scripts=scripts, data=data, config=path / "bubble.toml",
                       translations=translation_files(path))
        return
    for child in sorted(path.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            yield from discover_bots(child)
        elif child.suffix == ".bot" and not is_test_file(child):
            yield from discover_bots(child)
        elif is_test_file(child) and not child.with_name(child.name[: -len(".test.bot")] + ".bot").exists():
            yield from discover_bots(child)


def bots_under(paths: Iterable[str | Path]) -> tuple[list[BotFiles], list[Diagnostic]]:
    """The bots under user-given paths, each once (`unique_bots`), and B500/B504 for a path that
    does not exist or holds no bot: what `bubble lint` and `bubble test` both start from."""
    found: list[BotFiles] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(make_diagnostic("B500", f"cannot read `{raw}`: no such file or directory", None,
                                            hint="check the path"))
            continue
        bots = list(discover_bots(path))
        if not bots:
            problems.append(make_diagnostic("B504", f"no `.bot` files in `{raw}`", None,
                                            hint="point bubble at a `.bot` file or a folder holding some"))
        found.extend(bots)
    return unique_bots(found), problems


def unique_bots(found: list[BotFiles]) -> list[BotFiles]:
    """Bots found under several paths, each once: `bubble test calc.bot calc.test.bot` (a shell's
    `*.bot`) named one bot twice, and its tests ran twice. A bot whose files are all part of
    another one found (one test file of a folder bot, and the folder) counts as that one."""
    keys = [frozenset(path.resolve() for path in files.scripts) for files in found]
    return [files for index, files in enumerate(found)
            if not any(other > keys[index] or (other == keys[index] and earlier < index)
                       for earlier, other in enumerate(keys) if earlier != index)]


def read_source(path: Path) -> SourceFile | Diagnostic:
    try:
        return SourceFile.from_path(path)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return make_diagnostic("B500", f"cannot read `{path}`: {reason.lower()}", None,
                               hint="check the path, its permissions and that it is UTF-8 text")


def check_bot(files: BotFiles, *, lint: bool = True) -> BotCheck:
    """Read, parse, resolve and check one bot, collecting every diagnostic (the lint warnings only
    with `lint`: running a bot does not need them)."""
    with collector_paused():  # see gcpause.py
        return _check_bot(files, lint)


def _check_bot(files: BotFiles, lint: bool) -> BotCheck:
    from .checks.extension_servers import check_extension_servers
    from .checks.translation_gaps import translation_gaps
    from .resolve import resolve_bot

    diagnostics: list[Diagnostic] = []
    config = DEFAULT_CONFIG
    if files.config is not None:
        config_source = read_source(files.config)
        if isinstance(config_source, Diagnostic):
            diagnostics.append(config_source)
        else:
            try:
                config = parse_config(config_source)
            except BubbleError as error:
                diagnostics.extend(error.diagnostics)
    sources: list[SourceFile] = []
    scripts: list[Script] = []
    for path in files.scripts:
        source = read_source(path)
        if isinstance(source, Diagnostic):
            diagnostics.append(source)
            continue
        sources.append(source)
        try:
            scripts.append(parse_script(source, config.limits))
        except BubbleError as error:
            diagnostics.extend(error.diagnostics)
    data: dict[str, Any] = {}
    data_spans: dict[str, Span | None] = {}
    for path in files.data:
        source = read_source(path)
        if isinstance(source, Diagnostic):
            diagnostics.append(source)
            continue
        name = path.stem
        if name in data_spans:
            diagnostics.append(make_diagnostic("B505", f"two data files define `@{name}`", source.span(0, 0),
                                               hint="rename one of the files"))
            continue
        try:
            data[name] = load_data_file(source, config.limits)
        except BubbleError as error:
            diagnostics.extend(error.diagnostics)
        data_spans[name] = source.span(0, 0)
    translation_sources = {}
    for path in files.translations:
        source = read_source(path)
        if isinstance(source, Diagnostic):
            diagnostics.append(source)
        else:
            translation_sources[path] = source
    translations, problems = load_translations(translation_sources, config.limits)
    diagnostics.extend(problems)
    diagnostics.extend(_orphan_tests(files, scripts))
    program = None
    parsed_all = len(scripts) == len(files.scripts) and not any(d.severity.value == "error" for d in diagnostics)
    if parsed_all:
        program = resolve_bot(scripts, data_constants=data_spans, limits=config.limits)
        diagnostics.extend(_hint_data_files_beside(files, program.diagnostics))
        diagnostics.extend(check_extension_servers(program, config, has_file=files.config is not None))
        if lint:
            from .checks import run_checks

            diagnostics.extend(run_checks(program))
            diagnostics.extend(translation_gaps(scripts, translations))
    return BotCheck(files=files, sources=tuple(sources), scripts=tuple(scripts), program=program, data=data,
                    config=config, diagnostics=tuple(diagnostics), translations=translations)


def _orphan_tests(files: BotFiles, scripts: list[Script]) -> list[Diagnostic]:
    """A test file that belongs to no bot (`tests.test.bot` beside `greet.bot`) ran against an
    empty bot: its `expect`s failed with "nothing was said" and its `expect_end`s passed."""
    if not files.scripts or not all(is_test_file(path) for path in files.scripts):
        return []
    if any(isinstance(decl, (DialogDecl, TaskDecl)) for script in scripts for decl in script.decls):
        return []  # a test file that holds its own dialogs is a bot of its own
    name = files.scripts[0].name
    return [make_diagnostic("B504", f"`{name}` tests no bot: there is no `{name[:-len('.test.bot')]}.bot` beside it",
                            None, hint="name a test file after the bot it tests (`greet.test.bot` tests `greet.bot`), "
                                       "or put the bot's files in a folder with a `bubble.toml`")]


def _hint_data_files_beside(files: BotFiles, found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """An unknown `@menu` while `menu.yaml` lies beside the script: only a folder with a
    `bubble.toml` loads data files (a plain folder is a folder of bots), so say that instead of
    "define it". Authors copying the training course's CMS example (catalogue A30) meet this."""
    found = list(found)
    if files.config is not None or not any(d.code == "B103" for d in found):
        return found
    beside: dict[str, str] = {}
    for folder in {path.parent for path in files.scripts}:
        for path in sorted(folder.iterdir()):
            if path.suffix in DATA_SUFFIXES and path.is_file():
                beside.setdefault(path.stem, path.name)
    result = []
    for diagnostic in found:
        name = diagnostic.span.text[1:] if diagnostic.code == "B103" and diagnostic.span is not None else ""
        if name in beside:
            diagnostic = attrs.evolve(diagnostic, hint=(
                f"`{beside[name]}` is beside this script, but data files are loaded only for a folder bot: "
                "add a `bubble.toml` (it may be empty) to the folder and run the folder"))
        result.append(diagnostic)
    return result
