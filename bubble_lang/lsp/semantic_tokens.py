"""Semantic tokens: what each word of a script is, from bubble's own tokenizer, for editors that
colour by meaning on top of the TextMate grammar.

Why the tokenizer and not the grammar's regular expressions: it alone knows what the language
knows — a word at the start of a statement is a command (`say`), `list[0]` indexes while
`show location [..]` passes a list, `name(` calls a builtin, `name:` is an option, `#{…}` inside a
string is code. On top of the tokens, a name is a *function* when it names a builtin it calls or
a dialog or task after `invoke`, `goto` or `perform` (a *declaration* after `dialog`/`task`), a
*property* after `.`, a constant (`@menu`) a read-only variable. Comments are read from the gaps
between tokens (the tokenizer skips them). Each top-level block is tokenized on its own (the
split `parse_script` recovers with), so a block with a lexical error (an unclosed string) gets no
semantic tokens — the grammar's colours stay there — while the others keep theirs, and a range
request (what the editor shows of a large file) reads only the blocks in it.
"""

from __future__ import annotations

import threading

from ..recovery import top_level_blocks
from ..diagnostics import BubbleError
from ..lexer import KEYWORDS, tokenize
from ..source import SourceFile
from ..stdlib import BUILTINS
from .positions import LineIndex

TOKEN_TYPES = ["keyword", "string", "number", "variable", "function", "parameter", "property", "enumMember",
               "comment", "operator"]
TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"]

_TYPE = {name: index for index, name in enumerate(TOKEN_TYPES)}
_DECLARATION, _READONLY, _LIBRARY = 1, 2, 4
_KEYWORD_TYPES = frozenset(KEYWORDS.values()) | {"CMD", "DO_COLON", "COMMA_DO"}
_STRING_TYPES = frozenset({"STRING", "STR_START", "STR_TEXT", "STR_END", "TRANSLATE"})
_OPERATOR_TYPES = frozenset({"ARROW", "EQ", "NE", "LE", "GE", "ANDAND", "OROR", "LT", "GT", "PLUS", "MINUS", "STAR",
                             "SLASH", "BANG", "ASSIGN", "INTERP_START", "INTERP_END"})
_NAME_TAKERS = frozenset({"invoke", "goto", "perform"})


def _classify(tokens: list, at: int) -> tuple[str, int, int, int] | None:
    """(type, modifiers, start, end) of token `at`, or None for punctuation and line ends."""
    token = tokens[at]
    kind = token.type
    start, end = token.start_pos, token.end_pos
    before = tokens[at - 1].type if at else None
    if kind == "COMMA_DO":
        return "keyword", 0, end - 3, end - 1  # `do` of `, do:`
    if kind == "DO_COLON":
        return "keyword", 0, start, end - 1
    if kind in _KEYWORD_TYPES:
        return "keyword", 0, start, end
    if kind in _STRING_TYPES:
        return "string", 0, start, end
    if kind == "NUMBER":
        return "number", 0, start, end
    if kind in _OPERATOR_TYPES:
        return "operator", 0, start, end
    if kind == "KEY":
        return "parameter", 0, start, end - 1
    if kind == "ATOM":
        return "enumMember", 0, start, end
    if kind in ("CONST", "CONST_DEF"):
        return "variable", _READONLY | (_DECLARATION if kind == "CONST_DEF" else 0), start, end
    if kind != "NAME":
        return None
    following = tokens[at + 1].type if at + 1 < len(tokens) else None
    if before == "DOT":
        return "property", 0, start, end
    if before in ("DIALOG", "TASK"):
        return "function", _DECLARATION, start, end
    if before == "CMD" and str(tokens[at - 1]) in _NAME_TAKERS:
        return "function", 0, start, end
    if following == "CALL_LPAR" and str(token) in BUILTINS:
        return "function", _LIBRARY, start, end
    return "variable", 0, start, end


