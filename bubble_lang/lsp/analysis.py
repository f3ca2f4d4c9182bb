"""The front end of `bubble lint`, for one bot, on editor buffers, done again after each edit.

Why its own driver: `frontend.check_bot` reads every file from disk and parses every script whole;
the server must use unsaved buffers and, on a large bot, re-parse only the blocks an edit touched
(`text_blocks`). The stages and their order are `check_bot`'s: `bubble.toml`, then every script,
then the data files; name resolution only when all of that had no error; then the extension
server check and the lint rules; then `# bubble: ignore` comments (`cli.lint_ignores`). So the
complete result has the same codes, messages and places as `bubble lint` on the same text.

Two results per edit on a large bot (more lines than `whole_file_lines` in all): *quick* — every
syntax error, and the name-resolution findings from `quick_resolve` (only dirty blocks are
resolved), plus the previous complete run's lint warnings of the blocks that did not change — then
*complete*. A small bot gets the complete result at once. `stale()` is asked between stages; a newer
edit abandons the run (`Stale`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..cli.lint_ignores import apply_ignores
from ..config import DEFAULT_CONFIG, Config, parse_config
from ..data_files import load_data_file
from ..diagnostics import BubbleError, Diagnostic, Label, make_diagnostic
from ..frontend import BotFiles
from ..source import SourceFile, Span
from .positions import LineIndex
from .quick_resolve import QuickResolver
from .text_blocks import BlockCache, FileLayout, Stale, block_scripts
from .workspace_bots import read_text

WHOLE_FILE_LINES = 2000
"""Scripts up to this many lines are parsed whole (exact by construction); longer ones by block."""


@attrs.frozen(eq=False)
class BotResult:
    """What one run learnt: diagnostics by file (spans in each file's own text) and the layouts
    the navigation features read."""

    files: BotFiles
    layouts: dict[str, FileLayout]
    texts: dict[str, LineIndex]
    """Every file read (scripts, `bubble.toml`, data), for positions."""
    diagnostics: dict[str, list[Diagnostic]]
    unplaced: list[Diagnostic]
    """Diagnostics without a place (an unreadable file)."""
    data_constants: dict[str, Span | None]
    data: dict[str, Any]
    config: Config
    complete: bool


class BotAnalyzer:
    """One bot's caches (parsed blocks, per-block resolution, last lint findings) between edits."""

    def __init__(self, *, whole_file_lines: int = WHOLE_FILE_LINES) -> None:
        self.whole_file_lines = whole_file_lines
        self.blocks: dict[str, BlockCache] = {}
        self.quick = QuickResolver()
        self.carried: dict[SourceFile, list[Diagnostic]] = {}
        """The last complete run's findings after resolution (lint, extension servers), by the
        block source they point into: shown again by a quick run while their block is unchanged."""
        self.data_cache: dict[tuple[str, str], tuple[Any, tuple[Diagnostic, ...]]] = {}

    def run(self, files: BotFiles, open_paths: dict[str, str], *, stale: Callable[[], bool] = lambda: False,
            publish: Callable[[BotResult], None] = lambda result: None) -> BotResult:
        """Check the bot; `publish` gets the quick result first on a large bot (raises `Stale`)."""
        diagnostics: list[Diagnostic] = []
        texts: dict[str, LineIndex] = {}
        config = self._config(files, open_paths, diagnostics, texts)
        layouts: dict[str, FileLayout] = {}
        unreadable = False
        for path in files.scripts:
            source = read_text(path, open_paths)
            if isinstance(source, Diagnostic):
                diagnostics.append(source)
                unreadable = True
                continue
            cache = self.blocks.setdefault(str(path), BlockCache())
            layout = cache.layout(str(path), source.text, config.limits, whole_file_lines=self.whole_file_lines,
                                  stale=stale)
            layouts[str(path)] = layout
            texts[str(path)] = layout.index
            diagnostics.extend(layout.diagnostics)
        self.blocks = {path: cache for path, cache in self.blocks.items() if path in layouts}
        data, data_spans = self._data(files, open_paths, config, diagnostics, texts)
        owner = {source: (layout, shift) for layout in layouts.values() for source, shift in layout.shift_of.items()}

        def finish(found: list[Diagnostic], complete: bool) -> BotResult:
            moved = [_move(d, owner) for d in found]
            if any("bubble:" in layout.text for layout in layouts.values()):
                moved = apply_ignores(tuple(layout.source for layout in layouts.values()), moved)
            by_file: dict[str, list[Diagnostic]] = {}
            unplaced: list[Diagnostic] = []
            for diagnostic in moved:
                if diagnostic.span is None:
                    unplaced.append(diagnostic)
                else:
                    by_file.setdefault(diagnostic.span.file.name, []).append(diagnostic)
            return BotResult(files=files, layouts=layouts, texts=texts, diagnostics=by_file, unplaced=unplaced,
                             data_constants=data_spans, data=data, config=config, complete=complete)

        if unreadable or any(d.severity.value == "error" for d in diagnostics):
            self.carried = {}
            return finish(diagnostics, True)
        ordered = [layouts[str(path)] for path in files.scripts]
        if sum(layout.index.line_count for layout in ordered) > self.whole_file_lines:
            quick = self.quick.run(ordered, data_spans, config.limits)
            carried = [d for source, found in self.carried.items() if source in owner for d in found]
            publish(finish(diagnostics + quick + carried, False))
            if stale():
                raise Stale()
        return finish(diagnostics + self._complete(files, ordered, data_spans, config, stale), True)

    # ------------------------------------------------------------------ stages
    def _config(self, files: BotFiles, open_paths: dict[str, str], diagnostics: list[Diagnostic],
                texts: dict[str, LineIndex]) -> Config:
        if files.config is None:
            return DEFAULT_CONFIG
        source = read_text(files.config, open_paths)
        if isinstance(source, Diagnostic):
            diagnostics.append(source)
            return DEFAULT_CONFIG
        texts[source.name] = LineIndex(source.text)
        try:
            return parse_config(source)
        except BubbleError as error:
            diagnostics.extend(error.diagnostics)
            return DEFAULT_CONFIG

    def _data(self, files: BotFiles, open_paths: dict[str, str], config: Config, diagnostics: list[Diagnostic],
              texts: dict[str, LineIndex]) -> tuple[dict[str, Any], dict[str, Span | None]]:
        data: dict[str, Any] = {}
        spans: dict[str, Span | None] = {}
        for path in files.data:
            source = read_text(path, open_paths)
            if isinstance(source, Diagnostic):
                diagnostics.append(source)
                continue
            texts[source.name] = LineIndex(source.text)
            name = path.stem
            if name in spans:
                diagnostics.append(make_diagnostic("B505", f"two data files define `@{name}`", source.span(0, 0),
                                                   hint="rename one of the files"))
                continue
            key = (str(path), source.text)
            cached = self.data_cache.get(key)
            if cached is None:
                try:
                    cached = (load_data_file(source, config.limits), ())
                except BubbleError as error:
                    cached = (None, error.diagnostics)
                self.data_cache[key] = cached
            value, found = cached
            if found:
                diagnostics.extend(_reanchor(d, source) for d in found)
            else:
                data[name] = value
            spans[name] = source.span(0, 0)
        live = {(str(path), open_paths.get(str(path))) for path in files.data}
        self.data_cache = {key: value for key, value in self.data_cache.items()
                           if key in live or (key[0], None) in live}
        return data, spans

    def _complete(self, files: BotFiles, ordered: list[FileLayout], data_spans: dict[str, Span | None],
                  config: Config, stale: Callable[[], bool]) -> list[Diagnostic]:
        """Resolution, extension servers and every lint rule on the whole bot (`check_bot`)."""
        from ..checks import rules
        from ..checks.extension_servers import check_extension_servers
        from ..resolve import resolve_bot

        scripts = block_scripts(ordered, lambda placed: placed.block.script.decls)  # type: ignore[union-attr]
        program = resolve_bot(scripts, data_constants=data_spans, limits=config.limits)
        later = list(check_extension_servers(program, config, has_file=files.config is not None))
        for rule in rules():
            if stale():
                raise Stale()
            later.extend(rule(program))
        carried: dict[SourceFile, list[Diagnostic]] = {}
        for diagnostic in later:
            if diagnostic.span is not None:
                carried.setdefault(diagnostic.span.file, []).append(diagnostic)
        self.carried = carried
        return list(program.diagnostics) + later


def _reanchor(diagnostic: Diagnostic, source: SourceFile) -> Diagnostic:
    """A cached data-file finding pointed at this version's source (the text is the same)."""
    def move(span: Span | None) -> Span | None:
        return None if span is None else Span(source, span.start, span.end)

    return attrs.evolve(diagnostic, span=move(diagnostic.span),
                        labels=tuple(attrs.evolve(label, span=move(label.span)) for label in diagnostic.labels))


def _move(diagnostic: Diagnostic, owner: dict[SourceFile, tuple[FileLayout, int]]) -> Diagnostic:
    """A diagnostic from a block source pointed into its file, hints that quote a place
    (`did you mean … (defined at path:line:col)`) rewritten to the file's line."""
    def move(span: Span | None) -> Span | None:
        found = owner.get(span.file) if span is not None else None
        if span is None or found is None:
            return span
        layout, shift = found
        if span.file is layout.source:
            return span
        return Span(layout.source, span.start + shift, span.end + shift)

    span = move(diagnostic.span)
    labels = tuple(Label(move(label.span), label.message) for label in diagnostic.labels)  # type: ignore[arg-type]
    hint = diagnostic.hint
    if hint and " at " in hint:
        for old, new in zip(diagnostic.labels, labels):
            if old.span is not None and new.span is not None and old.span is not new.span:
                hint = hint.replace(f" at {old.span.location()})", f" at {new.span.location()})")
    if span is diagnostic.span and all(a.span is b.span for a, b in zip(labels, diagnostic.labels)) \
            and hint == diagnostic.hint:
        return diagnostic
    return attrs.evolve(diagnostic, span=span, labels=labels, hint=hint)
