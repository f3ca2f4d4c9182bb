"""Data files to constants, within the limits (layer 2): `menu.yaml` -> `@menu` (SPEC §1, §13).

Input: the text of a `.yaml`, `.yml`, `.json` or `.csv` file and the bot's `Limits`. Output: its
value as plain data, or `BubbleUsageError` with a B502 at the failing line: a syntax error, or a
value over a limit — nesting deeper than `json_nesting`, a list or map with more than
`collection_items` items, a total size over `value_bytes` counted as if every shared part were
written out in full (YAML aliases count each time they are used, so a "billion laughs" file is
refused here instead of hanging the bot), a number that is not finite or an integer beyond
`integer_magnitude`, a text that is not valid Unicode, a YAML value that is not plain data.

Why before parsing: PyYAML's composer and Python's `json` recurse once per level, so a deep file
would crash them with RecursionError; YAML is therefore first read as a stream of events (its
parser is a loop) and JSON's brackets are counted, both in time linear in the text. Every walk
here is a loop with its own stack, never recursion.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import attrs

from .diagnostics import BubbleUsageError, make_diagnostic
from .limits import Limits
from .source import SourceFile

_SCALAR = 4  # what a number, true/false or null counts for in the size, as the VM counts it
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{},]')
_PLAIN = (str, int, float, bool, type(None), datetime.date)


@attrs.frozen
class _Problem:
    message: str
    hint: str
    offset: int = 0


def load_data_file(source: SourceFile, limits: Limits) -> Any:
    """A data file's value as plain data (see the module docstring); B502 on any problem."""
    suffix = Path(source.name).suffix
    if suffix in (".yaml", ".yml"):
        value = _load_yaml(source, limits)
    elif suffix == ".json":
        value = _load_json(source, limits)
    else:
        value = _load_csv(source, limits)
    problem = check_plain_value(value, limits)
    if problem is not None:
        _fail(source, problem)
    return value


def _fail(source: SourceFile, problem: _Problem) -> None:
    offset = min(problem.offset, len(source.text))
    raise BubbleUsageError([make_diagnostic("B502", problem.message, source.span(offset, offset + 1),
                                            hint=problem.hint)])


def _too_deep(limits: Limits) -> tuple[str, str]:
    return (f"the data is nested more than {limits.json_nesting} levels deep",
            "flatten the data, or raise `json_nesting` in bubble.toml")


def _too_many(count: int, limits: Limits) -> tuple[str, str]:
    return (f"a list or map has {count:,} items, over the limit of {limits.collection_items:,}",
            "split the data into smaller lists, or raise `collection_items` in bubble.toml")


def _too_big(limits: Limits, aliases: bool = False) -> tuple[str, str]:
    shared = " counting each use of a YAML alias" if aliases else ""
    return (f"the data is over the size limit of {limits.value_bytes:,} bytes written out in full{shared}",
            "keep less data in the file, or raise `value_bytes` in bubble.toml")


