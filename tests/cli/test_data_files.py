"""Data files stay within the limits as they load (B502 at the offending line, with a hint): a
tester's "billion laughs" YAML passed lint and hung the bot, deep JSON/YAML crashed with
RecursionError, and lists over 10,000 items passed."""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import pytest

from bubble_lang.cli.main import main
from bubble_lang.data_files import check_plain_value, load_data_file
from bubble_lang.diagnostics import BubbleUsageError
from bubble_lang.frontend import discover_bots, check_bot
from bubble_lang.limits import DEFAULT_LIMITS
from bubble_lang.source import SourceFile

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def problem(name: str, text: str, limits=DEFAULT_LIMITS):
    with pytest.raises(BubbleUsageError) as info:
        load_data_file(SourceFile(name, text), limits)
    [found] = info.value.diagnostics
    assert found.code == "B502" and found.hint
    return found


def line(diagnostic) -> int:
    return diagnostic.span.line


def test_billion_laughs_is_refused_at_the_alias_that_goes_over() -> None:
    found = problem("laughs.yaml", LAUGHS)
    assert "over the size limit" in found.message and "alias" in found.message
    assert 5 <= line(found) <= 9
    assert "value_bytes" in found.hint


def test_shared_aliases_within_the_limit_load_and_stay_shared() -> None:
    value = load_data_file(SourceFile("ok.yaml", "base: &b {size: 1, name: x}\nsmall: *b\nlarge: *b\n"),
                           DEFAULT_LIMITS)
    assert value["small"] is value["large"]


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    found = problem("loop.yaml", "a: &x\n  - 1\n  - *x\n")
    assert "inside its own anchor" in found.message
    assert line(found) == 3


@pytest.mark.parametrize("name, text", [
    ("deep.json", "[" * 10_000 + "]" * 10_000),
    ("deep.json", "{\"a\": " * 5_000 + "1" + "}" * 5_000),
    ("deep.yaml", "[" * 10_000 + "]" * 10_000),
    ("deep.yaml", "".join("  " * i + "- \n" for i in range(3_000))),
])
def test_deep_nesting_is_b502_not_a_recursion_error(name: str, text: str) -> None:
    found = problem(name, text)
    assert "nested more than 64 levels" in found.message
    assert "json_nesting" in found.hint


def test_the_nesting_limit_is_exact_and_points_at_the_bracket() -> None:
    ok = "[" * 64 + "]" * 64
    assert load_data_file(SourceFile("x.json", ok), DEFAULT_LIMITS) is not None
    assert load_data_file(SourceFile("x.yaml", ok), DEFAULT_LIMITS) is not None
    found = problem("x.json", "\n" + "[" * 65 + "]" * 65)
    assert (found.span.line, found.span.column) == (2, 65)
    assert line(problem("x.yaml", "\n\n" + "[" * 65 + "]" * 65)) == 3


@pytest.mark.parametrize("name, text", [
    ("big.json", "[" + ",".join(["1"] * 10_001) + "]"),
    ("big.json", "{" + ",".join(f'"k{i}": 1' for i in range(10_001)) + "}"),
    ("big.yaml", "\n".join(f"- {i}" for i in range(10_001))),
    ("big.yaml", "\n".join(f"k{i}: {i}" for i in range(10_001))),
    ("big.csv", "a,b\n" + "\n".join(f"{i},x" for i in range(10_001))),
])
def test_lists_and_maps_over_the_item_limit_are_refused(name: str, text: str) -> None:
    found = problem(name, text)
    assert "10,001 items, over the limit of 10,000" in found.message
    assert "collection_items" in found.hint


def test_exactly_the_item_limit_loads() -> None:
    assert len(load_data_file(SourceFile("ok.json", "[" + ",".join(["1"] * 10_000) + "]"), DEFAULT_LIMITS)) == 10_000
    assert len(load_data_file(SourceFile("ok.csv", "a\n" + "\n".join("x" * 10_000)), DEFAULT_LIMITS)) == 10_000


