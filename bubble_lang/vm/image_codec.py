"""A linked bot image as JSON, read back lazily (layer 7).

Input: a `BotImage` and the `SourceFile`s its spans point into. Output: bytes — a header line
(JSON) followed by one JSON text per compiled code and per dialog — and, from those bytes, an
image whose `codes`, `dialogs` and `entries` decode an item the first time it is asked for.

Why this shape (issue "Front end, second edition": a cached bot loads in ≤ 0.1 s): a
10,000-dialog image is about 300,000 objects; building all of them takes 0.25 s even with pickle,
and a conversation touches a handful. So the header holds what every turn needs at once (names,
trigger index words, tasks, constants, settings) and everything else waits. A compiled pattern
is kept as its parsed pattern and compiled again when read: its tables are keyed by the identity
of the pattern's rules, which a new process does not share.

Why not pickle or marshal: the bytes sit in a file; loading one must never run code or crash the
interpreter whatever it holds. Decoding builds only what `REGISTRY` lists — this package's own
attrs data classes, called with keyword arguments — plus plain values, spans, compiled regexes
and dates. `Unsupported` at encoding time (a value of another type) means: do not cache this bot.
"""

from __future__ import annotations

import enum
import hashlib
import importlib
import json
import types
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import pendulum
import regex

from ..runtime import matching
from ..runtime.value_bounds import constant_sizes
from ..source import SourceFile, Span
from .concepts import concept_table
from .bot_image import BotImage, DialogEntry

FORMAT = 1
#: Modules whose attrs classes (and enums) may be rebuilt from a cache file.
MODULES = ("bubble_lang.opcodes", "bubble_lang.vm.bot_image", "bubble_lang.vm.pattern_match",
           "bubble_lang.patterns.tree", "bubble_lang.runtime.matching.matcher",
           "bubble_lang.runtime.matching.engine", "bubble_lang.runtime.values", "bubble_lang.config",
           "bubble_lang.limits", "bubble_lang.diagnostics", "bubble_lang.severity")


class Unsupported(TypeError):
    """A value the codec does not know: the bot is simply not cached."""


class Corrupt(ValueError):
    """Bytes that do not decode to an image: the cache entry is ignored."""


def _registry() -> dict[str, type]:
    found: dict[str, type] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name and \
                    (attrs.has(value) or issubclass(value, enum.Enum)):
                found[f"{name}:{value.__qualname__}"] = value
    return found


REGISTRY = _registry()
_NAMES = {cls: name for name, cls in REGISTRY.items()}
_PLAIN = (str, int, float, bool, type(None))


class Encoder:
    """Values to JSON-ready data; spans point at sources by index."""

    def __init__(self, sources: Sequence[SourceFile]):
        self.files = {id(source): index for index, source in enumerate(sources)}

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is tuple:
            return [self.value(item) for item in value]
        if kind is Span:
            index = self.files.get(id(value.file))
            if index is None:
                raise Unsupported("a span in a file that is not one of the bot's")
            return {"s": [index, value.start, value.end]}
        if kind is list:
            return {"L": [self.value(item) for item in value]}
        if kind is dict or kind is types.MappingProxyType:
            return {"D" if kind is dict else "M": [[self.value(k), self.value(v)] for k, v in value.items()]}
        if kind is frozenset:
            return {"F": [self.value(item) for item in value]}
        if kind is matching.CompiledPattern:  # its tables are keyed by the rules' identities
            return {"p": self.value(value.pattern)}
        if isinstance(value, enum.Enum) and kind in _NAMES:
            return {"e": [_NAMES[kind], value.name]}
        if kind in _NAMES:
            return {"a": _NAMES[kind], "v": {field.alias or field.name: self.value(getattr(value, field.name))
                                             for field in attrs.fields(kind) if field.init}}
        if isinstance(value, regex.Pattern):
            return {"r": [value.pattern, value.flags]}
        if isinstance(value, pendulum.DateTime):
            return {"t": [value.to_iso8601_string(), value.timezone_name]}
        if isinstance(value, pendulum.Duration):
            return {"d": value.total_seconds()}
        raise Unsupported(f"cannot cache a {kind.__module__}.{kind.__qualname__}")


