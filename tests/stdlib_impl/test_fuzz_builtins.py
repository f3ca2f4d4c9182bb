"""Any builtin, called with any values a script could hold, gives a value or a `ScriptError`,
never another exception (SPEC §3: "never Python `TypeError`s")."""

from __future__ import annotations

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubble_lang.limits import Limits
from bubble_lang.runtime.script_errors import ScriptError
from bubble_lang.runtime.values import Atom, Captured, Record, Text
from bubble_lang.stdlib import ANY_KEYWORD, BUILTINS, WIDGET_KINDS, WIDGET_OPTIONS
from bubble_lang.stdlib_impl import call_builtin, validate_value

from .helpers import make_ctx

#: Small budgets, so that size limits are reached by small generated values too.
LIMITS = Limits(string_bytes=4_000, collection_items=60, range_items=200, json_nesting=8)

CATEGORIES_UNDER_TEST = ("text", "lists", "maps", "numbers")

words = st.sampled_from(["", "a", "A", "title", "price", "asc", "desc", "days", ":months", "1,234.5", "42",
                         "2024-03-05", "{D} {Mfull}", "{", "Europe/Amsterdam", "https://e.com/x.png",
                         "javascript:x", "int", "text", "single_choice", "yes | no", "ß", "#{x}"])
texts = st.one_of(words, st.text(max_size=30))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.integers(min_value=-5, max_value=5),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
    texts.map(Text),
    st.builds(Captured, texts, st.one_of(st.none(), st.integers(-9, 9), texts)),
    st.sampled_from([Atom("asc"), Atom("desc"), Atom("days"), Atom("title"), Atom("x")]),
    st.sampled_from([pendulum.datetime(2024, 3, 5, 10, tz="Europe/Amsterdam"),
                     pendulum.datetime(1, 1, 1, tz="UTC"), pendulum.duration(seconds=90)]),
    st.sampled_from([Record("intent", {"label": "Yes"}), Record("x", {})]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(texts, inner, max_size=5)),
    max_leaves=20,
)


def arguments(name: str) -> st.SearchStrategy[tuple[list, dict]]:
    """Positional values within the declared arity, and some declared options."""
    declaration = BUILTINS[name]
    high = declaration.max_args if declaration.max_args is not None else declaration.min_args + 3
    positional = st.lists(values, min_size=declaration.min_args, max_size=high)
    names = [k for k in declaration.keywords if k != ANY_KEYWORD]
    options = st.dictionaries(st.sampled_from(names), values, max_size=3) if names else st.just({})
    return st.tuples(positional, options)


def call_anything(name: str, args: list, options: dict, seed: int) -> None:
    ctx = make_ctx(seed=seed, limits=LIMITS)
    try:
        result = call_builtin(ctx, name, args, options)
    except ScriptError as error:
        assert error.message and error.hint
        return
    # What a builtin gives back stays within the limits when what it got did (`range` has a
    # budget of its own, larger than the collection limit).
    try:
        validate_value([args, options], LIMITS)
    except ScriptError:
        return
    if name != "range":
        validate_value(result, LIMITS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([n for n, b in BUILTINS.items() if b.category in CATEGORIES_UNDER_TEST])
       .flatmap(lambda n: st.tuples(st.just(n), arguments(n))), st.integers(0, 3))
def test_text_list_map_number_builtins_raise_only_script_errors(call: tuple, seed: int) -> None:
    name, (args, options) = call
    call_anything(name, args, options, seed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([n for n, b in BUILTINS.items() if b.category not in CATEGORIES_UNDER_TEST])
       .flatmap(lambda n: st.tuples(st.just(n), arguments(n))), st.integers(0, 3))
def test_date_record_and_other_builtins_raise_only_script_errors(call: tuple, seed: int) -> None:
    name, (args, options) = call
    call_anything(name, args, options, seed)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(WIDGET_KINDS)),
       st.dictionaries(st.sampled_from(sorted(WIDGET_OPTIONS)), values, max_size=4))
def test_widgets_from_any_option_map_raise_only_script_errors(kind: str, options: dict) -> None:
    call_anything("input_method", [kind, options], {}, 0)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from(["{D}/{M}/{YYYY}", "{h12}:{0m}{am}", "{Mfull} {D}",
                                              "{ISO}", "{Zname}", "{YY}-{0M}", "{WDshort} {0h24}"]))
def test_date_parse_of_any_text_gives_a_date_time_or_nil(text: str, layout: str) -> None:
    ctx = make_ctx()
    for args in ([text], [text, layout]):
        result = call_builtin(ctx, "date_parse", args, {})
        assert result is None or isinstance(result, pendulum.DateTime)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_number_of_any_text_gives_a_number_or_nil(text: str) -> None:
    ctx = make_ctx()
    try:
        result = call_builtin(ctx, "number", [text], {})
    except ScriptError:
        return
    assert result is None or (isinstance(result, (int, float)) and not isinstance(result, bool))