def test_the_limits_of_bubble_toml_apply() -> None:
    small = attrs.evolve(DEFAULT_LIMITS, collection_items=3, json_nesting=2)
    assert "4 items" in problem("x.json", "[1, 2, 3, 4]", small).message
    assert "nested more than 2" in problem("x.yaml", "a:\n  b:\n    c: 1\n", small).message


@pytest.mark.parametrize("name, text, where", [
    ("inf.yaml", "price: .inf\n", 1),
    ("inf.yaml", "a: 1\nprice: -.Inf\n", 2),
    ("nan.yaml", "a: 1\nprice: .nan\n", 2),
    ("big.yaml", "price: 1.0e+400\n", 1),
    ("nan.json", '{"a": NaN}', 1),
    ("inf.json", '{"a": 1,\n "b": -Infinity}', 2),
    ("big.json", '{"a":\n 1e400}', 2),
])
def test_numbers_must_be_finite(name: str, text: str, where: int) -> None:
    found = problem(name, text)
    assert "is not a finite number" in found.message
    assert line(found) == where


def test_integers_beyond_the_limit_and_bad_unicode_and_non_plain_data() -> None:
    assert "out of range" in problem("x.yaml", "id: 123456789012345678901234567890\n").message
    assert "out of range" in problem("x.json", "[123456789012345678901234567890]").message
    assert "too large" in problem("x.json", "[" + "9" * 5000 + "]").message  # Python's 4,300-digit guard
    assert "lone surrogate" in problem("x.json", '["\\ud800"]').message
    assert "surrogate" in problem("x.yaml", 'a: "\\ud800"\n').message.replace("invalid Unicode", "surrogate")
    assert "not plain data" in problem("x.yaml", "a: !!binary aGVsbG8=\n").message
    assert "not plain data" in problem("x.yaml", "a: !!set {x, y}\n").message


def test_a_text_over_the_limit_is_refused() -> None:
    small = attrs.evolve(DEFAULT_LIMITS, string_bytes=10)
    assert "over the limit of 10" in problem("x.yaml", "a: " + "x" * 11 + "\n", small).message
    assert "over the limit of 10" in problem("x.json", '["' + "x" * 11 + '"]', small).message


def test_a_big_file_without_aliases_is_measured_too() -> None:
    small = attrs.evolve(DEFAULT_LIMITS, value_bytes=1000)
    assert "over the size limit" in problem("x.json", "[" + ",".join(['"' + "x" * 50 + '"'] * 30) + "]", small).message
    assert "over the size limit" in problem("x.csv", "a\n" + "\n".join(["y" * 50] * 30), small).message


def test_the_value_check_is_a_loop_and_counts_shared_parts() -> None:
    shared = ["x" * 100]
    for _ in range(30):
        shared = [shared, shared]
    found = check_plain_value(shared, DEFAULT_LIMITS)
    assert found is not None and "size limit" in found.message
    deep: list = []
    for _ in range(sys.getrecursionlimit() * 3):
        deep = [deep]
    assert check_plain_value(deep, attrs.evolve(DEFAULT_LIMITS, json_nesting=10**6)) is None  # no RecursionError
    assert "nested" in check_plain_value(deep, DEFAULT_LIMITS).message
    loop: list = [1]
    loop.append(loop)
    assert "contains itself" in check_plain_value(loop, DEFAULT_LIMITS).message


def test_lint_reports_the_data_file_and_exits_1(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "bubble.toml").write_text("", encoding="utf-8")
    (folder / "main.bot").write_text('dialog main do\n  say "#{@laughs}"\nend\n', encoding="utf-8")
    (folder / "laughs.yaml").write_text(LAUGHS, encoding="utf-8")
    code = main(["lint", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "B502" in out and "laughs.yaml:" in out
    [files] = list(discover_bots(folder))
    assert not check_bot(files).ok