class Decoder:
    """JSON data back to values; only registered classes are ever built."""

    def __init__(self, sources: Sequence[SourceFile]):
        self.sources = sources

    def value(self, data: Any) -> Any:
        kind = type(data)
        if kind is list:
            return tuple([self.value(item) for item in data])
        if kind is not dict:
            return data
        try:
            (tag, body), *rest = data.items()
            if tag == "s":
                return Span(self.sources[body[0]], body[1], body[2])
            if tag == "a":
                cls = REGISTRY[body]
                return cls(**{key: self.value(item) for key, item in data["v"].items()})
            if tag == "p":
                return matching.compile_pattern(self.value(body))
            if tag == "L":
                return [self.value(item) for item in body]
            if tag == "D":
                return {self.value(k): self.value(v) for k, v in body}
            if tag == "M":
                return types.MappingProxyType({self.value(k): self.value(v) for k, v in body})
            if tag == "F":
                return frozenset(self.value(item) for item in body)
            if tag == "e":
                return REGISTRY[body[0]][body[1]]
            if tag == "r":
                return regex.compile(body[0], body[1])
            if tag == "t":
                return pendulum.parse(body[0]).in_timezone(body[1])
            if tag == "d":
                return pendulum.duration(seconds=body)
        except (KeyError, IndexError, TypeError, ValueError, regex.error) as error:
            raise Corrupt(f"cannot rebuild a cached value: {error}") from None
        raise Corrupt(f"unknown tag in a cached value: {list(data)[:1]}")


# ------------------------------------------------------------------------------ lazy containers
class _Lazy:
    """Items kept as JSON slices of `body` until asked for, then decoded once. `ends[i]` is where
    item i ends; it starts where item i - 1 ended (`first` for item 0)."""

    def __init__(self, body: bytes, first: int, ends: Sequence[int], decoder: Decoder):
        self._body = body
        self._starts = [first, *ends[:-1]]
        self._ends = ends
        self._decoder = decoder
        self._done: dict[int, Any] = {}

    def _item(self, position: int) -> Any:
        found = self._done.get(position)
        if found is None:
            data = json.loads(self._body[self._starts[position]:self._ends[position]])
            found = self._done[position] = self._decoder.value(data)
        return found


class LazyMapping(_Lazy, Mapping[str, Any]):
    """`image.codes`, `image.patterns`, `image.tasks`: key -> value, decoded when asked for."""

    def __init__(self, body: bytes, first: int, keys: Sequence[str], ends: Sequence[int], decoder: Decoder):
        super().__init__(body, first, ends, decoder)
        self._positions = {key: position for position, key in enumerate(keys)}

    def __getitem__(self, key: str) -> Any:
        return self._item(self._positions[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class LazyDialogs(_Lazy, Sequence[DialogEntry]):
    """`image.dialogs`: position -> `DialogEntry`."""

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return tuple(self._item(i) for i in range(*position.indices(len(self._ends))))
        if position < 0:
            position += len(self._ends)
        if not 0 <= position < len(self._ends):
            raise IndexError("dialog index out of range")
        return self._item(position)

    def __len__(self) -> int:
        return len(self._ends)


class LazyEntries(Mapping[str, DialogEntry]):
    """`image.entries`: a dialog's identity -> its entry, through the lazy dialog list."""

    def __init__(self, refs: Sequence[str], dialogs: LazyDialogs):
        self._positions = {ref: position for position, ref in enumerate(refs)}
        self._dialogs = dialogs

    def __getitem__(self, ref: str) -> DialogEntry:
        return self._dialogs[self._positions[ref]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class _TriggerPatterns(Sequence[Any]):
    """The trigger index's pattern list: (dialog, k) -> that dialog's k-th trigger pattern."""

    def __init__(self, places: Sequence[Sequence[int]], dialogs: LazyDialogs):
        self._places = places
        self._dialogs = dialogs

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self._places)))]
        dialog, number = self._places[position]
        return self._dialogs[dialog].trigger.patterns[number]

    def __len__(self) -> int:
        return len(self._places)


