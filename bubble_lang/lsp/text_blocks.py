"""One script's text as top-level blocks, each parsed once and kept while its text is unchanged.

Why: the full front end on a 77,500-line script takes seconds, but a keystroke changes one block.
`recovery.top_level_blocks` splits a script where a column-0 line starts `dialog`, `task`, `test` or
`@name` (the same split `parse_script` uses to recover after a syntax error); each block is parsed
on its own with `parse_script`, so an edit re-parses only the blocks it touched. After an edit only
the changed stretch of text is split again (the blocks around it keep their parse and move), so a
keystroke costs milliseconds. A block keeps its own block-local `SourceFile`; `FileLayout` knows
where each one currently starts, so spans are moved into the file only at the edge (`shift_of`).

Why the result equals `bubble lint`'s: when every block parses alone, the file parses as a whole
to the same declarations (blocks end at line ends and the lexer carries nothing across them); when
some fail, `parse_script` itself reports each block parsed on its own. The split can be wrong only
where a column-0 definition sits inside another (an unindented inner dialog, a multi-line string):
then the file may parse as a whole although two blocks fail alone. `FileLayout` tries merging a
failing block with the next few; if every failure merges into a block that parses, that is what
the whole file does, and the merged blocks are used. Small files skip all this and are parsed whole
(exact by construction; `whole_file_lines`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

import attrs

from ..build import parse_script
from ..recovery import top_level_blocks
from ..diagnostics import BubbleError, Diagnostic
from ..limits import DEFAULT_LIMITS, Limits
from .. import nodes as n
from ..nodes import Script
from ..lexer import tokenize
from ..parser import check_size, parse_source
from ..source import SourceFile
from .positions import LineIndex
from .symbol_index import BlockSymbols, block_symbols

MERGE_WINDOW = 8
"""How many following blocks a failing block may be merged with (an unindented inner dialog)."""


class Stale(Exception):
    """A newer edit arrived: the work in progress is thrown away."""


@attrs.frozen(eq=False)
class ParsedBlock:
    """A block's parse: the script, or the diagnostics that `parse_script` raised."""

    text: str
    source: SourceFile
    script: Script | None
    diagnostics: tuple[Diagnostic, ...]
    symbols: BlockSymbols
    syntax_error: bool = False
    """The text does not parse (not only the builder's shape errors, like a statement at the top
    level): then `parse_script` on the whole file fails too and recovers block by block."""
    lexical_error: bool = False
    """The text does not even tokenize (an unclosed string): a whole-file parse stops there first."""
    prefix: bool = False
    """The lines before the first definition of the file (not a block of `top_level_blocks`)."""


@attrs.frozen(eq=False)
class Placed:
    """A parsed block at its current place in the file."""

    block: ParsedBlock
    line: int
    """0-based line of the block's first line."""
    start: int
    """Offset of the block's first character in the file."""


@attrs.define(eq=False)
class FileLayout:
    """One script file of one version: its blocks in order and its syntax diagnostics."""

    path: str
    text: str
    index: LineIndex
    blocks: tuple[Placed, ...]
    diagnostics: tuple[Diagnostic, ...]
    """Syntax and shape errors (spans in block sources or in `source`)."""
    shift_of: dict[SourceFile, int]
    """Every source a span of this file may point into, with its offset in the file."""
    _source: SourceFile | None = None
    _starts: list[int] | None = None

    @property
    def source(self) -> SourceFile:
        """The file as one `SourceFile` (made on first use: only diagnostics need it)."""
        if self._source is None:
            self._source = SourceFile(self.path, self.text)
        return self._source

    @property
    def parsed(self) -> bool:
        return not self.diagnostics

    def block_at(self, offset: int) -> Placed | None:
        """The block holding a file offset (the last one starting at or before it)."""
        if self._starts is None:
            self._starts = [p.start for p in self.blocks]
        index = bisect.bisect_right(self._starts, offset) - 1
        return self.blocks[index] if index >= 0 else None


def parse_block(path: str, text: str, limits: Limits) -> ParsedBlock:
    """`parse_script` on one block (or a whole small file), never raising for bad text."""
    source = SourceFile(path, text)
    try:
        script: Script | None = parse_script(source, limits)
        diagnostics: tuple[Diagnostic, ...] = ()
    except BubbleError as error:
        script, diagnostics = None, error.diagnostics
    except RecursionError:
        script, diagnostics = None, ()
    syntax_error = lexical_error = False
    if script is None:
        try:
            parse_source(source, limits)  # parses without the builder: only real syntax errors fail
        except (BubbleError, RecursionError):
            syntax_error = True
            try:
                tokenize(source, limits)
            except (BubbleError, RecursionError):
                lexical_error = True
    starts = top_level_blocks(text)
    return ParsedBlock(text=text, source=source, script=script, diagnostics=diagnostics,
                       symbols=block_symbols(script), syntax_error=syntax_error, lexical_error=lexical_error,
                       prefix=not starts or starts[0][0] != 1)


