"""Implementations bind to registry entries by name, in both directions, with the same arity."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bubble_lang.runtime.script_errors import ScriptError
from bubble_lang.stdlib import ANY_KEYWORD, BUILTINS
from bubble_lang.stdlib_impl import IMPLEMENTATIONS, Context, call_builtin
from bubble_lang.stdlib_impl.binding import read_arity

from .helpers import call, fails

PACKAGE = Path(__file__).resolve().parents[2] / "bubble_lang" / "stdlib_impl"


def test_every_declaration_has_an_implementation() -> None:
    assert sorted(set(BUILTINS) - set(IMPLEMENTATIONS)) == []


def test_every_implementation_has_a_declaration() -> None:
    assert sorted(set(IMPLEMENTATIONS) - set(BUILTINS)) == []
    assert all(impl.declaration is BUILTINS[name] for name, impl in IMPLEMENTATIONS.items())


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_arity_matches_the_declaration(name: str) -> None:
    declaration = BUILTINS[name]
    arity = IMPLEMENTATIONS[name].arity
    assert (arity.low, arity.high) == (declaration.min_args, declaration.max_args)
    declared = {k for k in declaration.keywords if k != ANY_KEYWORD}
    if arity.any_keyword:
        # Options checked by the function itself (widget kinds); none may shadow a parameter.
        assert not (declared & arity.positional_names)
        assert arity.keywords <= declared
    else:
        assert arity.keywords == declared
        assert not declaration.any_keyword


def test_read_arity_reads_defaults_varargs_and_options() -> None:
    def sample(ctx: Context, a: object, b: object = None, *rest: object, key: object = None) -> None:
        return None

    arity = read_arity(sample)
    assert (arity.low, arity.high, arity.keywords, arity.any_keyword) == (1, None, frozenset({"key"}), False)


def test_an_unknown_function_is_a_script_error_with_a_suggestion(ctx: Context) -> None:
    with pytest.raises(ScriptError) as caught:
        call_builtin(ctx, "lenght", ["abc"], {})
    assert caught.value.message == "unknown function `lenght`"
    assert caught.value.hint == "did you mean `length`?"


def test_a_wrong_number_of_arguments_is_a_script_error(ctx: Context) -> None:
    error = fails(ctx, "join", code="B403")
    assert error.message == "`join` takes 1 or 2 arguments, got 0"
    assert fails(ctx, "upcase", "a", "b").message == "`upcase` takes 1 argument, got 2"


def test_unknown_repeated_and_missing_options_are_script_errors(ctx: Context) -> None:
    assert fails(ctx, "join", ["a"], sep=",").message == "`join` has no option `sep:`"
    assert fails(ctx, "intent", label="x").message == "`intent` needs the option `match:`"
    assert fails(ctx, "format_number", 1, thousand=".").hint == "did you mean `thousands:`?"


def test_widget_options_cannot_reach_python_parameters(ctx: Context) -> None:
    # `kind` and `options` are parameters of the implementation, not widget options.
    fails(ctx, "input_method", "text", kind="int")
    fails(ctx, "input_method", "text", options={})


def test_the_vm_may_pass_tuples_and_read_only_mappings(ctx: Context) -> None:
    from types import MappingProxyType

    assert call_builtin(ctx, "join", (["a", "b"], "-"), MappingProxyType({})) == "a-b"


def test_calls_go_through_the_declaration(ctx: Context) -> None:
    assert call(ctx, "length", "abc") == 3
    assert IMPLEMENTATIONS["length"](ctx, ["abcd"], {}) == 4


MODULES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_eval_exec_or_dynamic_attributes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    forbidden = {"eval", "exec", "compile", "getattr", "setattr", "__import__", "globals", "locals"}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} & forbidden
    assert not used, f"{path.name} uses {sorted(used)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_global_random_or_system_clock(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for needle in ("random.random(", "random.choice(", "random.randint(", "random.shuffle(",
                   "pendulum.now(", "datetime.now(", "time.time(", "pendulum.today("):
        assert needle not in source, f"{path.name} uses {needle}"
