"""Records of a conversation's state as plain data (layer 6): one codec and one copier, both
derived from the attrs fields of each class.

Input: instances of classes declared with `@record("tag")`. Output: JSON-ready data (`dump`),
the instance back (`load`), and a copy to roll a turn back to (`clone`).

Why: the state of a conversation — frames, waits, timers, the turn in progress — is a tree of
attrs classes. Writing `to_plain`, `from_plain` and `snapshot` by hand for each meant the field
list was written out four times and drifted. Here a class lists its fields once; everything else
is read from its type hints:

- `int`, `float`, `str`, `bool`, `None` are stored as they are;
- a field declared with `value_field()` holds a bubble value (text, lists, maps, dates, records…)
  and goes through `values.to_plain`/`from_plain`;
- `list[X]`, `dict[str, X]`, `tuple[X, ...]`, `X | None` nest, and a union of records is stored
  with a `"$r"` tag naming the class;
- a field declared with `transient_field()` is never stored (reset to its default on `load`).

Fields equal to their default are left out, so an idle frame costs a few bytes. Never pickle:
stored state is untrusted input (DESIGN §5), so `load` builds only registered classes.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from .values import from_plain, to_plain

T = TypeVar("T")

_VALUE = "bubble_value"
_TRANSIENT = "bubble_transient"
_TAGS: dict[str, type] = {}  # tag -> class; filled once, as the record classes are defined
_NONE = type(None)
_LEAVES = (int, float, str, bool, _NONE)


def record(tag: str, *, frozen: bool = False) -> Callable[[type[T]], type[T]]:
    """Declare an attrs record (keyword-only init) stored under `tag`. Frozen records are shared,
    not copied, by `clone`: their fields are never changed after they are made."""

    def declare(cls: type[T]) -> type[T]:
        made = (attrs.frozen if frozen else attrs.define)(kw_only=True)(cls)
        if tag in _TAGS and _TAGS[tag].__qualname__ != made.__qualname__:
            raise TypeError(f"record tag `{tag}` is used by {_TAGS[tag].__qualname__} already")
        _TAGS[tag] = made
        made.__record_tag__ = tag  # type: ignore[attr-defined]
        made.__record_frozen__ = frozen  # type: ignore[attr-defined]
        return made

    return declare


def value_field(**kwargs: Any) -> Any:
    """A field holding a bubble value (stored with `values.to_plain`)."""
    return attrs.field(metadata={_VALUE: True}, **kwargs)


def transient_field(**kwargs: Any) -> Any:
    """A field that lives only in memory: not stored, not copied by `clone`."""
    return attrs.field(metadata={_TRANSIENT: True}, eq=False, repr=False, **kwargs)


def dump(obj: Any) -> dict[str, Any]:
    """The plain data of a record (untagged: the reader knows its class)."""
    return _plan(type(obj)).dump(obj)


def load(cls: type[T], data: Any) -> T:
    """A record of class `cls` from plain data; raises `ValueError` on data of the wrong shape."""
    if not isinstance(data, dict):
        raise ValueError(f"expected an object for {cls.__name__}, found {type(data).__name__}")
    return _plan(cls).load(data)


def clone(obj: T) -> T:
    """A copy to roll back to: mutable records and containers are copied, leaves and frozen
    records are shared (they never change)."""
    return _plan(type(obj)).clone(obj)


def assign(target: T, source: T) -> None:
    """Make `target` hold `source`'s fields (same class), keeping `target`'s identity: a turn
    rolled back leaves the caller's state object in place."""
    for field in attrs.fields(type(target)):
        object.__setattr__(target, field.name, getattr(source, field.name))


def dump_tagged(obj: Any) -> dict[str, Any]:
    """Plain data with the `"$r"` tag, for a place that may hold several record classes."""
    return {"$r": obj.__record_tag__, **dump(obj)}


def load_tagged(data: Any) -> Any:
    if not isinstance(data, dict) or data.get("$r") not in _TAGS:
        raise ValueError(f"expected a tagged record, found {str(data)[:60]}")
    return load(_TAGS[data["$r"]], {key: value for key, value in data.items() if key != "$r"})


# ---------------------------------------------------------------------------------- conversions
def _identity(value: Any) -> Any:
    return value


def _copy_value(value: Any) -> Any:
    """Bubble values: lists and maps are mutated in place by the VM, everything else is not
    (values are plain `list`/`dict`, never subclasses: `type` checks are enough, and cheaper)."""
    kind = type(value)
    if kind is list:
        return [_copy_value(item) if type(item) in _CONTAINERS else item for item in value]
    if kind is dict:
        return {key: _copy_value(item) if type(item) in _CONTAINERS else item for key, item in value.items()}
    return value


_CONTAINERS = (list, dict)


@attrs.frozen
class _Conv:
    """How one declared type is stored, read back and copied."""

    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]
    copy: Callable[[Any], Any] | None  # None: share the value


_LEAF = _Conv(_identity, _identity, None)
_VALUE_CONV = _Conv(to_plain, from_plain, _copy_value)


def _optional(inner: _Conv) -> _Conv:
    copy = inner.copy
    return _Conv(lambda v: None if v is None else inner.dump(v), lambda v: None if v is None else inner.load(v),
                 None if copy is None else (lambda v: None if v is None else copy(v)))


