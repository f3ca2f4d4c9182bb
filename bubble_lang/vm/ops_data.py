"""Handlers of the value instructions (layer 7): loads, stores, building values, field access,
builtin calls and operators.

Every handler has the dispatch signature `(m, frame, stack, constants, arg, pc)` and returns None
to go on to the next instruction (`dispatch.py` explains the other results). `HANDLERS` maps
opcode names to handlers; the dispatch table is built from it and the other `ops_*` modules.
"""

from __future__ import annotations

from typing import Any

from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.values import Atom, Record, get_field, plain_text, to_text, type_name
from ..runtime.session import assign_user_field
from . import operators


def load_const(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(constants[arg])


def load_atom(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(Atom(constants[arg]))


def load_global(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(m.state.globals.get(constants[arg]))


def store_global(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    m.state.globals[constants[arg]] = stack.pop()


def load_local(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(frame.locals.get(constants[arg]))


def store_local(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    frame.locals[constants[arg]] = stack.pop()


def load_runtime(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(m.runtime_variable(constants[arg]))


def load_constant(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(m.image.constants.get(constants[arg]))


def store_user(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    assign_user_field(m.state, constants[arg], stack.pop())


def pop(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.pop()


def dup(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(stack[-1])


def _take(stack: list[Any], count: int) -> list[Any]:
    if not count:
        return []
    items = stack[len(stack) - count:]
    del stack[len(stack) - count:]
    return items


def build_list(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    m.meter.check_items(arg)
    stack.append(m.meter.check(_take(stack, arg)))


def build_map(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    m.meter.check_items(arg)
    flat = _take(stack, 2 * arg)
    stack.append(m.meter.check({to_text(plain_text(flat[i])): flat[i + 1] for i in range(0, len(flat), 2)}))


def build_string(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    text = "".join(to_text(part) for part in _take(stack, arg))
    if len(text) > m.limits.string_bytes:
        raise LimitError(f"text too long: more than {m.limits.string_bytes} characters")
    stack.append(text)


def translate_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """`_"Hello #{name}"`: the translation for the conversation's locale, its placeholders filled
    in (`translations.py`); the text as written when there is none."""
    key, parts = constants[arg]
    values = _take(stack, sum(1 for part in parts if isinstance(part, int)))
    chosen = m.translation(key) or parts
    text = "".join(to_text(values[part]) if isinstance(part, int) else part for part in chosen)
    if len(text) > m.limits.string_bytes:
        raise LimitError(f"text too long: more than {m.limits.string_bytes} characters")
    stack.append(text)


def get_field_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack.append(get_field(stack.pop(), constants[arg]))


def get_index(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    index = plain_text(stack.pop())
    target = plain_text(stack.pop())
    stack.append(_index(target, index))


def _index(target: Any, index: Any) -> Any:
    if isinstance(target, list):
        if isinstance(index, bool) or not isinstance(index, int):
            raise ScriptError(f"a list index must be an integer, got {type_name(index)}", "write `list[0]`")
        return target[index] if -len(target) <= index < len(target) else None
    if isinstance(target, dict):
        return target.get(to_text(index))
    if isinstance(target, str):
        if isinstance(index, int) and not isinstance(index, bool):
            return target[index] if -len(target) <= index < len(target) else None
    if target is None:
        return None
    if isinstance(target, Record):
        return target.fields.get(to_text(index))
    raise ScriptError(f"cannot index {type_name(target)}", "index lists with numbers and maps with keys")


def put_in(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    """`root.a[i].b = v`: the root's new value, made as the original's AutoMap does — a missing or
    non-map step becomes a map, an integer index into a missing or short list extends it with
    nils — copying every map and list on the path, so another variable holding the old value
    never changes."""
    path = constants[arg]
    keys = iter(_take(stack, sum(1 for step in path if step is None)))
    root = stack.pop()
    value = stack.pop()
    stack.append(m.meter.check(_put(m, root, path, 0, keys, value)))


def _put(m: Any, container: Any, path: tuple[str | None, ...], at: int, keys: Any, value: Any) -> Any:
    if at == len(path):
        return value
    key = path[at] if path[at] is not None else plain_text(next(keys))
    if isinstance(key, int) and not isinstance(key, bool) and not isinstance(container, dict):
        items = list(container) if isinstance(container, list) else []
        if key < 0:
            if key < -len(items):
                raise ScriptError(f"index {key} is before the start of a list of {len(items)}",
                                  "negative indexes count from the end: -1 is the last item")
            key += len(items)
        if key >= len(items):
            m.meter.check_items(key + 1)
            items.extend([None] * (key + 1 - len(items)))
        items[key] = _put(m, items[key], path, at + 1, keys, value)
        return items
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        name = to_text(key)
        fields = dict(container) if isinstance(container, dict) else \
            dict(container.fields) if isinstance(container, Record) else {}
        fields[name] = _put(m, fields.get(name), path, at + 1, keys, value)
        m.meter.check_items(len(fields))
        return fields
    raise ScriptError(f"cannot use {type_name(key)} as an index", "index lists with numbers and maps with keys")


def query(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    flat = _take(stack, 2 * arg)
    target = stack.pop()
    pairs = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
    if not isinstance(target, list):
        raise ScriptError(f"cannot query {type_name(target)} with `[field: value]`", "query a list of maps")
    stack.append([item for item in target
                  if all(operators.equals(get_field(item, key), value) for key, value in pairs)])


def call_builtin(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    name, positional, keywords = constants[arg]
    values = _take(stack, positional + len(keywords))
    result = m.calls.call(name, values[:positional], dict(zip(keywords, values[positional:])))
    m.check_time()  # a loop of slow calls must not run past the deadline
    stack.append(m.meter.check(result))


# ---------------------------------------------------------------------------------- operators
def add(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    right = stack.pop()
    left = stack[-1]
    result = operators.add(left, right, m.limits)
    stack[-1] = m.meter.concat(left, right, result) if type(result) is list else result


def _binary(function: Any) -> Any:
    def handler(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
        right = stack.pop()
        stack[-1] = function(stack[-1], right, m.limits)

    handler.__name__ = function.__name__
    handler.__doc__ = function.__doc__
    return handler


def compare_equal(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    right = stack.pop()
    stack[-1] = operators.equals(stack[-1], right)


def compare_not_equal(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    right = stack.pop()
    stack[-1] = not operators.equals(stack[-1], right)


def not_op(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    value = stack[-1]
    stack[-1] = value is None or value is False


def negate(m, frame, stack, constants, arg, pc):  # type: ignore[no-untyped-def]
    stack[-1] = operators.negate(stack[-1], m.limits)


HANDLERS = {
    "LOAD_CONST": load_const, "LOAD_ATOM": load_atom, "LOAD_GLOBAL": load_global, "STORE_GLOBAL": store_global,
    "LOAD_LOCAL": load_local, "STORE_LOCAL": store_local, "LOAD_RUNTIME": load_runtime,
    "LOAD_CONSTANT": load_constant, "STORE_USER": store_user, "POP": pop, "DUP": dup,
    "BUILD_LIST": build_list, "BUILD_MAP": build_map, "BUILD_STRING": build_string, "TRANSLATE": translate_op,
    "GET_FIELD": get_field_op,
    "GET_INDEX": get_index, "PUT_IN": put_in, "QUERY": query, "CALL_BUILTIN": call_builtin,
    "ADD": add, "SUBTRACT": _binary(operators.subtract), "MULTIPLY": _binary(operators.multiply),
    "DIVIDE": _binary(operators.divide), "COMPARE_EQUAL": compare_equal, "COMPARE_NOT_EQUAL": compare_not_equal,
    "COMPARE_LESS": _binary(operators.less), "COMPARE_LESS_EQUAL": _binary(operators.less_equal),
    "COMPARE_GREATER": _binary(operators.greater), "COMPARE_GREATER_EQUAL": _binary(operators.greater_equal),
    "MEMBER_OF": _binary(operators.member_of), "NOT": not_op, "NEGATE": negate,
}