# ------------------------------------------------------------------------------ whole images
def encode_image(image: BotImage, sources: Sequence[SourceFile], extra: Mapping[str, Any]) -> bytes:
    """The image (without its syntax tree) and `extra` (encoded the same way) as bytes."""
    encoder = Encoder(sources)
    chunks: list[bytes] = []
    offset = 0

    def put(value: Any) -> int:
        nonlocal offset
        text = json.dumps(encoder.value(value), separators=(",", ":"), allow_nan=True).encode()
        chunks.append(text)
        offset += len(text)
        return offset

    lazy = {}
    for name in _MAPPINGS:
        mapping = getattr(image, name)
        keys = list(mapping)
        lazy[name] = {"first": offset, "keys": keys, "ends": [put(mapping[key]) for key in keys]}
    dialogs = {"first": offset, "ends": [put(entry) for entry in image.dialogs]}
    index, always = image.trigger_index
    eager = {field.name: encoder.value(getattr(image, field.name)) for field in attrs.fields(BotImage)
             if field.name not in _LAZY}
    body = b"".join(chunks)
    header = {"format": FORMAT, "body_sha256": hashlib.sha256(body).hexdigest(), "lazy": lazy, "dialogs": dialogs,
              "refs": [entry.ref for entry in image.dialogs],
              "trigger_index": {"keys": list(index.keys), "by_word": index.by_word, "always": list(index.always),
                                "places": _trigger_places(image), "always_try": list(always)},
              "named": {name: list(variants) for name, variants in image.named.items()},
              "image": eager, "extra": {key: encoder.value(value) for key, value in extra.items()}}
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + body


_MAPPINGS = ("codes", "patterns", "tasks")  # decoded an item at a time
# Fields not encoded as values: lazy, rebuilt from others, or written as plain JSON (`named`: a
# name per dialog, 10,000 entries for the large benchmark bot, read without the generic decoder).
_LAZY = frozenset({"program", "dialogs", "entries", "trigger_index", "concepts", "constant_sizes", "named",
                   *_MAPPINGS})


def _trigger_places(image: BotImage) -> list[list[int]]:
    """Where each pattern of the trigger index lives: [dialog index, position in its trigger]."""
    index, _ = image.trigger_index
    places: list[list[int]] = []
    for key, compiled in zip(index.keys, index.patterns):
        patterns = image.dialogs[key].trigger.patterns
        number = next(i for i, pattern in enumerate(patterns) if pattern is compiled)
        places.append([key, number])
    return places


def decode_image(blob: bytes, sources: Sequence[SourceFile]) -> tuple[BotImage, dict[str, Any]]:
    """The image and the `extra` values from `encode_image`'s bytes (`Corrupt` when they are not)."""
    decoder = Decoder(sources)
    try:
        newline = blob.index(b"\n")
        header = json.loads(blob[:newline])
        if header.get("format") != FORMAT:
            raise Corrupt("another cache format")
        body = blob[newline + 1:]
        if hashlib.sha256(body).hexdigest() != header.get("body_sha256"):  # items decode later: check now
            raise Corrupt("a damaged entry")
        lazy = {name: LazyMapping(body, part["first"], part["keys"], part["ends"], decoder)
                for name, part in header["lazy"].items()}
        dialogs = LazyDialogs(body, header["dialogs"]["first"], header["dialogs"]["ends"], decoder)
        entries = LazyEntries(header["refs"], dialogs)
        fields = {name: decoder.value(value) for name, value in header["image"].items()}
        triggers = header["trigger_index"]
        index = _rebuilt_index(triggers, dialogs)
        named = types.MappingProxyType({name: tuple(variants) for name, variants in header["named"].items()})
        image = BotImage(program=None, dialogs=dialogs, entries=entries, **lazy,  # type: ignore[arg-type]
                         named=named, trigger_index=(index, tuple(triggers["always_try"])),
                         concepts=concept_table(fields["constants"]),
                         constant_sizes=types.MappingProxyType(constant_sizes(fields["constants"],
                                                                              fields["config"].limits)),
                         **fields)
        extra = {key: decoder.value(value) for key, value in header["extra"].items()}
    except Corrupt:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as error:
        raise Corrupt(f"a damaged cache entry: {error}") from None
    return image, extra


def _rebuilt_index(data: Mapping[str, Any], dialogs: LazyDialogs) -> matching.TriggerIndex:
    """The trigger index without compiling or decoding a pattern (they load when matched)."""
    index = matching.TriggerIndex([])
    index.keys = [int(key) for key in data["keys"]]
    index.by_word = {str(word): [int(p) for p in positions] for word, positions in data["by_word"].items()}
    index.always = [int(position) for position in data["always"]]
    index.patterns = _TriggerPatterns(data["places"], dialogs)  # type: ignore[assignment]
    return index