def _converter(hint: Any) -> _Conv:
    origin = typing.get_origin(hint)
    if hint in _LEAVES or hint is Any or origin is typing.Literal:
        return _LEAF
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not _NONE]
        if len(args) == 1:
            return _optional(_converter(args[0]))
        if all(attrs.has(arg) for arg in args):
            frozen = all(getattr(arg, "__record_frozen__", False) for arg in args)
            return _optional(_Conv(dump_tagged, load_tagged, None if frozen else clone))
        if all(arg in _LEAVES for arg in args):
            return _LEAF
        raise TypeError(f"cannot store a union of {args}")
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        conv = _converter(item)
        if conv is _LEAF:
            return _Conv(list, list, list)
        return _Conv(lambda v: [conv.dump(x) for x in v], lambda v: [conv.load(x) for x in v],
                     (lambda v: [conv.copy(x) for x in v]) if conv.copy else list)  # type: ignore[misc]
    if origin is tuple:
        args = typing.get_args(hint)
        conv = _converter(args[0]) if args else _LEAF
        return _Conv(lambda v: [conv.dump(x) for x in v], lambda v: tuple(conv.load(x) for x in v), None)
    if origin is dict:
        _key, item = typing.get_args(hint) or (str, Any)
        conv = _converter(item)
        if conv is _LEAF:
            return _Conv(dict, dict, dict)
        return _Conv(lambda v: {k: conv.dump(x) for k, x in v.items()},
                     lambda v: {k: conv.load(x) for k, x in v.items()},
                     (lambda v: {k: conv.copy(x) for k, x in v.items()}) if conv.copy else dict)  # type: ignore[misc]
    if isinstance(hint, type) and attrs.has(hint):
        return _Conv(dump, lambda v: load(hint, v), None if getattr(hint, "__record_frozen__", False) else clone)
    raise TypeError(f"cannot store a field of type {hint!r}")


@attrs.frozen
class _FieldPlan:
    name: str
    conv: _Conv
    empty: Callable[[Any], bool]  # is the value its default (so it is left out)?
    transient: bool
    default: Any  # a factory (call it) or a value, for transient fields


@attrs.frozen
class _Plan:
    cls: type
    fields: tuple[_FieldPlan, ...]
    frozen: bool
    # Worked out once per class, for the loops below (they run for every stored turn and every
    # rollback copy): fields with how they are stored and when they are left out; for `clone`,
    # fields shared as they are, copied (with their copier), or reset (with their default).
    stored: tuple[tuple[str, Callable[[Any], Any] | None, Callable[[Any], Any] | None,
                        Callable[[Any], bool]], ...] = ()
    shared: tuple[str, ...] = ()
    copied: tuple[tuple[str, Callable[[Any], Any]], ...] = ()
    reset: tuple[tuple[str, Any], ...] = ()

    def dump(self, obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, write, _read, empty in self.stored:
            value = getattr(obj, name)
            if not empty(value):
                data[name] = value if write is None else write(value)
        return data

    def load(self, data: dict[str, Any]) -> Any:
        kwargs = {}
        for name, _write, read, _empty in self.stored:
            if name in data:
                value = data[name]
                kwargs[name] = value if read is None else read(value)
        try:
            return self.cls(**kwargs)
        except TypeError as error:  # a required field is missing
            raise ValueError(f"{self.cls.__name__}: {error}") from None

    def clone(self, obj: Any) -> Any:
        if self.frozen:
            return obj
        new = object.__new__(self.cls)
        put = object.__setattr__
        for name in self.shared:
            put(new, name, getattr(obj, name))
        for name, copy in self.copied:
            put(new, name, copy(getattr(obj, name)))
        for name, default in self.reset:
            put(new, name, default() if callable(default) else default)
        return new


def _never(value: Any) -> bool:
    return False


def _is_empty_container(value: Any) -> bool:
    return not value and type(value) in (list, dict, tuple)


def _emptiness(field: attrs.Attribute) -> Callable[[Any], bool]:
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        made = default.factory()  # type: ignore[union-attr]
        if isinstance(made, (list, dict, tuple)) and not made:
            return _is_empty_container
        return _never
    if default is attrs.NOTHING:
        return _never
    if isinstance(default, _LEAVES):
        return lambda value: value is default or (type(value) is type(default) and value == default)
    return lambda value: False


@functools.cache
def _plan(cls: type) -> _Plan:
    if not attrs.has(cls):
        raise TypeError(f"{cls!r} is not a record")
    hints = typing.get_type_hints(cls)
    fields = []
    for field in attrs.fields(cls):
        transient = bool(field.metadata.get(_TRANSIENT))
        conv = _VALUE_CONV if field.metadata.get(_VALUE) else (_LEAF if transient else _converter(hints[field.name]))
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory  # type: ignore[union-attr]
        fields.append(_FieldPlan(field.name, conv, _emptiness(field), transient, default))
    leaf = _identity
    return _Plan(cls, tuple(fields), bool(getattr(cls, "__record_frozen__", False)),
                 stored=tuple((f.name, None if f.conv.dump is leaf else f.conv.dump,
                               None if f.conv.load is leaf else f.conv.load, f.empty)
                              for f in fields if not f.transient),
                 shared=tuple(f.name for f in fields if not f.transient and f.conv.copy is None),
                 copied=tuple((f.name, f.conv.copy) for f in fields if not f.transient and f.conv.copy is not None),
                 reset=tuple((f.name, f.default) for f in fields if f.transient))
