"""The builtin registry: every SPEC §10 name is declared, calls are checked in house style."""

from __future__ import annotations

import re

import pytest

from bubble_lang.stdlib import (
    ANY_KEYWORD,
    BUILTINS,
    CATEGORIES,
    Builtin,
    Param,
    ParamKind,
    UnknownBuiltinError,
    check_arguments,
    check_call,
    explain_builtin,
    lookup,
    signature,
)
from bubble_lang.stdlib import registry
from bubble_lang.stdlib.docs import render_signature_listing
from bubble_lang.stdlib.model import declare, parse_params

#: SPEC §10 (and the §8 content builders), by category.
SPEC_NAMES: dict[str, tuple[str, ...]] = {
    "text": (
        "length", "upcase", "downcase", "capitalize", "trim", "split", "join", "join_and",
        "replace", "contains", "starts_with", "ends_with", "number", "string", "format_number",
    ),
    "lists": (
        "first", "last", "count", "sort", "sort_by", "reverse", "uniq", "flatten", "take",
        "drop", "pluck", "filter", "find", "sum", "min", "max", "range", "random_item",
        "shuffle",
    ),
    "maps": ("keys", "values", "get", "put", "delete", "merge"),
    "numbers": ("round", "floor", "ceil", "abs", "div", "rem", "random_int"),
    "dates": ("date_now", "date_parse", "date_format", "date_add", "date_diff", "timezone"),
    "matching": ("intent", "entity", "match"),
    "widgets": ("input_method",),
    "content": (
        "image", "audio", "video", "web", "location", "contact", "md", "download", "qrcode",
        "loading", "table", "chart", "file", "buttons",
    ),
    "events": ("event",),
    "i18n": ("_",),
}

HINT_START = re.compile(r"^(did you mean |[a-z]+ )")


def assert_house_style(problem: registry.CallProblem) -> None:
    """One lowercase clause without a final period; a hint that starts with a verb."""
    assert problem.message[0].islower() or problem.message[0] == "`", problem.message
    assert not problem.message.endswith("."), problem.message
    assert "\n" not in problem.message
    assert HINT_START.match(problem.hint), problem.hint
    assert not problem.hint.endswith("."), problem.hint


@pytest.mark.parametrize(
    ("category", "name"), [(c, n) for c, names in SPEC_NAMES.items() for n in names]
)
def test_spec_name_is_declared_in_its_category(category: str, name: str) -> None:
    builtin = lookup(name)
    assert builtin is not None, f"SPEC §10 names `{name}` but the registry does not"
    assert builtin.category == category


def test_names_are_unique_across_declaration_modules() -> None:
    names = [b.name for module in registry._MODULES for b in module.DECLARATIONS]
    assert len(names) == len(set(names))
    assert set(names) == set(BUILTINS)


def test_every_name_is_an_identifier_a_script_can_write() -> None:
    for name in BUILTINS:
        assert re.fullmatch(r"[a-z_][a-zA-Z0-9_]*", name), name


def test_every_category_has_builtins() -> None:
    assert {b.category for b in BUILTINS.values()} == set(CATEGORIES)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_doc_is_a_paragraph_then_examples(name: str) -> None:
    builtin = BUILTINS[name]
    assert builtin.summary, name
    assert builtin.summary[0].isupper(), name
    assert builtin.summary.endswith("."), name
    assert "\n" not in builtin.summary
    assert builtin.examples, f"`{name}` has no example line"
    for example in builtin.examples:
        assert example.startswith(name + "("), example
        assert " -> " in example, example


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_param_and_keyword_names_are_lowercase_words(name: str) -> None:
    builtin = BUILTINS[name]
    for word in [p.name for p in builtin.params] + list(builtin.keywords):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", word), (name, word)


def test_effectful_builtins_are_exactly_the_random_ones() -> None:
    effectful = {b.name for b in BUILTINS.values() if b.effectful}
    assert effectful == {"random_item", "shuffle", "random_int"}


def test_builtins_that_read_the_conversation_are_not_pure_but_allowed_in_guards() -> None:
    reading = {b.name for b in BUILTINS.values() if not b.pure and not b.effectful}
    assert reading == {"date_now", "date_parse", "date_format", "_"}