def _comments(text: str, gaps: list[tuple[int, int]]) -> list[tuple[str, int, int, int]]:
    found = []
    for start, end in gaps:
        at = text.find("#", start, end)
        while at != -1:
            line_end = text.find("\n", at, end)
            stop = end if line_end == -1 else line_end
            found.append(("comment", 0, at, stop))
            at = text.find("#", stop, end)
    return found


def semantic_tokens(text: str, name: str = "document.bot", lines: tuple[int, int] | None = None) -> list[int]:
    """The LSP `data` array (five integers per token, positions relative to the previous one),
    for the whole text or the top-level blocks that touch `lines` (0-based, inclusive).

    Each block's own array (relative to the block's first line) is kept by its text, so after an
    edit only the changed blocks are tokenized again; joining them only moves each block's first
    token (a block starts on a new line, so only its line delta changes)."""
    index = LineIndex(text)
    data: list[int] = []
    previous_line = 0
    for first, last in _chunks(text):
        if lines is not None and (last - 1 < lines[0] or first - 1 > lines[1]):
            continue
        start = index.starts[first - 1]
        end = index.starts[last] if last < len(index.starts) else len(text)
        block, last_line = _block_data(text[start:end], name)
        if block:
            data.append(first - 1 + block[0] - previous_line)
            data.extend(block[1:])
            previous_line = first - 1 + last_line
    return data


_BLOCKS: dict[str, tuple[list[int], int]] = {}
_BLOCKS_LOCK = threading.Lock()
BLOCKS_KEPT = 50_000


def _block_data(chunk: str, name: str) -> tuple[list[int], int]:
    """One block's array from its own first line, and the line of its last token."""
    with _BLOCKS_LOCK:
        found = _BLOCKS.get(chunk)
    if found is None:
        marks = _chunk_marks(chunk, name)
        data = _encode(marks, LineIndex(chunk))
        last_line = sum(data[0::5])
        found = (data, last_line)
        with _BLOCKS_LOCK:
            if len(_BLOCKS) >= BLOCKS_KEPT:
                _BLOCKS.clear()
            _BLOCKS[chunk] = found
    return found


def _chunks(text: str) -> list[tuple[int, int]]:
    """(first line, last line), 1-based, of each top-level block, and of what comes before the
    first: each is tokenized on its own, so a lexical error costs only its own block's colours,
    and a range request reads only the blocks it shows."""
    blocks = top_level_blocks(text)
    if not blocks:
        return [(1, text.count("\n") + 1)]
    return ([(1, blocks[0][0] - 1)] if blocks[0][0] > 1 else []) + blocks


def _chunk_marks(chunk: str, name: str) -> list[tuple[str, int, int, int]]:
    """The marks of one block's text, at offsets in it; none when the block does not tokenize."""
    try:
        tokens = [token for token in tokenize(SourceFile(name, chunk)) if token.type != "_NL"]
    except BubbleError:
        return []
    marks: list[tuple[str, int, int, int]] = []
    previous_end = 0
    gaps: list[tuple[int, int]] = []
    for at, token in enumerate(tokens):
        if token.start_pos > previous_end:
            gaps.append((previous_end, token.start_pos))
        previous_end = max(previous_end, token.end_pos)
        found = _classify(tokens, at)
        if found is not None and found[3] > found[2]:
            marks.append(found)
    gaps.append((previous_end, len(chunk)))
    marks.extend(_comments(chunk, gaps))
    marks.sort(key=lambda mark: mark[2])
    return marks


def _encode(marks: list[tuple[str, int, int, int]], index: LineIndex) -> list[int]:
    """Relative positions; a token across lines (a multi-line string) is cut at each line end."""
    data: list[int] = []
    last_line = last_char = 0
    for kind, modifiers, start, end in marks:
        while start < end:
            line = index.line_of(start)
            line_end = index.starts[line + 1] - 1 if line + 1 < len(index.starts) else len(index.text)
            stop = min(end, line_end)
            if stop > start:
                line, char = index.position(start)
                length = index.position(stop)[1] - char
                data += [line - last_line, char - last_char if line == last_line else char, length,
                         _TYPE[kind], modifiers]
                last_line, last_char = line, char
            start = max(stop + 1, start + 1) if stop < end else end
    return data