# ------------------------------------------------------------------------------------------ YAML
def _load_yaml(source: SourceFile, limits: Limits) -> Any:
    import yaml  # only bots with data files pay for it at start-up

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 10x faster
        problem = _check_yaml_events(source.text, limits, loader)
        if problem is not None:
            _fail(source, problem)
        return yaml.load(source.text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        offset = source.line_starts[mark.line] + mark.column if mark is not None else 0
        problem_text = getattr(error, "problem", None) or str(error)
        if "nesting depth" in problem_text:  # libyaml's own bound (1,000) met while reading ahead
            _fail(source, _Problem(*_too_deep(limits), offset))
        _fail(source, _Problem(f"invalid YAML: {problem_text}", "fix the YAML at the caret", offset))
    except RecursionError:  # the event check bounds nesting first; this is the last guard
        _fail(source, _Problem(*_too_deep(limits)))


def _check_yaml_events(text: str, limits: Limits, loader: Any) -> _Problem | None:
    """Nesting, items, expanded size and scalar values, from the event stream: one pass, each
    alias counted with the size its anchor had (so shared parts are counted as often as they
    are used, in time linear in the text)."""
    import yaml

    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    lines = _line_starts(text)
    anchored: dict[str, int] = {}
    # One entry per open container: [size so far, items so far, anchor, offset of its start, is a map].
    open_nodes: list[list[Any]] = []
    total = 0

    def offset(mark: Any) -> int:
        return lines[min(mark.line, len(lines) - 1)] + mark.column if mark is not None else 0

    def add(size: int, at: int) -> _Problem | None:
        nonlocal total
        if not open_nodes:
            total = size
        else:
            parent = open_nodes[-1]
            parent[0] += size
            parent[1] += 1
            items = parent[1] // 2 if parent[4] else parent[1]
            if items > limits.collection_items:
                return _Problem(*_too_many(items, limits), parent[3])
        if size > limits.value_bytes or (open_nodes and open_nodes[-1][0] > limits.value_bytes):
            return _Problem(*_too_big(limits, aliases=True), at)
        return None

    for event in yaml.parse(text, Loader=loader):
        at = offset(event.start_mark)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(open_nodes) >= limits.json_nesting:
                return _Problem(*_too_deep(limits), at)
            unsupported = _unsupported_tag(event.tag)
            if unsupported:
                return _Problem(*unsupported, at)
            open_nodes.append([2, 0, event.anchor, at, isinstance(event, yaml.MappingStartEvent)])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            size, _items, anchor, start, _mapping = open_nodes.pop()
            if anchor is not None:
                anchored[anchor] = size
            problem = add(size, start)
            if problem:
                return problem
        elif isinstance(event, yaml.AliasEvent):
            if any(node[2] == event.anchor for node in open_nodes):
                return _Problem(f"the alias `*{event.anchor}` is inside its own anchor: the data would contain itself",
                                "write the repeated part out, or refer to a part that does not contain the alias", at)
            problem = add(anchored.get(event.anchor, _SCALAR), at)
            if problem:
                return problem
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag if event.tag not in (None, "!") else resolver.resolve(
                yaml.ScalarNode, event.value, event.implicit)
            problem = _check_yaml_scalar(constructor, tag, event, limits, at)
            if problem:
                return problem
            size = len(event.value) + 2 if tag == "tag:yaml.org,2002:str" else _SCALAR
            if event.anchor is not None:
                anchored[event.anchor] = size
            problem = add(size, at)
            if problem:
                return problem
    return None


def _unsupported_tag(tag: str | None) -> tuple[str, str] | None:
    if tag in ("tag:yaml.org,2002:set", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs",
               "tag:yaml.org,2002:binary", "tag:yaml.org,2002:python/tuple"):
        kind = tag.rsplit(":", 1)[-1]
        return (f"a YAML `!!{kind}` is not plain data a script can use",
                "write a list, a map, a text or a number instead")
    return None


def _check_yaml_scalar(constructor: Any, tag: str, event: Any, limits: Limits, at: int) -> _Problem | None:
    import yaml

    unsupported = _unsupported_tag(tag)
    if unsupported:
        return _Problem(*unsupported, at)
    node = yaml.ScalarNode(tag, event.value)
    if tag == "tag:yaml.org,2002:float":
        try:
            number = constructor.construct_yaml_float(node)
        except (ValueError, TypeError):
            return None  # safe_load reports it with its position
        if not math.isfinite(number):
            return _Problem(f"`{event.value}` is not a finite number", "write a number, or a text in quotes", at)
    elif tag == "tag:yaml.org,2002:int":
        try:
            number = constructor.construct_yaml_int(node)
        except (ValueError, TypeError):
            return None
        if abs(number) > limits.integer_magnitude:
            return _Problem(f"the integer `{event.value}` is out of range (the limit is ±{limits.integer_magnitude:,})",
                            "write it in quotes to keep it as text", at)
    elif not _valid_text(event.value):
        return _Problem("a text is not valid Unicode (it has a lone surrogate)",
                        "write the character itself, or a pair of `\\u` escapes", at)
    if len(event.value) > limits.string_bytes:
        return _Problem(f"a text of {len(event.value):,} characters is over the limit of {limits.string_bytes:,}",
                        "keep shorter texts, or raise `string_bytes` in bubble.toml", at)
    return None


# ------------------------------------------------------------------------------------------ JSON
def _load_json(source: SourceFile, limits: Limits) -> Any:
    text = source.text
    problem = _check_json_brackets(text, limits)
    if problem is not None:
        _fail(source, problem)

    def constant(name: str) -> Any:
        raise _NotFinite(name)

    def number(digits: str) -> float:
        value = float(digits)
        if not math.isfinite(value):
            raise _NotFinite(digits)
        return value

    try:
        return json.loads(text, parse_constant=constant, parse_float=number)
    except json.JSONDecodeError as error:
        _fail(source, _Problem(f"invalid JSON: {error.msg.lower()}", "fix the JSON at the caret", error.pos))
    except _NotFinite as error:
        _fail(source, _Problem(f"`{error.text}` is not a finite number", "write a number, or a text in quotes",
                               max(text.find(error.text), 0)))
    except ValueError:  # an integer of over 4,300 digits (Python's guard), far over `integer_magnitude`
        digits = re.search(r"\d{4300,}", text)
        _fail(source, _Problem("a number is too large: integers reach 2^53", "write a smaller number, or a text in quotes",
                               digits.start() if digits else 0))
    except RecursionError:  # the bracket check bounds nesting first; this is the last guard
        _fail(source, _Problem(*_too_deep(limits)))


class _NotFinite(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _check_json_brackets(text: str, limits: Limits) -> _Problem | None:
    """Nesting and items per list or map, from the brackets and commas outside strings."""
    items: list[list[int]] = []  # per open container: [commas, offset, non-empty]
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            if len(items) >= limits.json_nesting:
                return _Problem(*_too_deep(limits), match.start())
            items.append([0, match.start(), 0])
        elif token in "]}":
            if items:
                items.pop()
        elif token == ",":
            if items:
                items[-1][0] += 1
                if items[-1][0] + 1 > limits.collection_items:
                    return _Problem(*_too_many(items[-1][0] + 1, limits), items[-1][1])
    return None


# ------------------------------------------------------------------------------------------- CSV
def _load_csv(source: SourceFile, limits: Limits) -> Any:
    try:
        reader = csv.DictReader(io.StringIO(source.text))
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > limits.collection_items:
                line = min(reader.line_num, source.line_count)
                _fail(source, _Problem(*_too_many(len(rows), limits), source.line_starts[line - 1]))
        return rows
    except csv.Error as error:
        _fail(source, _Problem(f"invalid CSV: {error}", "fix the CSV file"))


# ------------------------------------------------------------------------------- the value itself
def check_plain_value(value: Any, limits: Limits) -> _Problem | None:
    """The first limit `value` breaks, or None: the last check for every format. A loop over the
    distinct containers, depth first with its own stack: each is measured once (size and
    height), and a shared one counts as often as it appears; one that contains itself (a YAML
    alias inside its own anchor) is refused."""
    if not isinstance(value, (list, dict)):
        problem = _check_leaf(value, limits)
        if problem is None and _leaf_size(value) > limits.value_bytes:
            problem = _Problem(*_too_big(limits))
        return problem
    measured: dict[int, tuple[int, int]] = {}  # id -> (size written out, height)
    keep: list[Any] = []  # holds every measured container, so no `id` is reused meanwhile
    open_ids: set[int] = set()  # the containers around the one being looked at
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        items = list(node.values()) if isinstance(node, dict) else node
        if done:
            open_ids.discard(key)
            size = 2 + sum(_leaf_size(name) for name in node) if isinstance(node, dict) else 2
            height = 1
            for item in items:
                if isinstance(item, (list, dict)):
                    item_size, item_height = measured[id(item)]
                    size += item_size
                    height = max(height, item_height + 1)
                else:
                    size += _leaf_size(item)
            if size > limits.value_bytes:
                return _Problem(*_too_big(limits, aliases=True))
            if height > limits.json_nesting:
                return _Problem(*_too_deep(limits))
            measured[key] = (size, height)
            continue
        if key in measured:
            continue
        if key in open_ids:
            return _Problem("the data contains itself (a YAML alias inside its own anchor)",
                            "write the repeated part out, or refer to a part that does not contain the alias")
        if len(open_ids) >= limits.json_nesting:
            return _Problem(*_too_deep(limits))
        if len(node) > limits.collection_items:
            return _Problem(*_too_many(len(node), limits))
        for leaf in (*(node if isinstance(node, dict) else ()),
                     *(item for item in items if not isinstance(item, (list, dict)))):
            problem = _check_leaf(leaf, limits)
            if problem:
                return problem
        open_ids.add(key)
        keep.append(node)
        stack.append((node, True))
        stack.extend((item, False) for item in items if isinstance(item, (list, dict)))
    return None


def _leaf_size(value: Any) -> int:
    return len(value) + 2 if isinstance(value, str) else _SCALAR


def _check_leaf(value: Any, limits: Limits) -> _Problem | None:
    if not isinstance(value, _PLAIN):
        return _Problem(f"a {type(value).__name__} value is not plain data a script can use",
                        "write a list, a map, a text or a number instead")
    if isinstance(value, float) and not math.isfinite(value):
        return _Problem(f"`{value}` is not a finite number", "write a number, or a text in quotes")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limits.integer_magnitude:
        return _Problem(f"an integer is out of range (the limit is ±{limits.integer_magnitude:,})",
                        "write it in quotes to keep it as text")
    if isinstance(value, str):
        if not _valid_text(value):
            return _Problem("a text is not valid Unicode (it has a lone surrogate)",
                            "write the character itself, or a pair of `\\u` escapes")
        if len(value) > limits.string_bytes:
            return _Problem(f"a text of {len(value):,} characters is over the limit of {limits.string_bytes:,}",
                            "keep shorter texts, or raise `string_bytes` in bubble.toml")
    return None


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts
