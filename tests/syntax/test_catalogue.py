"""Every entry of `syntax_hints.CATALOGUE` fires, with its own code, for each of its examples."""

from __future__ import annotations

import pytest

from bubble_lang.build import parse_script
from bubble_lang.codes import CODES
from bubble_lang.codes.syntax_codes import CODES as SYNTAX_CODES
from bubble_lang.diagnostics import BubbleSyntaxError
from bubble_lang.source import SourceFile
from bubble_lang.syntax_hints import CATALOGUE


def _examples():
    for index, entry in enumerate(CATALOGUE):
        for number, example in enumerate(entry.examples):
            yield pytest.param(entry, example, id=f"{entry.code}-{index}-{number}")


def diagnostics(text: str):
    with pytest.raises(BubbleSyntaxError) as caught:
        parse_script(SourceFile("example.bot", text))
    return caught.value.diagnostics


def test_catalogue_is_not_empty() -> None:
    assert len(CATALOGUE) >= 5
    assert all(entry.examples for entry in CATALOGUE)


@pytest.mark.parametrize(("entry", "example"), list(_examples()))
def test_example_gives_exactly_its_code(entry, example: str) -> None:
    found = diagnostics(example)
    assert [d.code for d in found] == [entry.code], [f"{d.code} {d.message}" for d in found]
    assert found[0].message == entry.message
    assert found[0].hint == entry.hint
    assert found[0].span is not None


@pytest.mark.parametrize("entry", CATALOGUE, ids=[f"{e.code}-{i}" for i, e in enumerate(CATALOGUE)])
def test_entry_is_registered_and_reads_well(entry) -> None:
    assert entry.code in CODES
    assert entry.message and entry.message == entry.message.strip()
    assert not entry.message.endswith(".")
    assert entry.hint and not entry.hint.endswith(".")


# The registry's own examples (`bubble explain`) should give their code. Examples with `…` or a
# description instead of code are skipped.
_REGISTRY_BUGS: dict[str, str] = {}


def _registry_examples():
    for info in SYNTAX_CODES:
        if "…" in info.example or info.example.startswith("("):
            continue
        marks = [pytest.mark.xfail(strict=True, reason=_REGISTRY_BUGS[info.code])] if info.code in _REGISTRY_BUGS else []
        yield pytest.param(info, id=info.code, marks=marks)


@pytest.mark.parametrize("info", list(_registry_examples()))
def test_registry_example_gives_its_code(info) -> None:
    codes = [d.code for d in diagnostics(info.example + "\n")]
    assert info.code in codes
    # a bare statement at the top level is also a B030: that is the only other code allowed
    assert set(codes) <= {info.code, "B030"}