@pytest.mark.parametrize(
    ("name", "positional", "keywords"),
    [
        ("length", 1, ()),
        ("join", 1, ()),
        ("join", 2, ()),
        ("round", 1, ()),
        ("round", 2, ()),
        ("max", 1, ()),
        ("max", 5, ()),
        ("merge", 2, ()),
        ("date_now", 0, ()),
        ("date_diff", 3, ()),
        ("date_format", 2, ("locale",)),
        ("intent", 0, ("match",)),
        ("intent", 0, ("match", "label")),
        ("entity", 0, ("match",)),
        ("input_method", 2, ()),
        ("input_method", 1, ("caption", "mode", "items")),
        ("format_number", 2, ("thousands", "decimal")),
        ("download", 0, ("name", "url")),
        ("file", 0, ("name", "type", "base64")),
        ("loading", 1, ("progress",)),
        ("table", 1, ("columns",)),
        ("chart", 1, ()),
        ("chart", 0, ("data", "layout")),
        ("_", 1, ()),
    ],
)
def test_good_calls_pass(name: str, positional: int, keywords: tuple[str, ...]) -> None:
    assert check_call(name, positional, keywords) is None


def test_unknown_function_suggests_the_nearest_name() -> None:
    problem = check_call("lenght", 1, ())
    assert problem is not None
    assert (problem.kind, problem.message, problem.hint) == (
        "unknown",
        "unknown function `lenght`",
        "did you mean `length`?",
    )
    assert problem.suggestion == "length"
    assert_house_style(problem)


def test_unknown_function_folds_case_and_underscores() -> None:
    problem = check_call("sortBy", 2, ())
    assert problem is not None and problem.suggestion == "sort_by"


def test_unknown_function_far_from_every_name_has_no_suggestion() -> None:
    problem = check_call("teleport_user", 1, ())
    assert problem is not None
    assert problem.suggestion is None
    assert problem.hint.startswith("check the spelling")
    assert_house_style(problem)


def test_too_many_arguments() -> None:
    problem = check_call("join", 3, ())
    assert problem is not None
    assert (problem.kind, problem.message, problem.hint) == (
        "arity",
        "`join` takes 1 or 2 arguments, got 3",
        "call it as `join(list, separator?)`",
    )
    assert_house_style(problem)


def test_too_few_arguments() -> None:
    problem = check_call("date_diff", 2, ())
    assert problem is not None
    assert problem.kind == "arity"
    assert problem.message == "`date_diff` takes 3 arguments, got 2"
    assert problem.hint == "call it as `date_diff(a, b, unit)`"


@pytest.mark.parametrize(
    ("name", "positional", "message"),
    [
        ("length", 0, "`length` takes 1 argument, got 0"),
        ("range", 4, "`range` takes 2 or 3 arguments, got 4"),
        ("max", 0, "`max` takes at least 1 argument, got 0"),
        ("merge", 1, "`merge` takes at least 2 arguments, got 1"),
        ("intent", 1, "`intent` takes no positional arguments, got 1"),
        ("date_now", 2, "`date_now` takes at most 1 argument, got 2"),
        ("contact", 2, "`contact` takes at most 1 argument, got 2"),
    ],
)
def test_arity_messages(name: str, positional: int, message: str) -> None:
    problem = check_call(name, positional, ("match",) if name == "intent" else ())
    assert problem is not None and problem.message == message


def test_unknown_keyword_suggests_the_nearest_option() -> None:
    problem = check_call("intent", 0, ("matc",))
    assert problem is not None
    assert (problem.kind, problem.message, problem.hint) == (
        "keyword",
        "`intent` has no option `matc:`",
        "did you mean `match:`?",
    )
    assert_house_style(problem)


def test_unknown_keyword_far_from_every_option_lists_them() -> None:
    problem = check_call("intent", 0, ("match", "sentiment"))
    assert problem is not None
    assert problem.hint == "use one of `match:`, `label:`"


def test_the_originals_dialogflow_option_says_why_not_and_what_instead() -> None:
    problem = check_call("intent", 0, ("match", "dialogflow"))
    assert problem is not None and "Dialogflow" in problem.message and "intent(match:" in problem.hint