class BlockCache:
    """The last layout of one file, from which the next one is made."""

    def __init__(self) -> None:
        self.limits: Limits = DEFAULT_LIMITS
        self.previous: FileLayout | None = None
        """The last block layout (unmerged), the starting point of the next."""
        self.whole: ParsedBlock | None = None
        self.merges: dict[str, ParsedBlock] = {}
        """Merged blocks tried while the file has a syntax error (by text)."""

    def layout(self, path: str, text: str, limits: Limits, *, whole_file_lines: int,
               stale: Callable[[], bool] = lambda: False) -> FileLayout:
        """The layout of `text`, parsing only blocks not seen before (raises `Stale`)."""
        if limits != self.limits:
            self.previous, self.whole, self.limits = None, None, limits
        if len(text) > limits.source_bytes:
            source = SourceFile(path, text)
            try:
                check_size(source, limits)
            except BubbleError as error:
                return FileLayout(path=path, text=text, index=LineIndex(text), blocks=(),
                                  diagnostics=error.diagnostics, shift_of={source: 0}, source=source)
        if text.count("\n") < whole_file_lines:
            return self._whole_layout(path, text, limits, stale)
        layout = self._block_layout(path, text, limits, stale)
        if any(p.block.syntax_error for p in layout.blocks):
            return _with_blocks(layout, self._merged(path, text, layout, limits))
        return layout

    # ------------------------------------------------------------------ small files: exact
    def _whole_layout(self, path: str, text: str, limits: Limits, stale: Callable[[], bool]) -> FileLayout:
        whole = self.whole
        if whole is None or whole.text != text or whole.source.name != path:
            whole = self.whole = parse_block(path, text, limits)
        if whole.script is not None:
            return FileLayout(path=path, text=text, index=LineIndex(text),
                              blocks=(Placed(block=whole, line=0, start=0),), diagnostics=(),
                              shift_of={whole.source: 0}, source=whole.source)
        # syntax errors: the whole file's diagnostics (exact), and the blocks that parse for navigation
        layout = self._block_layout(path, text, limits, stale)
        shift_of = dict(layout.shift_of)
        shift_of[whole.source] = 0
        return FileLayout(path=path, text=text, index=layout.index, blocks=layout.blocks,
                          diagnostics=whole.diagnostics, shift_of=shift_of, source=whole.source)

    # ------------------------------------------------------------------ large files: per block
    def _block_layout(self, path: str, text: str, limits: Limits, stale: Callable[[], bool]) -> FileLayout:
        previous = self.previous
        if previous is None or previous.path != path or not previous.blocks:
            placed = self._split(path, text, 0, 0, {}, limits, stale)
            index = LineIndex(text)
        else:
            placed, index = self._respliced(previous, text, limits, stale)
        layout = _layout(path, text, index, placed)
        self.previous = layout
        return layout

    def _respliced(self, previous: FileLayout, text: str, limits: Limits,
                   stale: Callable[[], bool]) -> tuple[list[Placed], LineIndex]:
        """The previous blocks with only the stretch around the change split and parsed again."""
        old = previous.text
        start = _common_prefix(old, text)
        tail = _common_suffix(old, text, start)
        old_end, new_end = len(old) - tail, len(text) - tail
        delta = new_end - old_end
        blocks = previous.blocks
        starts = [p.start for p in blocks]
        first = max(0, bisect.bisect_right(starts, start) - 2)  # the block before the change, too
        last = max(first, bisect.bisect_right(starts, old_end) - 1)
        region_start = blocks[first].start
        region_end = (blocks[last + 1].start - 1 + delta) if last + 1 < len(blocks) else len(text)
        pool: dict[str, list[ParsedBlock]] = {}
        for placed in blocks[first:last + 1]:
            pool.setdefault(placed.block.text, []).append(placed.block)
        index = LineIndex.edited(previous.index, text, start, old_end, new_end)
        middle = self._split(previous.path, text[region_start:region_end], region_start, blocks[first].line, pool,
                             limits, stale)
        line_delta = text.count("\n", start, new_end) - old.count("\n", start, old_end)
        after = [Placed(block=p.block, line=p.line + line_delta, start=p.start + delta) for p in blocks[last + 1:]]
        return [*blocks[:first], *middle, *after], index

    def _split(self, path: str, text: str, offset: int, line: int, pool: dict[str, list[ParsedBlock]],
               limits: Limits, stale: Callable[[], bool]) -> list[Placed]:
        """Blocks of `text` (which starts at `offset`, line `line` of the file), parsed or from `pool`."""
        lines = text.split("\n")
        local = LineIndex(text)
        placed: list[Placed] = []
        for first, last in _ranges(text):
            body = "\n".join(lines[first:last + 1])
            block = _take(pool, body)
            if block is None or block.source.name != path:
                if stale():
                    raise Stale()
                block = parse_block(path, body, limits)
            placed.append(Placed(block=block, line=line + first, start=offset + local.starts[first]))
        return placed

    def _merged(self, path: str, text: str, layout: FileLayout, limits: Limits) -> list[Placed]:
        """The blocks with each failing one merged into the following ones, when every failure
        merges into a block that parses (then the whole file parses too); else unchanged."""
        placed = list(layout.blocks)
        tried, self.merges = self.merges, {}
        result: list[Placed] = []
        position = 0
        while position < len(placed):
            current = placed[position]
            if not current.block.syntax_error:
                result.append(current)
                position += 1
                continue
            for end in range(position + 1, min(position + 1 + MERGE_WINDOW, len(placed))):
                stop = placed[end + 1].start - 1 if end + 1 < len(placed) else len(text)
                body = text[current.start:stop]
                block = tried.get(body) or parse_block(path, body, limits)
                self.merges[body] = block
                if block.script is not None:
                    result.append(Placed(block=block, line=current.line, start=current.start))
                    position = end + 1
                    break
            else:
                return placed  # a real error: `bubble lint` reports the blocks as they are
        return result


def block_scripts(layouts: Sequence[FileLayout], decls: Callable[[Placed], tuple[n.Decl, ...]]) -> list[n.Script]:
    """One `Script` per parsed block, in file order: the span of each is its block, so a rule that
    orders places by script and offset (`checks/variables.py`) orders them as in the files."""
    return [n.Script(path=layout.path, decls=decls(placed), span=placed.block.source.span(0, len(placed.block.text)))
            for layout in layouts for placed in layout.blocks if placed.block.script is not None]


def _layout(path: str, text: str, index: LineIndex, placed: list[Placed]) -> FileLayout:
    """The layout of placed blocks, with the diagnostics `parse_script` gives the whole file: when a
    block has a syntax error the file is recovered block by block, and lines before the first
    definition report only the whole file's first error, when it is theirs (`build.parse_script`'s
    "outside" errors): tokenizing comes first, so a lexical error anywhere is that first error."""
    recovering = any(p.block.syntax_error for p in placed)
    lexical = any(p.block.lexical_error for p in placed)

    def reported(block: ParsedBlock) -> bool:
        if not (recovering and block.prefix):
            return True
        return block.lexical_error or (block.syntax_error and not lexical)

    diagnostics = tuple(d for p in placed if reported(p.block) for d in p.block.diagnostics)
    return FileLayout(path=path, text=text, index=index, blocks=tuple(placed), diagnostics=diagnostics,
                      shift_of={p.block.source: p.start for p in placed})


def _with_blocks(layout: FileLayout, placed: list[Placed]) -> FileLayout:
    if len(placed) == len(layout.blocks):
        return layout
    return _layout(layout.path, layout.text, layout.index, placed)


def _ranges(text: str) -> list[tuple[int, int]]:
    """0-based (first, last) line of each block; lines before the first definition are a block."""
    blocks = [(first - 1, last - 1) for first, last in top_level_blocks(text)]
    line_count = text.count("\n") + 1
    if not blocks:
        return [(0, line_count - 1)]
    if blocks[0][0] > 0:
        blocks.insert(0, (0, blocks[0][0] - 1))
    return blocks


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix (compared in chunks: memcmp speed)."""
    limit = min(len(a), len(b))
    low, step = 0, 65536
    while low < limit and a[low:low + step] == b[low:low + step]:
        low += step
    high = min(limit, low + step)
    while low < high:  # the first difference lies in [low, high)
        middle = (low + high) // 2
        if a[low:middle + 1] == b[low:middle + 1]:
            low = middle + 1
        else:
            high = middle
    return min(low, limit)


def _common_suffix(a: str, b: str, prefix: int) -> int:
    """Length of the common suffix, not reaching into the first `prefix` characters of either."""
    limit = min(len(a), len(b)) - prefix
    done, step = 0, 65536
    while done < limit:
        size = min(step, limit - done)
        if a[len(a) - done - size:len(a) - done] == b[len(b) - done - size:len(b) - done]:
            done += size
            continue
        low, high = 0, size  # the longest equal tail of this chunk is in [low, high)
        while low < high:
            middle = (low + high + 1) // 2
            if a[len(a) - done - middle:len(a) - done] == b[len(b) - done - middle:len(b) - done]:
                low = middle
            else:
                high = middle - 1
        return done + low
    return max(0, limit)


def _take(table: dict[str, list[ParsedBlock]], body: str) -> ParsedBlock | None:
    found = table.get(body)
    if not found:
        return None
    block = found.pop(0)
    if not found:
        del table[body]
    return block