def test_keyword_to_a_function_without_options() -> None:
    problem = check_call("length", 1, ("max",))
    assert problem is not None
    assert problem.message == "`length` has no option `max:`"
    assert problem.hint == "remove `max:`; `length` takes no options"
    assert_house_style(problem)


def test_repeated_keyword() -> None:
    problem = check_call("intent", 0, ("match", "match"))
    assert problem is not None
    assert problem.kind == "keyword"
    assert problem.message == "`intent` got the option `match:` twice"
    assert_house_style(problem)


def test_missing_required_keyword() -> None:
    problem = check_call("entity", 0, ())
    assert problem is not None
    assert (problem.kind, problem.message, problem.hint) == (
        "keyword",
        "`entity` needs the option `match:`",
        "call it as `entity(match:)`",
    )


def test_misspelt_widget_option_is_caught_by_input_method() -> None:
    problem = check_call("input_method", 1, ("captoin",))
    assert problem is not None and problem.suggestion == "caption"


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_every_problem_of_every_builtin_is_in_house_style(name: str) -> None:
    builtin = BUILTINS[name]
    problems = [check_call(name, builtin.min_args, (*builtin.required_keywords, "bogus_option"))]
    if builtin.max_args is not None:
        problems.append(check_call(name, builtin.max_args + 1, builtin.required_keywords))
    if builtin.min_args:
        problems.append(check_call(name, builtin.min_args - 1, builtin.required_keywords))
    for problem in problems:
        assert problem is not None
        assert_house_style(problem)
    assert check_call(name, builtin.min_args, builtin.required_keywords) is None


def test_any_keyword_accepts_every_option_but_still_checks_arity() -> None:
    open_ended = declare(
        "card", "title", "content", "Makes a card.", 'card("a", colour: "red") -> a card',
        category="content", keywords=(ANY_KEYWORD,),
    )
    assert check_arguments(open_ended, 1, ("colour", "size")) is None
    assert check_arguments(open_ended, 1, ("colour", "colour")) is not None
    assert check_arguments(open_ended, 2, ()) is not None
    assert signature(open_ended) == "card(title, key: value...)"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("join", "join(list, separator?)"),
        ("max", "max(values, more...)"),
        ("date_diff", "date_diff(a, b, unit)"),
        ("intent", "intent(match:, label?:)"),
        ("file", "file(name:, base64:, type?:)"),
        ("input_method", "input_method(kind, options?, option: value...)"),
        ("_", "_(text)"),
    ],
)
def test_signature(name: str, text: str) -> None:
    assert signature(BUILTINS[name]) == text


def test_parse_params_reads_kinds() -> None:
    assert parse_params("list, separator?") == (
        Param("list"),
        Param("separator", ParamKind.OPTIONAL),
    )
    assert parse_params("values, more...")[1] == Param("more", ParamKind.VARIADIC)
    assert parse_params("") == ()


def test_declaration_rejects_pure_and_effectful_together() -> None:
    with pytest.raises(ValueError, match="both pure and effectful"):
        declare("x", "", "any", "Does x.", "x() -> 1", category="text", effectful=True)


def test_declaration_rejects_optional_before_required() -> None:
    with pytest.raises(ValueError, match="out of order"):
        Builtin(
            name="x",
            params=(Param("a", ParamKind.OPTIONAL), Param("b")),
            category="text",
            returns="any",
            doc="Does x.\n\nx(1, 2) -> 3",
        )


def test_declaration_rejects_an_unknown_category() -> None:
    with pytest.raises(ValueError):
        declare("x", "", "any", "Does x.", "x() -> 1", category="strings")


def test_explain_builtin_date_format(snapshot) -> None:
    assert explain_builtin("date_format") == snapshot


def test_explain_builtin_shows_the_widget_kinds() -> None:
    text = explain_builtin("input_method")
    for kind in ("single_choice", "upload", "captcha", "item_picker", "form"):
        assert f'"{kind}"' in text


def test_explain_unknown_builtin_raises_with_a_suggestion() -> None:
    with pytest.raises(UnknownBuiltinError) as caught:
        explain_builtin("date_fromat")
    assert caught.value.problem.hint == "did you mean `date_format`?"


def test_signature_listing(snapshot) -> None:
    assert render_signature_listing() == snapshot
